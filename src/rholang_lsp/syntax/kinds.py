"""Token and node kinds of the Rholang syntax tree.

The precise shape of every node (which children, in which order) is documented in
``syntax/TREE.md`` next to this file; read that before walking the tree.
"""

from __future__ import annotations

import enum


class SyntaxKind(enum.IntEnum):
    # ---- trivia -------------------------------------------------------------
    WHITESPACE = 1
    LINE_COMMENT = 2  # `// ...`
    BLOCK_COMMENT = 3  # `/* ... */` (possibly unterminated at EOF)
    DOC_COMMENT = 4  # `/// ...` or `/** ... */`

    # ---- tokens: literals and names ------------------------------------------
    IDENT = 10
    INT = 11  # 42
    TYPED_NUMBER = 12  # [RS] 1i64 255u8 5n 3r 1.5f64 10p1
    FLOAT = 13  # bare 1.5 (always a diagnostic)
    STRING = 14
    URI = 15  # `rho:io:stdout`
    BIGINT_OPEN = 16  # `BigInt(` [RC]
    EOF = 17  # empty token at the end; carries trailing trivia
    ERROR_TOKEN = 18  # a character no token starts with

    # ---- keywords ---------------------------------------------------------
    KW_NEW = 30
    KW_IN = 31
    KW_CONTRACT = 32
    KW_FOR = 33
    KW_SELECT = 34
    KW_MATCH = 35
    KW_IF = 36
    KW_ELSE = 37
    KW_LET = 38
    KW_BUNDLE = 39  # bundle
    KW_BUNDLE_WRITE = 40  # bundle+
    KW_BUNDLE_READ = 41  # bundle-
    KW_BUNDLE_NONE = 42  # bundle0
    KW_NOT = 43
    KW_AND = 44
    KW_OR = 45
    KW_MATCHES = 46
    KW_TRUE = 47
    KW_FALSE = 48
    KW_NIL = 49
    KW_SET = 50
    KW_BOOL = 51
    KW_INT = 52
    KW_STRING = 53
    KW_URI = 54
    KW_BYTEARRAY = 55
    KW_BIGINT = 56  # the type pattern `BigInt` (not followed by `(`)
    KW_WHERE = 57  # [RS]
    # contextual keywords of agent blocks: the lexer emits IDENT; the parser
    # re-kinds the token when (and only when) it parses an agent block.
    KW_AGENT = 58
    KW_CONSTRUCTOR = 59
    KW_METHOD = 60
    KW_DEFAULT = 61
    KW_PRIVATE = 62

    # ---- punctuation ------------------------------------------------------
    BANG = 70  # !
    BANG_BANG = 71  # !!
    BANG_QUESTION = 72  # !?
    QUESTION_BANG = 73  # ?!
    LARROW = 74  # <-
    LE = 75  # <=  (also the persistent receive arrow)
    PEEK_ARROW = 76  # <<-
    FAT_ARROW = 77  # =>
    EQ = 78  # =
    EQ_EQ = 79  # ==
    NOT_EQ = 80  # !=
    LT = 81
    GT = 82
    GE = 83
    PLUS = 84
    MINUS = 85
    STAR = 86
    SLASH = 87
    PERCENT = 88
    PERCENT_PERCENT = 89  # %%
    PLUS_PLUS = 90  # ++
    MINUS_MINUS = 91  # --
    CONJ = 92  # /\
    DISJ = 93  # \/
    TILDE = 94  # ~
    AT = 95  # @
    DOT = 96  # .
    COMMA = 97
    SEMI = 98
    COLON = 99
    AMP = 100  # &
    PIPE = 101  # |
    UNDERSCORE = 102  # _  (wildcard)
    ELLIPSIS = 103  # ...
    LPAREN = 104
    RPAREN = 105
    LBRACKET = 106
    RBRACKET = 107
    LBRACE = 108
    RBRACE = 109
    COMMA_RPAREN = 110  # `,)` one token (RNode lexing)
    EQ_STAR = 111  # `=*` [RS] one token
    LBRACE_PIPE = 112  # `{|` [RS]
    PIPE_RBRACE = 113  # `|}` [RS]
    AMP_AMP = 114  # && [RC]
    PIPE_PIPE = 115  # || [RC]

    # ---- nodes (see TREE.md) ------------------------------------------------
    SOURCE_FILE = 200
    PAR = 201
    NEW = 202
    NAME_DECL = 203
    IF = 204
    SYNC_SEND = 205
    SYNC_CONT = 206
    CONTRACT = 207
    NAME = 208
    NAME_PATTERNS = 209
    FOR = 210
    RECEIPT = 211
    BIND = 212
    SOURCE = 213
    GUARD = 214
    SELECT = 215
    BRANCH = 216
    MATCH = 217
    CASE = 218
    BUNDLE = 219
    LET = 220
    LET_DECL = 221
    SEND = 222
    ARGS = 223
    BINARY_EXPR = 224
    UNARY_EXPR = 225
    MATCHES = 226
    METHOD_CALL = 227
    EVAL = 228
    QUOTE = 229
    VAR_REF = 230
    VAR = 231
    WILDCARD = 232
    LITERAL = 233
    BIGINT_LITERAL = 234
    SIMPLE_TYPE = 235
    LIST = 236
    TUPLE = 237
    UNIT = 238
    SET = 239
    MAP = 240
    MAP_ENTRY = 241
    PATHMAP = 242
    REMAINDER = 243
    BLOCK = 244
    PAREN = 245
    AGENT = 246
    AGENT_DECL = 247
    ERROR = 248

    @property
    def is_trivia(self) -> bool:
        return self <= 4

    @property
    def is_node(self) -> bool:
        return self >= 200


