"""The semantic model of one file: symbols, scopes, references and contracts.

Every range is a half-open ``[start, end)`` pair of offsets into the document's
Python ``str`` (code points). A binder or reference range covers the
identifier alone (no ``@``, ``=``, ``*``, ``...``); for a quoted string name it
covers the text between the quotes.
"""

from __future__ import annotations

import bisect
import enum
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from rholang_lsp.semantics.doc_comments import DocComment
from rholang_lsp.semantics.facts import Facts
from rholang_lsp.semantics.sorts import Sort
from rholang_lsp.syntax.diagnostic import Diagnostic


class SymbolKind(enum.Enum):
    """The binding form that introduced a symbol."""

    NEW = "new"
    NEW_URI = "new-uri"
    CONTRACT_FORMAL = "contract-formal"
    RECEIVE = "receive"
    MATCH_CASE = "match-case"
    LET = "let"
    SELECT = "select"
    REMAINDER = "remainder"
    AGENT = "agent"
    PATTERN = "pattern"  # binders of a `matches` pattern (never visible)


class ScopeKind(enum.Enum):
    FILE = "file"
    NEW = "new"
    CONTRACT = "contract"
    RECEIVE = "receive"
    MATCH_CASE = "match-case"
    LET = "let"
    SELECT = "select"
    PATTERN = "pattern"
    AGENT = "agent"


class Role(enum.Enum):
    READ = "read"
    WRITE = "write"


@dataclass(slots=True, eq=False, init=False)
class Symbol:
    """One binder occurrence."""

    id: int
    name: str
    sort: Sort
    kind: SymbolKind
    start: int  # identifier range
    end: int
    scope: int  # id of the Scope whose body sees this symbol
    decl_start: int = 0  # the whole declaring construct (for hover/outline)
    decl_end: int = 0
    uri: str | None = None  # system URI of `new x(`rho:...`)`
    doc: DocComment | None = None
    in_pattern_depth: int = 0
    used: bool = False

    # written out (init=False): the dataclass-made one is interpreted, even compiled
    def __init__(
        self,
        id: int,
        name: str,
        sort: Sort,
        kind: SymbolKind,
        start: int,
        end: int,
        scope: int,
        decl_start: int = 0,
        decl_end: int = 0,
        uri: str | None = None,
        doc: DocComment | None = None,
        in_pattern_depth: int = 0,
        used: bool = False,
    ) -> None:
        self.id = id
        self.name = name
        self.sort = sort
        self.kind = kind
        self.start = start
        self.end = end
        self.scope = scope
        self.decl_start = decl_start
        self.decl_end = decl_end
        self.uri = uri
        self.doc = doc
        self.in_pattern_depth = in_pattern_depth
        self.used = used

    def __repr__(self) -> str:
        return (
            f"Symbol({self.name!r}, {self.sort.value}, {self.kind.value}, {self.start}:{self.end})"
        )


@dataclass(slots=True, eq=False, init=False)
class Scope:
    id: int
    kind: ScopeKind
    parent: int | None
    start: int  # the whole construct (e.g. the `new ... in P` node)
    end: int
    symbols: list[int] = field(default_factory=list)
    label: str | None = None  # contract name, "new", "let", "for", ...
    sel_start: int = 0  # selection range for the outline (contract name / keyword)
    sel_end: int = 0

    # written out (init=False): the dataclass-made one is interpreted, even compiled
    def __init__(
        self,
        id: int,
        kind: ScopeKind,
        parent: int | None,
        start: int,
        end: int,
        symbols: list[int] | None = None,
        label: str | None = None,
        sel_start: int = 0,
        sel_end: int = 0,
    ) -> None:
        self.id = id
        self.kind = kind
        self.parent = parent
        self.start = start
        self.end = end
        self.symbols = [] if symbols is None else symbols
        self.label = label
        self.sel_start = sel_start
        self.sel_end = sel_end


