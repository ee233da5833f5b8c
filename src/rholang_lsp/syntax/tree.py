"""Lossless syntax tree: ``Node`` (inner) and ``Token`` (leaf) objects.

Offsets are indices into the document ``str`` (code points), half-open.

* ``Token.start``/``Token.end`` cover the token text only; the whitespace and
  comments before it are its ``leading_trivia``. The final ``EOF`` token (empty
  text) carries the trailing trivia of the file, so concatenating, for every token
  in order, its leading trivia and its text gives back the input exactly.
* ``Node.start``/``Node.end`` cover the node's tokens from the start of its first
  token to the end of its last token, **excluding the leading trivia of the first
  token**. A node without tokens (a placeholder ``ERROR`` for a missing process,
  or an empty ``NAME_PATTERNS``) has ``start == end`` at the position where the
  missing text would go.

Every tree walk in this module is iterative: trees nested many thousands deep are
safe to traverse.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Final

from rholang_lsp.syntax.kinds import K, SyntaxKind

_DOC: Final = K.DOC_COMMENT
_WS: Final = K.WHITESPACE


class Trivia:
    """One piece of trivia (whitespace or comment) before a token."""

    __slots__ = ("kind", "start", "end", "text")

    def __init__(self, kind: SyntaxKind, start: int, text: str) -> None:
        self.kind = kind
        self.start = start
        self.end = start + len(text)
        self.text = text

    def __repr__(self) -> str:
        return f"Trivia({self.kind.name}, {self.start}, {self.text!r})"


class Token:
    """A leaf of the tree. ``kind`` is a token ``SyntaxKind``."""

    __slots__ = ("kind", "start", "text", "parent", "_trivia")

    kind: SyntaxKind
    start: int
    text: str

    def __init__(
        self,
        kind: SyntaxKind,
        start: int,
        text: str,
        trivia: tuple[tuple[SyntaxKind, str], ...] = (),
    ) -> None:
        self.kind = kind
        self.start = start
        self.text = text
        self.parent: Node | None = None
        #: ``(kind, text)`` of each leading trivia piece, in source order.
        self._trivia = trivia

    @property
    def end(self) -> int:
        return self.start + len(self.text)

    @property
    def full_start(self) -> int:
        """Start offset including the leading trivia."""
        return self.start - sum(len(t) for _, t in self._trivia)

    @property
    def leading_trivia(self) -> tuple[Trivia, ...]:
        pos = self.full_start
        out = []
        for kind, text in self._trivia:
            out.append(Trivia(kind, pos, text))
            pos += len(text)
        return tuple(out)

    def doc_comment(self) -> str | None:
        """The doc comment (``///`` lines or one ``/** */``) directly above this token.

        Only whitespace may separate the comment from the token, and at most one
        line break (a blank line detaches the comment). Returns the comment text with
        the comment markers and the common leading ``*``/space removed, or None.
        """
        pieces = self.doc_comment_trivia()
        if not pieces:
            return None
        lines: list[str] = []
        for piece in pieces:
            text = piece.text
            if text.startswith("///"):
                line = text[3:]
                lines.append(line[1:] if line.startswith(" ") else line)
            else:
                body = text[3:-2] if text.endswith("*/") else text[3:]
                for raw in body.splitlines():
                    stripped = raw.strip()
                    if stripped.startswith("*"):
                        stripped = stripped[1:].lstrip(" ")
                    lines.append(stripped)
                while lines and not lines[0]:
                    lines.pop(0)
                while lines and not lines[-1]:
                    lines.pop()
        return "\n".join(lines).rstrip()

    def doc_comment_trivia(self) -> list[Trivia]:
        """The trivia pieces forming the doc comment directly above this token."""
        trivia = self.leading_trivia
        out: list[Trivia] = []
        i = len(trivia) - 1
        while i >= 0:
            piece = trivia[i]
            if piece.kind == _WS:
                if piece.text.count("\n") > 1:
                    break
                i -= 1
                continue
            if piece.kind != _DOC:
                break
            if out and not piece.text.startswith("///"):
                break  # a /** */ block is a doc comment on its own
            out.append(piece)
            if not piece.text.startswith("///"):
                break
            i -= 1
        out.reverse()
        return out

    def next_token(self) -> Token | None:
        """The following token in the tree (None after EOF)."""
        node = self.parent
        child: Node | Token = self
        while node is not None:
            siblings = node.children
            idx = _index_of(siblings, child) + 1
            while idx < len(siblings):
                sib = siblings[idx]
                if isinstance(sib, Token):
                    return sib
                first = sib.first_token()
                if first is not None:
                    return first
                idx += 1
            child = node
            node = node.parent
        return None

    def __repr__(self) -> str:
        return f"Token({self.kind.name}, {self.start}, {self.text!r})"


def release(root: Node) -> None:
    """Cut every parent pointer under ``root`` (its own too): the tree is then a plain
    downward tree that reference counting frees when its last reference goes, without the
    cyclic GC. For trees nobody holds afterwards (the indexer's: see ``summarize_text``),
    where a young-generation collection per file cost ~12% of an indexing worker's CPU.
    The nodes are unusable afterwards (no ``parent``, ``ancestors``, ``root``). A loop of
    its own, not ``walk()``: over ``walk()`` (a generator) it took 2.3x as long compiled
    (0.099 vs 0.042 ms per generated 3 KB file)."""
    root.parent = None
    stack: list[Node] = [root]
    pop = stack.pop
    push = stack.append
    while stack:
        node = pop()
        for c in node.children:
            if isinstance(c, Node):
                c.parent = None
                push(c)
            else:
                c.parent = None


def _index_of(seq: Sequence[object], item: object) -> int:
    for i, x in enumerate(seq):
        if x is item:
            return i
    raise ValueError("child not found in parent")


class Node:
    """An inner node. ``kind`` is a node ``SyntaxKind`` (see TREE.md)."""

    __slots__ = ("kind", "children", "parent", "start", "_width")

    kind: SyntaxKind
    #: a tuple (immutable: a list would cost its own object, a separate item array and
    #: spare capacity, about 30 bytes more per node)
    children: tuple[Node | Token, ...]
    start: int
    _width: int

    def __init__(
        self, kind: SyntaxKind, children: Sequence[Node | Token] = (), pos: int = -1
    ) -> None:
        self.kind = kind
        if type(children) is not tuple:
            children = tuple(children)
        self.children = children
        self.parent: Node | None = None
        if children:
            for c in children:
                c.parent = self
            first = children[0]
            last = children[-1]
            self.start = first.start
            self._width = last.end - first.start
        else:
            self.start = pos
            self._width = 0

    @property
    def end(self) -> int:
        return self.start + self._width

    def _recompute(self) -> None:
        ch = self.children
        if ch:
            self.start = ch[0].start
            self._width = ch[-1].end - self.start

    # ---- navigation ---------------------------------------------------------
    def child_nodes(self) -> list[Node]:
        return [c for c in self.children if isinstance(c, Node)]

    def first_child(self, kind: SyntaxKind) -> Node | Token | None:
        for c in self.children:
            if c.kind == kind:
                return c
        return None

    def children_of(self, kind: SyntaxKind) -> list[Node | Token]:
        return [c for c in self.children if c.kind == kind]

    def first_token(self) -> Token | None:
        """The first token of this subtree (None when it has none); each node is visited once."""
        stack: list[Node | Token] = [self]
        pop = stack.pop
        while stack:
            el = pop()
            if isinstance(el, Token):
                return el
            stack.extend(reversed(el.children))
        return None

    def last_token(self) -> Token | None:
        """The last token of this subtree (None when it has none); each node is visited once.

        Tokenless nodes (placeholders) are skipped without being entered twice: the
        walk is linear in the size of the subtree it has to look at.
        """
        stack: list[Node | Token] = [self]
        pop = stack.pop
        while stack:
            el = pop()
            if isinstance(el, Token):
                return el
            stack.extend(el.children)
        return None

    def walk(self) -> Iterator[Node]:
        """All nodes of this subtree in preorder (this node first); iterative."""
        stack: list[Node] = [self]
        pop = stack.pop
        while stack:
            node = pop()
            yield node
            stack.extend(c for c in reversed(node.children) if isinstance(c, Node))

    def walk_elements(self) -> Iterator[Node | Token]:
        """Nodes and tokens of this subtree in preorder; iterative."""
        stack: list[Node | Token] = [self]
        pop = stack.pop
        while stack:
            el = pop()
            yield el
            if isinstance(el, Node):
                stack.extend(reversed(el.children))

    def tokens(self) -> Iterator[Token]:
        """Descendant tokens in source order."""
        for el in self.walk_elements():
            if isinstance(el, Token):
                yield el

    def ancestors(self) -> Iterator[Node]:
        """Parent, grandparent, ... up to the root (excluding self)."""
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    @property
    def root(self) -> Node:
        node = self
        while node.parent is not None:
            node = node.parent
        return node

    def token_at(self, offset: int) -> Token | None:
        """The token whose text contains ``offset`` (``start <= offset < end``).

        When ``offset`` is in trivia (or at a token's end), the non-empty token ending
        exactly at ``offset`` is returned if there is one (cursor right after a word),
        otherwise the next token.
        """
        node: Node = self
        while True:
            for c in node.children:
                if c.start <= offset < c.end:
                    if isinstance(c, Token):
                        return c
                    node = c
                    break
            else:
                break
        prev: Token | None = None
        for t in node.tokens():
            if t.end == offset and t.end > t.start:
                prev = t
            elif t.start >= offset:
                return prev if prev is not None else t
        if prev is not None:
            return prev
        return node.last_token() if node is not self or node.parent is None else None

    def node_at(self, offset: int) -> Node:
        """The deepest node whose range contains ``offset`` (``start <= offset < end``)."""
        node: Node = self
        while True:
            for c in node.children:
                if isinstance(c, Node) and c.start <= offset < c.end:
                    node = c
                    break
            else:
                return node

    def covering_element(self, start: int, end: int) -> Node | Token:
        """The deepest node or token whose range contains ``[start, end]``."""
        node: Node = self
        while True:
            for c in node.children:
                if c.start <= start and end <= c.end and (c.end > c.start or start == end):
                    if isinstance(c, Token):
                        return c
                    node = c
                    break
            else:
                return node

    @property
    def text(self) -> str:
        return "".join(
            (t.text if i == 0 else "".join(x for _, x in t._trivia) + t.text)
            for i, t in enumerate(self.tokens())
        )

    def __repr__(self) -> str:
        return f"Node({self.kind.name}, {self.start}..{self.end})"

    def dump(self) -> str:
        """Indented debug dump of the subtree (iterative)."""
        lines: list[str] = []
        stack: list[tuple[Node | Token, int]] = [(self, 0)]
        while stack:
            el, depth = stack.pop()
            if isinstance(el, Token):
                lines.append(f"{'  ' * depth}{el.kind.name}@{el.start} {el.text!r}")
            else:
                lines.append(f"{'  ' * depth}{el.kind.name}@{el.start}..{el.end}")
                stack.extend((c, depth + 1) for c in reversed(el.children))
        return "\n".join(lines)
