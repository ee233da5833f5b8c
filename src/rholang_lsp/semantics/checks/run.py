"""Running the checks, and putting their diagnostics in order: the loops that run after
every keystroke, in a module of their own so that a compiled build compiles them (a
package's ``__init__`` stays interpreted). ``semantics.checks`` re-exports what is public.

The order of diagnostics is (start, end, severity), ties kept in the order they came
(``sort_key``, a stable sort). Each check yields its diagnostics in source order (of its
facts) almost always, so the lists are merged, not sorted: a merge of lists each in order,
the earlier list winning ties, is exactly the stable sort of their concatenation. A list
found out of order is sorted first (same result, only slower)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from operator import attrgetter

from rholang_lsp.semantics.checks import (
    agent_declarations,
    arity_mismatch,
    binder_in_disjunction,
    bundle_in_pattern,
    comparison_intent,
    cross_file_contract,
    duplicate_binder,
    join_same_channel,
    outside_pattern,
    receive_pattern_connective,
    shadowing,
    sort_mismatch,
    unbound_variable,
    unknown_lookup_uri,
    unknown_system_uri,
    unused_name,
)
from rholang_lsp.semantics.checks.codes import DiagnosticCode
from rholang_lsp.semantics.checks.context import CheckContext
from rholang_lsp.syntax.diagnostic import Diagnostic, Severity

Check = Callable[[CheckContext], Iterable[Diagnostic]]

FILE_CHECKS: tuple[Check, ...] = (
    unbound_variable.check,
    sort_mismatch.check,
    duplicate_binder.check,
    binder_in_disjunction.check,
    shadowing.check,
    comparison_intent.check,
    outside_pattern.check,
    receive_pattern_connective.check,
    unknown_system_uri.check,
    unknown_lookup_uri.check,
    join_same_channel.check,
    bundle_in_pattern.check,
    agent_declarations.check,
    unused_name.check,
)

WORKSPACE_CHECKS: tuple[Check, ...] = (
    arity_mismatch.check,
    cross_file_contract.check,
)


#: the order of diagnostics: (start, end, severity) (``Severity`` is an ``IntEnum``: it
#: compares as its number; the key is built in C, no Python call per diagnostic)
sort_key: Callable[[Diagnostic], tuple[int, int, int]] = attrgetter("start", "end", "severity")


def run_file_checks(
    ctx: CheckContext, *, unbound: list[Diagnostic] | None = None
) -> list[Diagnostic]:
    """The file-local diagnostics, sorted. While the file has syntax errors, a warning or hint
    is kept unless the broken code makes it uncertain (``uncertain``): the problems panel
    must not jump at every keystroke.

    ``unbound``: what ``unbound_variable.check`` says of this model, when the caller has it
    (a block rebind: the other blocks' diagnostics kept, see ``semantics.rebind``). Kept in
    ``SemanticModel._unbound_diagnostics`` either way."""
    unbound_check = unbound_variable.check
    parts: list[list[Diagnostic]] = []
    for check in FILE_CHECKS:
        if check is unbound_check:
            if unbound is None:
                unbound = list(check(ctx))
            ctx.model._unbound_diagnostics = unbound
            part = unbound
        else:
            part = list(check(ctx))
        if part:
            parts.append(part)
    if ctx.model.has_syntax_errors:
        words: Counter[str] = Counter()  # identifiers spelt in the broken blocks
        for s, e in ctx.model.broken:
            words.update(_WORD.findall(ctx.text, s, e))
        kept: list[list[Diagnostic]] = []
        for part in parts:
            part = [d for d in part if d.severity == Severity.ERROR or not uncertain(ctx, d, words)]
            if part:
                kept.append(part)
        parts = kept
    return in_order(parts)


_WORD = re.compile(r"[A-Za-z_'][A-Za-z0-9_']*")


def uncertain(ctx: CheckContext, d: Diagnostic, broken_words: Counter[str]) -> bool:
    """A warning inside a block holding a syntax error is uncertain (its code may read
    otherwise once fixed); an unused name is uncertain when the broken blocks spell it
    elsewhere than at its declaration (the use may be in what the parser could not read)."""
    if any(s <= d.start and d.end <= e for s, e in ctx.model.broken):
        return True
    return d.code == DiagnosticCode.UNUSED_NAME and broken_words[ctx.text[d.start : d.end]] > 0


def run_workspace_checks(ctx: CheckContext) -> list[Diagnostic]:
    """The workspace checks' diagnostics, check by check (not sorted)."""
    out: list[Diagnostic] = []
    for check in WORKSPACE_CHECKS:
        out.extend(check(ctx))
    return out


def workspace_diagnostics(ctx: CheckContext) -> list[Diagnostic]:
    """``ctx.model.diagnostics`` (the file checks', in order) and the workspace checks', in
    order: ``semantic_diagnostics``."""
    parts: list[list[Diagnostic]] = []
    if ctx.model.diagnostics:
        parts.append(ctx.model.diagnostics)
    for check in WORKSPACE_CHECKS:
        part = list(check(ctx))
        if part:
            parts.append(part)
    return in_order(parts)


def _before(a: Diagnostic, b: Diagnostic) -> bool:
    """``a`` sorts strictly before ``b`` (``sort_key(a) < sort_key(b)``)."""
    if a.start != b.start:
        return a.start < b.start
    if a.end != b.end:
        return a.end < b.end
    return int(a.severity) < int(b.severity)


def is_sorted(ds: list[Diagnostic]) -> bool:
    """``ds`` is in order (no diagnostic sorts before the one preceding it)."""
    n = len(ds)
    if n < 2:
        return True
    prev = ds[0]
    for i in range(1, n):
        d = ds[i]
        if _before(d, prev):
            return False
        prev = d
    return True


def merged(a: list[Diagnostic], b: list[Diagnostic]) -> list[Diagnostic]:
    """``a`` and ``b`` (each in order) in one new list in order, ``a``'s first on ties: the
    stable sort of ``a + b``."""
    na, nb = len(a), len(b)
    if not nb:
        return list(a)
    if not na:
        return list(b)
    if not _before(b[0], a[na - 1]):  # b after a: the common case of disjoint runs
        out = list(a)
        out.extend(b)
        return out
    out = []
    i = j = 0
    x, y = a[0], b[0]
    while True:
        if _before(y, x):
            out.append(y)
            j += 1
            if j == nb:
                out.extend(a[i:])
                return out
            y = b[j]
        else:
            out.append(x)
            i += 1
            if i == na:
                out.extend(b[j:])
                return out
            x = a[i]


def in_order(parts: Iterable[list[Diagnostic]]) -> list[Diagnostic]:
    """The concatenation of ``parts``, stably sorted by ``sort_key``: a new list (the parts
    are not changed). Parts in order are merged; a part out of order is sorted first."""
    out: list[Diagnostic] | None = None
    owned = False  # ``out`` is a list made here, not one of the parts
    for part in parts:
        if not part:
            continue
        if not is_sorted(part):
            part = sorted(part, key=sort_key)
            if out is None:
                out, owned = part, True
                continue
        if out is None:
            out = part
        else:
            out, owned = merged(out, part), True
    if out is None:
        return []
    return out if owned else list(out)
