"""Re-bind one `{ … }` block after an in-block reparse, patching the previous model.

After ``syntax.reparse`` replaced one block (``ParseResult.splice``), the facts of the
rest of the file are those of the previous version with their offsets moved: scopes are
lexical, so nothing outside a block sees a binder inside it. ``rebind_block`` binds the
new block alone, with the env the previous bind used there (``BindState.blocks``), and
replaces the block's slice of every list of the previous ``SemanticModel``:

* symbols and scopes (indexed by id): the block's ids form one run, from the counts
  recorded when the walk reached the block; the block must declare as many symbols
  and scopes as before (else the ids after it would move: the caller binds the file);
* references, contracts, sends, global references and facts are in source order
  (``SemanticModel.finish``): the block's are the slice whose start lies in it;
* what the block changes outside itself is recomputed: the ``used`` flag of the outer
  names it used, the receive arities, the broken blocks, the file checks.

It answers False (the caller binds the whole file) whenever the edit may change
anything outside the block: a block that is not the body (or a `|` operand of the
body) of a binding construct, e.g. inside a quote, an argument or a collection whose
text a fact records; a block inside a pattern; agents (facts that hold nodes); other
symbol or scope counts. ``tests/workspace/test_rebind_equals_full.py`` checks the
result against a fresh bind on random edits.

The previous model is patched in place: the caller owns it (``workspace/analysis.py``
reparses and rebinds only what nobody else references).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from itertools import islice
from typing import Any, Final

from rholang_lsp.semantics.binder import Binder, BindState, broken_blocks
from rholang_lsp.semantics.checks import CheckContext, run_file_checks
from rholang_lsp.semantics.checks.unbound_variable import diagnostics_of, moved_diagnostic
from rholang_lsp.semantics.facts import (
    DuplicateBinder,
    OutsidePattern,
    PatternBundle,
    RepeatedJoinChannel,
    Shadowing,
    SortMismatch,
    Span,
    UnboundUse,
)
from rholang_lsp.semantics.model import (
    ContractInfo,
    Reference,
    Role,
    Scope,
    SemanticModel,
    SendInfo,
    Symbol,
    SymbolKind,
    fact_lists,
)
from rholang_lsp.syntax.diagnostic import Diagnostic, Severity
from rholang_lsp.syntax.incremental import Splice
from rholang_lsp.syntax.kinds import K
from rholang_lsp.syntax.result import ParseResult

#: the constructs whose body (or a `|` operand of it) a rebound block may be: their handlers
#: read nothing inside the body
_BODY_OWNERS: Final = frozenset(
    {K.SOURCE_FILE, K.NEW, K.CONTRACT, K.FOR, K.CASE, K.IF, K.LET, K.BRANCH}
)


def rebind_block(
    model: SemanticModel,
    state: BindState,
    splice: Splice,
    result: ParseResult,
    *,
    target: str = "f1r3fly",
) -> bool:
    """Patch ``model`` (the previous version's, owned by the caller) into the model of
    ``result`` by binding ``splice.block`` alone. False: bind the whole file instead
    (``model`` and ``state`` may then be half patched: drop them)."""
    old_block, block = splice.old_block, splice.block
    entry = state.blocks.get(old_block)
    if entry is None or block.kind is not K.BLOCK or model.facts.agents:
        return False
    owner = block.parent
    while owner is not None and owner.kind in (K.BLOCK, K.PAR):
        owner = owner.parent
    if owner is None or owner.kind not in _BODY_OWNERS:
        return False
    if len(state.envs) > 2 * state.fresh_envs + 64:
        return False  # the envs of replaced blocks pile up: a full bind starts afresh
    env, neg, sym0, sc0 = entry
    lo, hi, d = splice.start, splice.end, splice.delta
    syms, scopes = model.symbols, model.scopes
    n_sym = _run_inside(syms, sym0, lo, hi)
    n_sc = _run_inside(scopes, sc0, lo, hi)
    refs = model.references
    ra = bisect_left(refs, lo, key=_start)
    rb = bisect_left(refs, hi, key=_start)
    old_refs = refs[ra:rb]

    b = Binder(result, target=target)
    b.m.symbols = syms[:sym0]
    b.m.scopes = scopes[:sc0]
    b.root_env = state.root_env
    b._env_scope = state.env_scope
    b._envs = state.envs
    b._blocks = {}
    b._walk(block, env, None, neg)
    b._finish()
    new = b.m
    if len(new.symbols) - sym0 != n_sym or len(new.scopes) - sc0 != n_sc or new.facts.agents:
        return False

    # ids are unchanged: put the block's symbols and scopes in place, move the others
    syms[sym0 : sym0 + n_sym] = new.symbols[sym0:]
    scopes[sc0 : sc0 + n_sc] = new.scopes[sc0:]
    if d:
        _move_symbols(syms, 0, sym0, d, hi)
        _move_symbols(syms, sym0 + n_sym, len(syms), d, hi)
        _move_scopes(scopes, 0, sc0, d, hi)
        _move_scopes(scopes, sc0 + n_sc, len(scopes), d, hi)

    # references (source order) and the per-symbol tables
    new_refs = sorted(new.references, key=_range_key)
    by_symbol = model._by_symbol
    affected = {r.symbol for r in old_refs if r.symbol is not None}
    affected.update(r.symbol for r in new_refs if r.symbol is not None)
    for sid in affected:
        added = [r for r in new_refs if r.symbol == sid]
        occ = by_symbol.get(sid)
        if occ is None:
            if added:
                by_symbol[sid] = added
            continue
        # in source order, not moved yet: the block's are the run starting in [lo, hi)
        occ[bisect_left(occ, lo, key=_ref_start) : bisect_left(occ, hi, key=_ref_start)] = added
        if not occ:
            del by_symbol[sid]
    if d:
        for i in range(rb, len(refs)):
            r = refs[i]
            r.start += d
            r.end += d
    refs[ra:rb] = new_refs

    # a name the old block used may be unused now
    read_now = {r.symbol for r in new_refs if r.role is Role.READ}
    for sid in affected:
        if sid < sym0 and sid not in read_now:
            sym = syms[sid]
            if sym.kind is not SymbolKind.AGENT:
                sym.used = any(r.role is Role.READ for r in by_symbol.get(sid, ())) or any(
                    x.first == sid and x.in_new for x in model.facts.duplicate_binders
                )

    # contracts: the ones around the block end later
    contracts = model.contracts
    ca = bisect_left(contracts, lo, key=_start)
    cb = bisect_left(contracts, hi, key=_start)
    if d:
        for i in range(ca):
            c = contracts[i]
            if c.end >= hi:
                c.end += d
        for i in range(cb, len(contracts)):
            c = contracts[i]
            c.start += d
            c.end += d
            c.name_start += d
            c.name_end += d
    old_contracts = contracts[ca:cb]
    new_contracts = sorted(new.contracts, key=_start)
    contracts[ca:cb] = new_contracts

    # sends, global references, facts: slices in source order
    sends = model.sends
    sa = bisect_left(sends, lo, key=_start)
    sb = bisect_left(sends, hi, key=_start)
    if d:
        for i in range(sb, len(sends)):
            snd = sends[i]
            snd.start += d
            snd.end += d
    new_sends = sorted(new.sends, key=_send_key)
    sends[sa:sb] = new_sends
    dn = len(new_sends) - (sb - sa)
    parents = model._sends_parent
    if dn:
        for i in range(sb, len(parents)):
            p = parents[i]
            if p >= sa:
                parents[i] = p + dn
    del parents[sa:sb]
    model.send_parents(sa, sa + len(new_sends))
    globs = model.global_refs
    ga = bisect_left(globs, lo, key=_second)
    gb = bisect_left(globs, hi, key=_second)
    if d:
        globs[gb:] = [(k, s + d, e + d, x) for k, s, e, x in islice(globs, gb, None)]
    globs[ga:gb] = sorted(new.global_refs, key=_global_key)
    model._global_sorted[ga:] = [(s, e, k, x) for k, s, e, x in islice(globs, ga, None)]
    top = model._global_max_end[ga - 1] if ga else -1
    ends: list[int] = []
    for _, e, _, _ in islice(model._global_sorted, ga, None):
        if e > top:
            top = e
        ends.append(top)
    model._global_max_end[ga:] = ends

    facts, nf = model.facts, new.facts
    # the unbound-variable diagnostics of the uses outside the block: the previous ones,
    # moved like their uses (each is a function of its use alone, one per use, in order)
    uses, said = facts.unbound, model._unbound_diagnostics
    ua = bisect_left(uses, lo, key=_fact_start)
    uz = bisect_left(uses, hi, key=_fact_start)
    keep_said = len(said) == len(uses)
    for lst, added in zip(fact_lists(facts), fact_lists(nf), strict=True):
        _splice_facts(lst, sorted(added, key=_fact_start), lo, hi, d)
    unbound_said: list[Diagnostic] | None = None
    if keep_said:
        n_new = len(nf.unbound)
        unbound_said = said[:ua]
        unbound_said.extend(diagnostics_of(uses[ua : ua + n_new]))
        if d:
            moved = moved_diagnostic
            unbound_said += [moved(x, d, hi) for x in islice(said, uz, None)]
        else:
            unbound_said.extend(islice(said, uz, None))
    shadows = facts.shadowing
    a = bisect_left(shadows, sym0, key=_shadow_symbol)
    z = bisect_left(shadows, sym0 + n_sym, key=_shadow_symbol)
    if d:
        for i, sh in enumerate(shadows):
            if sh.fix is not None and sh.fix[1] >= hi and not a <= i < z:
                fs, fe, ft = sh.fix
                shadows[i] = _moved_shadow(sh, (fs + d if fs >= hi else fs, fe + d, ft))
    shadows[a:z] = nf.shadowing
    receives = facts.receives
    qa = bisect_left(receives, lo, key=_first)
    qb = bisect_left(receives, hi, key=_first)
    if d:
        for i in range(qb, len(receives)):
            s, sid, n = receives[i]
            receives[i] = (s + d, sid, n)
    old_arities = {(sid, n) for _, sid, n in islice(receives, qa, qb)}
    new_receives = sorted(nf.receives, key=_first)
    receives[qa:qb] = new_receives
    if {(sid, n) for _, sid, n in new_receives} != old_arities:
        model.finish_receives()  # else the union of the arities per channel is unchanged

    # the tables (only the block's contracts changed: the others are the same records,
    # moved), the state, syntax errors, the checks
    if old_contracts or new_contracts:
        _retable_contracts(model, old_contracts, new_contracts, lo)
    blocks = state.blocks
    for node in old_block.walk():
        if node.kind is K.BLOCK:
            blocks.pop(node, None)
    blocks.update(b._blocks)
    diags = result.diagnostics
    model.has_syntax_errors = any(x.severity == Severity.ERROR for x in diags)
    model.broken = broken_blocks(result.tree, result.text, diags) if model.has_syntax_errors else []
    model.diagnostics = run_file_checks(
        CheckContext(model, result.text, target), unbound=unbound_said
    )
    return True


def _run_inside(items: list[Any], first: int, lo: int, hi: int) -> int:
    """How many of ``items[first:]`` in a row start inside ``[lo, hi)``."""
    n = 0
    for x in islice(items, first, None):
        if not lo <= x.start < hi:
            break
        n += 1
    return n


def _move_symbols(syms: list[Symbol], a: int, z: int, d: int, hi: int) -> None:
    """Move what lies at or after ``hi`` in ``syms[a:z]`` by ``d`` (in place)."""
    for i in range(a, z):
        sym = syms[i]
        if sym.decl_end >= hi:
            sym.decl_end += d
            if sym.decl_start >= hi:
                sym.decl_start += d
        if sym.start >= hi:
            sym.start += d
            sym.end += d


def _move_scopes(scopes: list[Scope], a: int, z: int, d: int, hi: int) -> None:
    """Move what lies at or after ``hi`` in ``scopes[a:z]`` by ``d`` (in place)."""
    for i in range(a, z):
        sc = scopes[i]
        if sc.end >= hi:
            sc.end += d
            if sc.start >= hi:
                sc.start += d
            if sc.sel_start >= hi:
                sc.sel_start += d
                sc.sel_end += d


def _retable_contracts(
    model: SemanticModel, old: list[ContractInfo], new: list[ContractInfo], lo: int
) -> None:
    """Replace the block's contracts ``old`` by ``new`` in the per-channel tables (the
    block started at ``lo``; its new contracts are in source order)."""
    gone = {id(c) for c in old}
    by_sym, by_key = model._contracts_by_symbol, model._contracts_by_key
    for sid in {c.symbol for c in old} | {c.symbol for c in new}:
        if sid is not None:
            added = [c for c in new if c.symbol == sid]
            keep = [c for c in by_sym.get(sid, ()) if id(c) not in gone]
            at = bisect_left(keep, lo, key=_start)
            keep[at:at] = added
            if keep:
                by_sym[sid] = keep
            else:
                by_sym.pop(sid, None)
    for key in {c.global_key for c in old} | {c.global_key for c in new}:
        if key is not None:
            added = [c for c in new if c.global_key == key]
            keep = [c for c in by_key.get(key, ()) if id(c) not in gone]
            at = bisect_left(keep, lo, key=_start)
            keep[at:at] = added
            if keep:
                by_key[key] = keep
            else:
                by_key.pop(key, None)


def _splice_facts(lst: list[Any], added: list[Any], lo: int, hi: int, d: int) -> None:
    a = bisect_left(lst, lo, key=_fact_start)
    z = bisect_left(lst, hi, key=_fact_start)
    if d and z < len(lst):
        if type(lst[z]) is UnboundUse:
            _move_unbound_in_place(lst, z, d, hi)
        else:
            lst[z:] = [_MOVE[type(x)](x, d, hi) for x in islice(lst, z, None)]
    lst[a:z] = added


def _move_unbound_in_place(uses: list[UnboundUse], z: int, d: int, hi: int) -> None:
    """Move the unbound uses ``uses[z:]`` (after a re-bound block) by ``d`` in place, and
    the `new` of a sibling they point at when it is after the block too (the most frequent
    fact: a file full of free names; the records are the model's own, like its
    references)."""
    for i in range(z, len(uses)):
        x = uses[i]
        x.start += d
        x.end += d
        sib = x.new_sibling
        if sib is not None and sib[0] >= hi:  # the `new` is after the block too
            x.new_sibling = (sib[0] + d, sib[1] + d)


def _ref_start(r: Reference) -> int:
    return r.start


def _start(x: Any) -> int:
    return int(x.start)


def _fact_start(x: Any) -> int:
    return int(x.kw_start) if type(x) is PatternBundle else int(x.start)


def _first(t: tuple[int, int, int | None]) -> int:
    return t[0]


def _second(t: tuple[str, int, int, bool]) -> int:
    return t[1]


def _shadow_symbol(s: Shadowing) -> int:
    return s.symbol


def _range_key(r: Reference) -> tuple[int, int]:
    return (r.start, r.end)


def _send_key(s: SendInfo) -> tuple[int, int]:
    return (s.start, -s.end)


def _global_key(g: tuple[str, int, int, bool]) -> tuple[int, int, str, bool]:
    return (g[1], g[2], g[0], g[3])


def _moved_shadow(s: Shadowing, fix: tuple[int, int, str]) -> Shadowing:
    return Shadowing(s.symbol, s.outer, s.match_case, s.in_target, s.intent, fix)


def _moved_span(x: Span, d: int, hi: int = 0) -> Span:
    return Span(x.start + d, x.end + d, x.text)


#: facts moved as new records (``_splice_facts``), by type
_MOVE: Final[dict[type, Callable[[Any, int, int], Any]]] = {
    SortMismatch: lambda x, d, hi: SortMismatch(
        x.start + d, x.end + d, x.symbol, x.position, x.var_ref
    ),
    DuplicateBinder: lambda x, d, hi: DuplicateBinder(
        x.start + d, x.end + d, x.name, x.first, x.in_new
    ),
    Span: _moved_span,
    OutsidePattern: lambda x, d, hi: OutsidePattern(x.start + d, x.end + d, x.what, x.text),
    RepeatedJoinChannel: lambda x, d, hi: RepeatedJoinChannel(
        x.start + d, x.end + d, x.first_start + d, x.first_end + d
    ),
    PatternBundle: lambda x, d, hi: PatternBundle(
        x.kw_start + d, x.kw_end + d, tuple(_moved_span(f, d) for f in x.frees)
    ),
}
