"""Incremental reparse.

When an edit lies inside one balanced ``{ ... }`` (a ``BLOCK`` or ``MAP`` node whose
braces are unchanged), only that brace construct is re-lexed and re-parsed; the new
node replaces the old one in the tree and every following node/token is shifted by
the length difference. Otherwise (or whenever a safety check fails) the document is
parsed from scratch. Either way the result equals ``parse(new_text)``.

The shift is one tight loop over a flat preorder list of the tree's elements
(``ParseResult._flat``, built by the first in-block reparse of a tree, then spliced
and carried over to each next result), not a walk of the tree: a tree walk pays a
type test and a push per element, several times the cost of the ``+=``. The result
of an in-block reparse records what was replaced (``ParseResult.splice``), so the
analysis can re-bind that block alone (``workspace/analysis.py``).

The old tree is updated **in place** (nodes outside the edited block are reused), so
``old.tree`` must not be used after ``reparse``.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Final

from rholang_lsp.syntax.diagnostic import Diagnostic, Severity
from rholang_lsp.syntax.kinds import K
from rholang_lsp.syntax.lexer import lex
from rholang_lsp.syntax.parser import MAX_DEPTH, Parser, pair_brackets, recursion_headroom
from rholang_lsp.syntax.result import ParseResult, _sort_key, multiline_strings, parse
from rholang_lsp.syntax.tree import Node, Token

_BRACE_NODES: Final = frozenset({K.BLOCK, K.MAP})
_BRACKETS: Final = frozenset(
    {
        K.LPAREN,
        K.BIGINT_OPEN,
        K.LBRACKET,
        K.LBRACE,
        K.LBRACE_PIPE,
        K.RPAREN,
        K.COMMA_RPAREN,
        K.RBRACKET,
        K.RBRACE,
        K.PIPE_RBRACE,
    }
)


@dataclass(frozen=True, slots=True)
class Splice:
    """What an in-block ``reparse`` replaced: the block that stood at ``[start, end)`` of
    the old text is now ``block`` (which ends at ``end + delta``); everything at or after
    ``end`` moved by ``delta``; nothing else in the tree changed."""

    start: int
    end: int
    delta: int
    old_block: Node
    block: Node


_start_of = attrgetter("start")


# A diagnostic message that names a position ("opened at 3:12").
_MENTIONS_POSITION: Final = re.compile(r"\b\d+:\d+\b")


def reparse(old: ParseResult, start: int, end: int, new_text: str) -> ParseResult:
    """Apply ``old.text[start:end] = new_text`` and return the parse of the new text.

    Runs under the parser's guard (``recursion_headroom``): the block is parsed by the same
    recursive descent (a block nested 90 brackets deep overflowed the default limit), and
    the cyclic GC's full collections are paused while its nodes are built and spliced."""
    text = old.text[:start] + new_text + old.text[end:]
    with recursion_headroom():
        if 0 <= start <= end <= len(old.text):
            result = _incremental(old, start, end, text, len(new_text) - (end - start))
            if result is not None:
                return result
        return parse(text, target=old.target)


def prepare_reparse(result: ParseResult) -> None:
    """Build the preorder lists of ``result``'s tree now (else the first in-block
    ``reparse`` builds them): for a document about to be edited."""
    if result._flat is None:
        result._flat = Preorder.of(result.tree)


def _incremental(
    old: ParseResult, start: int, end: int, text: str, delta: int
) -> ParseResult | None:
    root = old.tree
    pre = old._flat
    if pre is not None and pre.elements:
        # the last element starting at or before ``start``: every element holding the edit
        # is it or one of its ancestors (a bisection instead of a walk down the tree)
        flat = pre.elements
        i = bisect_right(flat, start, key=_start_of) - 1
        el: Node | Token = flat[i] if i >= 0 else root
    else:
        el = root.covering_element(start, end)
    node: Node | None = el if isinstance(el, Node) else el.parent
    if any(d.code == "nesting-too-deep" for d in old.diagnostics):
        return None
    while node is not None:
        if node.kind in _BRACE_NODES:
            result = _try_block(old, node, start, end, text, delta)
            if result is not None:
                return result
        node = node.parent
    return None