TRIVIA_KINDS = frozenset(
    {
        SyntaxKind.WHITESPACE,
        SyntaxKind.LINE_COMMENT,
        SyntaxKind.BLOCK_COMMENT,
        SyntaxKind.DOC_COMMENT,
    }
)

#: Token-kind sets shared by the parser and the layers above (one definition each).
#: Closing brackets (``,)`` is the auto-closed `, )` the lexer merges into one token).
CLOSERS = frozenset(
    {
        SyntaxKind.RPAREN,
        SyntaxKind.COMMA_RPAREN,
        SyntaxKind.RBRACKET,
        SyntaxKind.RBRACE,
        SyntaxKind.PIPE_RBRACE,
    }
)
#: Opening brackets (``(!`` opens a BigInt literal).
OPENERS = frozenset(
    {
        SyntaxKind.LPAREN,
        SyntaxKind.BIGINT_OPEN,
        SyntaxKind.LBRACKET,
        SyntaxKind.LBRACE,
        SyntaxKind.LBRACE_PIPE,
    }
)
COMMENT_KINDS = frozenset(
    {SyntaxKind.LINE_COMMENT, SyntaxKind.BLOCK_COMMENT, SyntaxKind.DOC_COMMENT}
)
#: The simple type keywords (`Bool`, `Int`, ...), usable as patterns and in casts.
SIMPLE_TYPES = frozenset(
    {
        SyntaxKind.KW_BOOL,
        SyntaxKind.KW_INT,
        SyntaxKind.KW_STRING,
        SyntaxKind.KW_URI,
        SyntaxKind.KW_BYTEARRAY,
        SyntaxKind.KW_BIGINT,
    }
)
BUNDLE_KEYWORDS = frozenset(
    {
        SyntaxKind.KW_BUNDLE,
        SyntaxKind.KW_BUNDLE_WRITE,
        SyntaxKind.KW_BUNDLE_READ,
        SyntaxKind.KW_BUNDLE_NONE,
    }
)
#: `!`, `!!`, `!?`
SEND_OPS = frozenset({SyntaxKind.BANG, SyntaxKind.BANG_BANG, SyntaxKind.BANG_QUESTION})
#: `<-`, `<=` (repeated), `<<-` (peek)
RECEIVE_ARROWS = frozenset({SyntaxKind.LARROW, SyntaxKind.LE, SyntaxKind.PEEK_ARROW})

#: Infix operators of expressions and patterns (the keys of the parser's ``BINOP_BP``,
#: plus the pattern connectives `/\` and `\/`).
BINARY_OPERATORS = frozenset(
    {
        SyntaxKind.KW_OR,
        SyntaxKind.PIPE_PIPE,
        SyntaxKind.KW_AND,
        SyntaxKind.AMP_AMP,
        SyntaxKind.EQ_EQ,
        SyntaxKind.NOT_EQ,
        SyntaxKind.KW_MATCHES,
        SyntaxKind.LT,
        SyntaxKind.LE,
        SyntaxKind.GT,
        SyntaxKind.GE,
        SyntaxKind.PLUS,
        SyntaxKind.MINUS,
        SyntaxKind.PLUS_PLUS,
        SyntaxKind.MINUS_MINUS,
        SyntaxKind.STAR,
        SyntaxKind.SLASH,
        SyntaxKind.PERCENT,
        SyntaxKind.PERCENT_PERCENT,
        SyntaxKind.CONJ,
        SyntaxKind.DISJ,
    }
)