@dataclass(slots=True, unsafe_hash=True, init=False)
class Reference:
    """One use of a variable (or a binder seen as a write occurrence).

    Compared and hashed by value like a frozen record, but not frozen: a block rebind moves
    the references of the model it owns in place (``semantics.rebind``; a plain attribute
    store in the compiled build). Nothing else changes a reference."""

    start: int
    end: int
    name: str
    symbol: int | None  # Symbol id, None = unbound
    role: Role
    position: Sort  # the position the occurrence stands in (name or process)
    var_ref: bool = False  # `=x` / `=*x`

    # written out (init=False): the dataclass-made one is interpreted, even compiled
    def __init__(
        self,
        start: int,
        end: int,
        name: str,
        symbol: int | None,
        role: Role,
        position: Sort,
        var_ref: bool = False,
    ) -> None:
        self.start = start
        self.end = end
        self.name = name
        self.symbol = symbol
        self.role = role
        self.position = position
        self.var_ref = var_ref


@dataclass(frozen=True, slots=True)
class Formal:
    """One formal parameter of a contract, reduced to what overload resolution needs.

    ``literal`` is the canonical text of a ground literal pattern (e.g. ``42``,
    ``"hello"``) or None when the formal matches by a variable / structure.
    """

    text: str
    literal: str | None = None


@dataclass(slots=True, eq=False, init=False)
class ContractInfo:
    """A `contract` definition."""

    name: str  # identifier, or the canonical quoted text (`@"Registry"`)
    name_start: int
    name_end: int
    start: int
    end: int
    formals: tuple[Formal, ...]
    remainder: str | None
    signature: str
    symbol: int | None = None  # local channel: the Symbol id; None for a global/unbound name
    global_key: str | None = None  # quoted ground name (canonical text), e.g. `@"Registry"`
    free_name: bool = False  # plain identifier not bound anywhere (top-level free)
    doc: DocComment | None = None

    # written out (init=False): the dataclass-made one is interpreted, even compiled
    def __init__(
        self,
        name: str,
        name_start: int,
        name_end: int,
        start: int,
        end: int,
        formals: tuple[Formal, ...],
        remainder: str | None,
        signature: str,
        symbol: int | None = None,
        global_key: str | None = None,
        free_name: bool = False,
        doc: DocComment | None = None,
    ) -> None:
        self.name = name
        self.name_start = name_start
        self.name_end = name_end
        self.start = start
        self.end = end
        self.formals = formals
        self.remainder = remainder
        self.signature = signature
        self.symbol = symbol
        self.global_key = global_key
        self.free_name = free_name
        self.doc = doc

    @property
    def arity(self) -> int:
        return len(self.formals)

    def accepts_arity(self, n: int) -> bool:
        return n == len(self.formals) or (self.remainder is not None and n >= len(self.formals))


@dataclass(slots=True, unsafe_hash=True, init=False)
class SendInfo:
    """A send (or receive source) on a channel: used for arity checks and overloads.

    Not frozen for the same reason as ``Reference`` (a block rebind moves it in place)."""

    start: int  # identifier range of the channel
    end: int
    symbol: int | None
    global_key: str | None
    args: tuple[str | None, ...]  # canonical literal text of each argument or None
    is_send: bool = True

    # written out (init=False): the dataclass-made one is interpreted, even compiled
    def __init__(
        self,
        start: int,
        end: int,
        symbol: int | None,
        global_key: str | None,
        args: tuple[str | None, ...],
        is_send: bool = True,
    ) -> None:
        self.start = start
        self.end = end
        self.symbol = symbol
        self.global_key = global_key
        self.args = args
        self.is_send = is_send