def _try_block(
    old: ParseResult, block: Node, start: int, end: int, text: str, delta: int
) -> ParseResult | None:
    ch = block.children
    lb = ch[0]
    rb = ch[-1]
    if not (isinstance(lb, Token) and isinstance(rb, Token)):
        return None
    if lb.kind is not K.LBRACE or rb.kind is not K.RBRACE or block.parent is None:
        return None
    lo, hi = lb.end, rb.start
    if not (lo <= start and end <= hi):
        return None
    # classify the old diagnostics: before / inside / after the block content
    before: list[Diagnostic] = []
    after: list[Diagnostic] = []
    old_end = rb.end
    for d in old.diagnostics:
        if lo <= d.start and d.end <= hi:
            continue  # produced inside: recomputed
        # An error outside the block means the parser recovered somewhere around
        # it, and how the enclosing constructs read the block can then depend on
        # its new extent (found by the incremental == full property tests): the
        # splice is exact only when everything outside the block parsed cleanly.
        if d.severity == Severity.ERROR:
            return None
        if d.end <= lo and d.start < lo:
            before.append(d)
        elif d.start >= old_end:
            after.append(d)
        else:
            return None  # spans the block: depends on its content
    if delta and any(_MENTIONS_POSITION.search(d.message) for d in after):
        # e.g. "expected `}` to close the block opened at 50:30": the text of a
        # message after the edit names a line:col that the edit may have moved
        return None
    new_rb_end = old_end + delta
    target = old.target
    lexed = lex(text, target, lb.start, new_rb_end)
    toks = lexed.tokens
    n = len(toks)
    if n < 3:
        return None
    first, last, eof = toks[0], toks[-2], toks[-1]
    if first.kind is not K.LBRACE or first.start != lb.start:
        return None
    if last.kind is not K.RBRACE or last.end != new_rb_end or eof._trivia:
        return None
    kinds = [t.kind for t in toks]
    match = pair_brackets(kinds)
    if match[0] != n - 2:
        return None
    for i, k in enumerate(kinds):
        if k in _BRACKETS and match[i] < 0:
            return None
    first._trivia = lb._trivia
    ancestors = sum(1 for _ in block.ancestors())
    parser = Parser(text, toks, target, match)
    new_block = parser.parse_brace(body=False)
    if parser.pos != n - 1 or new_block.kind is not block.kind:
        return None
    if new_block.kind is K.MAP and len(new_block.children) == 2:
        return None  # `{}`: its diagnostics depend on the context
    if 3 * ancestors + parser.max_depth + 8 >= MAX_DEPTH // 2:
        return None
    inside = multiline_strings(toks)
    if (parser.diags or lexed.diagnostics) and (
        inside or (old.multiline_strings and old.multiline_strings[0] < lb.start)
    ):
        # a full parse may read a string that spans lines as unclosed (recovery): the last
        # one before the first error, which is now in this block (none is outside it)
        return None
    # splice
    parent = block.parent
    siblings = parent.children
    for i, c in enumerate(siblings):
        if c is block:
            parent.children = (*siblings[:i], new_block, *siblings[i + 1 :])
            break
    else:
        return None
    new_block.parent = parent
    block.parent = None
    pre = old._flat
    old._flat = None  # the old result's tree is consumed: its lists move to the new result
    if pre is None:
        # built after the splice: the new block is in it already
        pre = Preorder.of(old.tree)
        n_nodes, n_tokens = _subtree_counts(new_block)
        after_nodes = _index_in(pre.nodes, new_block) + n_nodes
        after_tokens = _index_in(pre.tokens, _first_child(new_block)) + n_tokens
    else:
        n_nodes, n_tokens = _subtree_counts(block)
        at = _index_in(pre.elements, block)
        new_elems = list(new_block.walk_elements())
        pre.elements[at : at + n_nodes + n_tokens] = new_elems
        new_nodes = [e for e in new_elems if isinstance(e, Node)]
        new_tokens = [e for e in new_elems if isinstance(e, Token)]
        at = _index_in(pre.nodes, block)
        pre.nodes[at : at + n_nodes] = new_nodes
        after_nodes = at + len(new_nodes)
        at = _index_in(pre.tokens, lb)
        pre.tokens[at : at + n_tokens] = new_tokens
        after_tokens = at + len(new_tokens)
    if delta:
        _shift(pre, after_nodes, after_tokens, new_block, delta)
    shifted = [d.shifted(delta) for d in after] if delta else after
    diags = before + lexed.diagnostics + parser.diags + shifted
    diags.sort(key=_sort_key)
    known = old._multiline  # kept up to date once asked for (None: found when asked)
    strings = None
    if known is not None:
        strings = [s for s in known if s < lb.start] + inside
        strings += [s + delta for s in known if s >= old_end]
    result = ParseResult(text, old.tree, diags, target, strings)
    result._flat = pre
    result.splice = Splice(lb.start, old_end, delta, block, new_block)
    return result