#: Reserved words (union of both dialects) -> token kind.
KEYWORDS: dict[str, SyntaxKind] = {
    "new": SyntaxKind.KW_NEW,
    "in": SyntaxKind.KW_IN,
    "contract": SyntaxKind.KW_CONTRACT,
    "for": SyntaxKind.KW_FOR,
    "select": SyntaxKind.KW_SELECT,
    "match": SyntaxKind.KW_MATCH,
    "if": SyntaxKind.KW_IF,
    "else": SyntaxKind.KW_ELSE,
    "let": SyntaxKind.KW_LET,
    "bundle": SyntaxKind.KW_BUNDLE,
    "not": SyntaxKind.KW_NOT,
    "and": SyntaxKind.KW_AND,
    "or": SyntaxKind.KW_OR,
    "matches": SyntaxKind.KW_MATCHES,
    "true": SyntaxKind.KW_TRUE,
    "false": SyntaxKind.KW_FALSE,
    "Nil": SyntaxKind.KW_NIL,
    "Set": SyntaxKind.KW_SET,
    "Bool": SyntaxKind.KW_BOOL,
    "Int": SyntaxKind.KW_INT,
    "String": SyntaxKind.KW_STRING,
    "Uri": SyntaxKind.KW_URI,
    "ByteArray": SyntaxKind.KW_BYTEARRAY,
    "BigInt": SyntaxKind.KW_BIGINT,
    "where": SyntaxKind.KW_WHERE,
}

#: Punctuation text -> token kind.
PUNCT: dict[str, SyntaxKind] = {
    "!": SyntaxKind.BANG,
    "!!": SyntaxKind.BANG_BANG,
    "!?": SyntaxKind.BANG_QUESTION,
    "?!": SyntaxKind.QUESTION_BANG,
    "<-": SyntaxKind.LARROW,
    "<=": SyntaxKind.LE,
    "<<-": SyntaxKind.PEEK_ARROW,
    "=>": SyntaxKind.FAT_ARROW,
    "=": SyntaxKind.EQ,
    "==": SyntaxKind.EQ_EQ,
    "!=": SyntaxKind.NOT_EQ,
    "<": SyntaxKind.LT,
    ">": SyntaxKind.GT,
    ">=": SyntaxKind.GE,
    "+": SyntaxKind.PLUS,
    "-": SyntaxKind.MINUS,
    "*": SyntaxKind.STAR,
    "/": SyntaxKind.SLASH,
    "%": SyntaxKind.PERCENT,
    "%%": SyntaxKind.PERCENT_PERCENT,
    "++": SyntaxKind.PLUS_PLUS,
    "--": SyntaxKind.MINUS_MINUS,
    "/\\": SyntaxKind.CONJ,
    "\\/": SyntaxKind.DISJ,
    "~": SyntaxKind.TILDE,
    "@": SyntaxKind.AT,
    ".": SyntaxKind.DOT,
    ",": SyntaxKind.COMMA,
    ";": SyntaxKind.SEMI,
    ":": SyntaxKind.COLON,
    "&": SyntaxKind.AMP,
    "|": SyntaxKind.PIPE,
    "_": SyntaxKind.UNDERSCORE,
    "...": SyntaxKind.ELLIPSIS,
    "(": SyntaxKind.LPAREN,
    ")": SyntaxKind.RPAREN,
    "[": SyntaxKind.LBRACKET,
    "]": SyntaxKind.RBRACKET,
    "{": SyntaxKind.LBRACE,
    "}": SyntaxKind.RBRACE,
    ",)": SyntaxKind.COMMA_RPAREN,
    "=*": SyntaxKind.EQ_STAR,
    "{|": SyntaxKind.LBRACE_PIPE,
    "|}": SyntaxKind.PIPE_RBRACE,
    "&&": SyntaxKind.AMP_AMP,
    "||": SyntaxKind.PIPE_PIPE,
    "bundle+": SyntaxKind.KW_BUNDLE_WRITE,
    "bundle-": SyntaxKind.KW_BUNDLE_READ,
    "bundle0": SyntaxKind.KW_BUNDLE_NONE,
    "BigInt(": SyntaxKind.BIGINT_OPEN,
}