@dataclass(slots=True, eq=False)
class SemanticModel:
    """Everything the binder learnt about one file."""

    symbols: list[Symbol] = field(default_factory=list)
    scopes: list[Scope] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    contracts: list[ContractInfo] = field(default_factory=list)
    sends: list[SendInfo] = field(default_factory=list)
    # global (quoted ground) name occurrences: key -> ranges (text between quotes / of the ground)
    global_refs: list[tuple[str, int, int, bool]] = field(default_factory=list)  # key, s, e, is_def
    facts: Facts = field(default_factory=Facts)  # what the checks judge (semantics/checks/)
    diagnostics: list[Diagnostic] = field(default_factory=list)  # the file checks' verdicts
    has_syntax_errors: bool = False
    #: the `{ … }` blocks (or the file) holding a syntax error: what they say is uncertain
    broken: list[tuple[int, int]] = field(default_factory=list)
    _by_symbol: dict[int, list[Reference]] = field(default_factory=dict)
    _global_sorted: list[tuple[int, int, str, bool]] = field(default_factory=list)
    # running maximum of the ends of ``_global_sorted`` (bisect: skip ranges ending before)
    _global_max_end: list[int] = field(default_factory=list)
    _contracts_by_symbol: dict[int, list[ContractInfo]] = field(default_factory=dict)
    _contracts_by_key: dict[str, list[ContractInfo]] = field(default_factory=dict)
    # the position of the nearest send whose channel range encloses each send's (``sends`` is
    # in source order, outer first; ranges come from tree nodes: nested or disjoint)
    _sends_parent: list[int] = field(default_factory=list)
    #: what the ``unbound-variable`` check said, one diagnostic per ``facts.unbound`` entry in
    #: that order, before the syntax-error filter (a block rebind keeps those of the other
    #: blocks: ``semantics.rebind``)
    _unbound_diagnostics: list[Diagnostic] = field(default_factory=list)

    def finish(self) -> None:
        """Build lookup tables; call once after binding.

        The lists that are not indexed by id (references, contracts, sends, global
        references, the facts) are put in source order (stable: ties keep the binding
        order), so the facts of one `{ … }` block form one slice of each, found by bisection
        (``semantics/rebind.py`` replaces that slice when the block is edited)."""
        self.references.sort(key=_range_key)
        self._by_symbol = {}
        for ref in self.references:
            if ref.symbol is not None:
                self._by_symbol.setdefault(ref.symbol, []).append(ref)
        self.finish_for_summary()
        facts = self.facts
        for lst in fact_lists(facts):
            lst.sort(key=_start_key)
        facts.receives.sort(key=_first)
        self.finish_tables()

    def finish_for_summary(self) -> None:
        """The global names, contracts and sends in source order: all ``build_summary``
        needs of ``finish`` (``binder.bind_for_summary`` calls this alone)."""
        self.global_refs.sort(key=_global_key)
        self.contracts.sort(key=_start_key)
        self.sends.sort(key=_send_key)

    def finish_tables(self) -> None:
        """The tables derived from the (source-ordered) lists; ``finish`` calls it."""
        self._global_sorted = [(s, e, k, d) for k, s, e, d in self.global_refs]
        self._global_max_end = _running_max(e for _, e, _, _ in self._global_sorted)
        # per-channel tables: every query below is a lookup, not a scan of the whole file
        self._contracts_by_symbol = {}
        self._contracts_by_key = {}
        for c in self.contracts:
            if c.symbol is not None:
                self._contracts_by_symbol.setdefault(c.symbol, []).append(c)
            if c.global_key is not None:
                self._contracts_by_key.setdefault(c.global_key, []).append(c)
        self.finish_receives()
        self._sends_parent = []
        self.send_parents(0, len(self.sends))

    def finish_receives(self) -> None:
        arities: dict[int, set[int | None]] = {}
        for _, sid, n in self.facts.receives:
            arities.setdefault(sid, set()).add(n)
        self.facts.receive_arities = arities

    def send_parents(self, a: int, z: int) -> None:
        """``_sends_parent[a:z]`` (the entries before ``a`` are known): the position of the
        nearest send whose channel range encloses each one's, -1 for none."""
        sends, parent = self.sends, self._sends_parent
        open_: list[int] = []  # positions of the ranges enclosing the current one
        j = a - 1
        while j >= 0:  # the ranges open at ``a``: the one before it and its enclosing ones
            open_.append(j)
            j = parent[j]
        open_.reverse()
        out: list[int] = []
        for j in range(a, z):
            snd = sends[j]
            while open_ and not (snd.end <= sends[open_[-1]].end):
                open_.pop()
            out.append(open_[-1] if open_ else -1)
            open_.append(j)
        parent[a:a] = out

    # ------------------------------------------------------------------ queries
    def reference_index(self, offset: int) -> int:
        """The position in ``references`` (source order) of the first reference starting at
        or after ``offset``. (No separate list of starts: a block rebind would have to move
        it too.)"""
        return bisect.bisect_left(self.references, offset, key=_start)

    def reference_at(self, offset: int) -> Reference | None:
        """The occurrence (binder or use) whose identifier range contains ``offset``
        (an end offset counts, so a cursor right after an identifier still finds it)."""
        i = bisect.bisect_right(self.references, offset, key=_start) - 1
        if i < 0:
            return None
        ref = self.references[i]
        if ref.start <= offset <= ref.end:
            return ref
        return None

    def global_at(self, offset: int) -> tuple[str, int, int, bool] | None:
        """The quoted global name (key, start, end, is_definition) at ``offset``.

        The range of the whole quote (from `@`) also matches."""
        # skip every range that ends before ``offset - 1`` (running max of ends: bisect)
        i = bisect.bisect_left(self._global_max_end, offset - 1)
        glob = self._global_sorted
        while i < len(glob):
            s, e, k, d = glob[i]
            if s - 2 <= offset <= e + 1:
                return (k, s, e, d)
            if s > offset + 2:
                break
            i += 1
        return None

    def send_at(self, start: int, end: int) -> SendInfo | None:
        """The first send (in binding order) whose channel covers ``[start, end)``.

        The ranges covering it are the last range starting at or before ``start`` and
        its enclosing ranges: a walk up at most the nesting depth, not over every send.
        """
        j = bisect.bisect_right(self.sends, start, key=_send_start) - 1
        best: tuple[int, SendInfo] | None = None
        while j >= 0:
            s = self.sends[j]
            if end <= s.end and (best is None or j < best[0]):
                best = (j, s)
            j = self._sends_parent[j]
        return best[1] if best is not None else None

    def symbol(self, sid: int) -> Symbol:
        return self.symbols[sid]

    def occurrences(self, sid: int) -> list[Reference]:
        return self._by_symbol.get(sid, [])

    def contracts_on(self, sid: int) -> list[ContractInfo]:
        return list(self._contracts_by_symbol.get(sid, ()))

    def contracts_global(self, key: str) -> list[ContractInfo]:
        return list(self._contracts_by_key.get(key, ()))

    def scope_chain(self, scope_id: int | None) -> Iterator[Scope]:
        while scope_id is not None:
            sc = self.scopes[scope_id]
            yield sc
            scope_id = sc.parent


def _start(r: Reference) -> int:
    return r.start


def _send_start(s: SendInfo) -> int:
    return s.start


def _range_key(r: Reference) -> tuple[int, int]:
    return (r.start, r.end)


def _start_key(x: Any) -> int:
    return int(x.start if hasattr(x, "start") else x.kw_start)


def _first(t: tuple[int, int, int | None]) -> int:
    return t[0]


def _global_key(g: tuple[str, int, int, bool]) -> tuple[int, int, str, bool]:
    return (g[1], g[2], g[0], g[3])


def _send_key(s: SendInfo) -> tuple[int, int]:
    return (s.start, -s.end)


def fact_lists(facts: Facts) -> tuple[list[Any], ...]:
    """The facts lists that hold one offset range each (ordered by their start)."""
    return (
        facts.unbound,
        facts.sort_mismatches,
        facts.duplicate_binders,
        facts.disjunction_binders,
        facts.outside_pattern,
        facts.receive_connectives,
        facts.system_uris,
        facts.repeated_join_channels,
        facts.pattern_bundles,
    )


def _running_max(values: Iterable[int]) -> list[int]:
    out: list[int] = []
    m = -1
    for v in values:
        m = max(m, v)
        out.append(m)
    return out
