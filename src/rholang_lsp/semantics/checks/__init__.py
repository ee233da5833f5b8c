"""Semantic checks: one module per check, each a function ``check(ctx) -> diagnostics``.

The binder records facts (``SemanticModel.facts``, symbols, contracts, sends) and emits
nothing; the checks judge them. Two registries:

* ``FILE_CHECKS`` need the file alone; ``bind`` runs them and stores the result in
  ``SemanticModel.diagnostics`` (what quick fixes and rename safety read).
* ``WORKSPACE_CHECKS`` may consult the workspace index (``CheckContext.index``, None
  when there is none); ``semantics.diagnostics.semantic_diagnostics`` runs them.

To add a check: a module here with ``check(ctx)``, a code in ``codes.DiagnosticCode``,
an entry below, tests in ``tests/semantics/checks/``.
"""

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
from rholang_lsp.semantics.checks.codes import UNBOUND_CODES, DiagnosticCode
from rholang_lsp.semantics.checks.context import SOURCE, CheckContext, GlobalLookup
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
    out: list[Diagnostic] = []
    for check in FILE_CHECKS:
        if check is unbound_variable.check:
            if unbound is None:
                unbound = list(check(ctx))
            ctx.model._unbound_diagnostics = unbound
            out.extend(unbound)
        else:
            out.extend(check(ctx))
    if ctx.model.has_syntax_errors:
        words: Counter[str] = Counter()  # identifiers spelt in the broken blocks
        for s, e in ctx.model.broken:
            words.update(_WORD.findall(ctx.text, s, e))
        out = [d for d in out if d.severity == Severity.ERROR or not uncertain(ctx, d, words)]
    out.sort(key=sort_key)
    return out


_WORD = re.compile(r"[A-Za-z_'][A-Za-z0-9_']*")


def uncertain(ctx: CheckContext, d: Diagnostic, broken_words: Counter[str]) -> bool:
    """A warning inside a block holding a syntax error is uncertain (its code may read
    otherwise once fixed); an unused name is uncertain when the broken blocks spell it
    elsewhere than at its declaration (the use may be in what the parser could not read)."""
    if any(s <= d.start and d.end <= e for s, e in ctx.model.broken):
        return True
    return d.code == DiagnosticCode.UNUSED_NAME and broken_words[ctx.text[d.start : d.end]] > 0


def run_workspace_checks(ctx: CheckContext) -> list[Diagnostic]:
    return [d for check in WORKSPACE_CHECKS for d in check(ctx)]


__all__ = [
    "SOURCE",
    "UNBOUND_CODES",
    "Check",
    "CheckContext",
    "DiagnosticCode",
    "FILE_CHECKS",
    "GlobalLookup",
    "WORKSPACE_CHECKS",
    "run_file_checks",
    "run_workspace_checks",
    "sort_key",
]