class Preorder:
    """Every element of a tree but the root, in preorder (``elements``: the edited element
    is found by bisection on their starts), and the same split by type (``nodes``,
    ``tokens``: a shift loops over one class at a time, where the interpreter's attribute
    access specialises: twice as fast as over the mixed list). The root is left out: the
    cache's ownership check counts the references to it."""

    __slots__ = ("elements", "nodes", "tokens")

    def __init__(
        self, elements: list[Node | Token], nodes: list[Node], tokens: list[Token]
    ) -> None:
        self.elements = elements
        self.nodes = nodes
        self.tokens = tokens

    @classmethod
    def of(cls, root: Node) -> Preorder:
        out: list[Node | Token] = []
        nodes: list[Node] = []
        tokens: list[Token] = []
        stack: list[Node | Token] = list(reversed(root.children))
        pop = stack.pop
        push = stack.extend
        add = out.append
        add_node = nodes.append
        add_token = tokens.append
        while stack:
            el = pop()
            add(el)
            if type(el) is Node:
                add_node(el)
                push(reversed(el.children))
            elif isinstance(el, Token):
                add_token(el)
        return cls(out, nodes, tokens)


def _first_child(node: Node) -> Node | Token:
    return node.children[0]


def _subtree_counts(node: Node) -> tuple[int, int]:
    """How many nodes (``node`` included) and tokens the subtree of ``node`` holds."""
    nodes = tokens = 0
    stack: list[Node | Token] = [node]
    pop = stack.pop
    push = stack.extend
    while stack:
        el = pop()
        if type(el) is Node:
            nodes += 1
            push(el.children)
        else:
            tokens += 1
    return nodes, tokens


def _index_in(flat: Sequence[Node | Token], el: Node | Token) -> int:
    """The position of ``el`` in a preorder list (starts never decrease along it)."""
    i = bisect_left(flat, el.start, key=_start_of)
    n = len(flat)
    while i < n and flat[i] is not el:
        i += 1
    if i == n:  # not where the order says: take the slow way rather than be wrong
        for i, x in enumerate(flat):
            if x is el:
                return i
        raise ValueError("element not in the preorder list")
    return i


def _shift(pre: Preorder, after_nodes: int, after_tokens: int, node: Node, delta: int) -> None:
    """Shift the nodes from ``pre.nodes[after_nodes]`` and the tokens from
    ``pre.tokens[after_tokens]`` on by ``delta``; widen ``node``'s ancestors."""
    parent = node.parent
    while parent is not None:
        parent._width += delta
        parent = parent.parent
    # index loops: in the compiled build each is a typed item load and a native store
    nodes = pre.nodes
    for i in range(after_nodes, len(nodes)):
        nodes[i].start += delta
    tokens = pre.tokens
    for i in range(after_tokens, len(tokens)):
        tokens[i].start += delta
