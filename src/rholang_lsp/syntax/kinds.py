"""Token and node kinds of the Rholang syntax tree.

The precise shape of every node (which children, in which order) is documented in
``syntax/TREE.md`` next to this file; read that before walking the tree.
"""

from __future__ import annotations

import enum
from typing import Final


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


class K:
    """``SyntaxKind``'s members as plain class attributes: write ``K.PIPE``, not
    ``SyntaxKind.PIPE``, in code that runs per token or node. Python 3.11's ``EnumType``
    defines ``__getattr__``, which routes every attribute read of an enum class through
    the slow ``slot_tp_getattr_hook`` (a method wrapper made and called per read); these
    are ``Final``, which mypyc reads from a C static. With the hot modules' constants made
    ``Final``, compiled parsing took a third less time (0.88 -> 0.56 ms per 3 KB file).
    ``tests/syntax/test_kinds.py`` checks that the two agree."""

    WHITESPACE: Final = SyntaxKind.WHITESPACE
    LINE_COMMENT: Final = SyntaxKind.LINE_COMMENT
    BLOCK_COMMENT: Final = SyntaxKind.BLOCK_COMMENT
    DOC_COMMENT: Final = SyntaxKind.DOC_COMMENT
    IDENT: Final = SyntaxKind.IDENT
    INT: Final = SyntaxKind.INT
    TYPED_NUMBER: Final = SyntaxKind.TYPED_NUMBER
    FLOAT: Final = SyntaxKind.FLOAT
    STRING: Final = SyntaxKind.STRING
    URI: Final = SyntaxKind.URI
    BIGINT_OPEN: Final = SyntaxKind.BIGINT_OPEN
    EOF: Final = SyntaxKind.EOF
    ERROR_TOKEN: Final = SyntaxKind.ERROR_TOKEN
    KW_NEW: Final = SyntaxKind.KW_NEW
    KW_IN: Final = SyntaxKind.KW_IN
    KW_CONTRACT: Final = SyntaxKind.KW_CONTRACT
    KW_FOR: Final = SyntaxKind.KW_FOR
    KW_SELECT: Final = SyntaxKind.KW_SELECT
    KW_MATCH: Final = SyntaxKind.KW_MATCH
    KW_IF: Final = SyntaxKind.KW_IF
    KW_ELSE: Final = SyntaxKind.KW_ELSE
    KW_LET: Final = SyntaxKind.KW_LET
    KW_BUNDLE: Final = SyntaxKind.KW_BUNDLE
    KW_BUNDLE_WRITE: Final = SyntaxKind.KW_BUNDLE_WRITE
    KW_BUNDLE_READ: Final = SyntaxKind.KW_BUNDLE_READ
    KW_BUNDLE_NONE: Final = SyntaxKind.KW_BUNDLE_NONE
    KW_NOT: Final = SyntaxKind.KW_NOT
    KW_AND: Final = SyntaxKind.KW_AND
    KW_OR: Final = SyntaxKind.KW_OR
    KW_MATCHES: Final = SyntaxKind.KW_MATCHES
    KW_TRUE: Final = SyntaxKind.KW_TRUE
    KW_FALSE: Final = SyntaxKind.KW_FALSE
    KW_NIL: Final = SyntaxKind.KW_NIL
    KW_SET: Final = SyntaxKind.KW_SET
    KW_BOOL: Final = SyntaxKind.KW_BOOL
    KW_INT: Final = SyntaxKind.KW_INT
    KW_STRING: Final = SyntaxKind.KW_STRING
    KW_URI: Final = SyntaxKind.KW_URI
    KW_BYTEARRAY: Final = SyntaxKind.KW_BYTEARRAY
    KW_BIGINT: Final = SyntaxKind.KW_BIGINT
    KW_WHERE: Final = SyntaxKind.KW_WHERE
    KW_AGENT: Final = SyntaxKind.KW_AGENT
    KW_CONSTRUCTOR: Final = SyntaxKind.KW_CONSTRUCTOR
    KW_METHOD: Final = SyntaxKind.KW_METHOD
    KW_DEFAULT: Final = SyntaxKind.KW_DEFAULT
    KW_PRIVATE: Final = SyntaxKind.KW_PRIVATE
    BANG: Final = SyntaxKind.BANG
    BANG_BANG: Final = SyntaxKind.BANG_BANG
    BANG_QUESTION: Final = SyntaxKind.BANG_QUESTION
    QUESTION_BANG: Final = SyntaxKind.QUESTION_BANG
    LARROW: Final = SyntaxKind.LARROW
    LE: Final = SyntaxKind.LE
    PEEK_ARROW: Final = SyntaxKind.PEEK_ARROW
    FAT_ARROW: Final = SyntaxKind.FAT_ARROW
    EQ: Final = SyntaxKind.EQ
    EQ_EQ: Final = SyntaxKind.EQ_EQ
    NOT_EQ: Final = SyntaxKind.NOT_EQ
    LT: Final = SyntaxKind.LT
    GT: Final = SyntaxKind.GT
    GE: Final = SyntaxKind.GE
    PLUS: Final = SyntaxKind.PLUS
    MINUS: Final = SyntaxKind.MINUS
    STAR: Final = SyntaxKind.STAR
    SLASH: Final = SyntaxKind.SLASH
    PERCENT: Final = SyntaxKind.PERCENT
    PERCENT_PERCENT: Final = SyntaxKind.PERCENT_PERCENT
    PLUS_PLUS: Final = SyntaxKind.PLUS_PLUS
    MINUS_MINUS: Final = SyntaxKind.MINUS_MINUS
    CONJ: Final = SyntaxKind.CONJ
    DISJ: Final = SyntaxKind.DISJ
    TILDE: Final = SyntaxKind.TILDE
    AT: Final = SyntaxKind.AT
    DOT: Final = SyntaxKind.DOT
    COMMA: Final = SyntaxKind.COMMA
    SEMI: Final = SyntaxKind.SEMI
    COLON: Final = SyntaxKind.COLON
    AMP: Final = SyntaxKind.AMP
    PIPE: Final = SyntaxKind.PIPE
    UNDERSCORE: Final = SyntaxKind.UNDERSCORE
    ELLIPSIS: Final = SyntaxKind.ELLIPSIS
    LPAREN: Final = SyntaxKind.LPAREN
    RPAREN: Final = SyntaxKind.RPAREN
    LBRACKET: Final = SyntaxKind.LBRACKET
    RBRACKET: Final = SyntaxKind.RBRACKET
    LBRACE: Final = SyntaxKind.LBRACE
    RBRACE: Final = SyntaxKind.RBRACE
    COMMA_RPAREN: Final = SyntaxKind.COMMA_RPAREN
    EQ_STAR: Final = SyntaxKind.EQ_STAR
    LBRACE_PIPE: Final = SyntaxKind.LBRACE_PIPE
    PIPE_RBRACE: Final = SyntaxKind.PIPE_RBRACE
    AMP_AMP: Final = SyntaxKind.AMP_AMP
    PIPE_PIPE: Final = SyntaxKind.PIPE_PIPE
    SOURCE_FILE: Final = SyntaxKind.SOURCE_FILE
    PAR: Final = SyntaxKind.PAR
    NEW: Final = SyntaxKind.NEW
    NAME_DECL: Final = SyntaxKind.NAME_DECL
    IF: Final = SyntaxKind.IF
    SYNC_SEND: Final = SyntaxKind.SYNC_SEND
    SYNC_CONT: Final = SyntaxKind.SYNC_CONT
    CONTRACT: Final = SyntaxKind.CONTRACT
    NAME: Final = SyntaxKind.NAME
    NAME_PATTERNS: Final = SyntaxKind.NAME_PATTERNS
    FOR: Final = SyntaxKind.FOR
    RECEIPT: Final = SyntaxKind.RECEIPT
    BIND: Final = SyntaxKind.BIND
    SOURCE: Final = SyntaxKind.SOURCE
    GUARD: Final = SyntaxKind.GUARD
    SELECT: Final = SyntaxKind.SELECT
    BRANCH: Final = SyntaxKind.BRANCH
    MATCH: Final = SyntaxKind.MATCH
    CASE: Final = SyntaxKind.CASE
    BUNDLE: Final = SyntaxKind.BUNDLE
    LET: Final = SyntaxKind.LET
    LET_DECL: Final = SyntaxKind.LET_DECL
    SEND: Final = SyntaxKind.SEND
    ARGS: Final = SyntaxKind.ARGS
    BINARY_EXPR: Final = SyntaxKind.BINARY_EXPR
    UNARY_EXPR: Final = SyntaxKind.UNARY_EXPR
    MATCHES: Final = SyntaxKind.MATCHES
    METHOD_CALL: Final = SyntaxKind.METHOD_CALL
    EVAL: Final = SyntaxKind.EVAL
    QUOTE: Final = SyntaxKind.QUOTE
    VAR_REF: Final = SyntaxKind.VAR_REF
    VAR: Final = SyntaxKind.VAR
    WILDCARD: Final = SyntaxKind.WILDCARD
    LITERAL: Final = SyntaxKind.LITERAL
    BIGINT_LITERAL: Final = SyntaxKind.BIGINT_LITERAL
    SIMPLE_TYPE: Final = SyntaxKind.SIMPLE_TYPE
    LIST: Final = SyntaxKind.LIST
    TUPLE: Final = SyntaxKind.TUPLE
    UNIT: Final = SyntaxKind.UNIT
    SET: Final = SyntaxKind.SET
    MAP: Final = SyntaxKind.MAP
    MAP_ENTRY: Final = SyntaxKind.MAP_ENTRY
    PATHMAP: Final = SyntaxKind.PATHMAP
    REMAINDER: Final = SyntaxKind.REMAINDER
    BLOCK: Final = SyntaxKind.BLOCK
    PAREN: Final = SyntaxKind.PAREN
    AGENT: Final = SyntaxKind.AGENT
    AGENT_DECL: Final = SyntaxKind.AGENT_DECL
    ERROR: Final = SyntaxKind.ERROR


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
