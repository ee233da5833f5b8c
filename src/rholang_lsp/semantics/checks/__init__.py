"""Semantic checks: one module per check, each a function ``check(ctx) -> diagnostics``.

The binder records facts (``SemanticModel.facts``, symbols, contracts, sends) and emits
nothing; the checks judge them. Two registries:

* ``FILE_CHECKS`` need the file alone; ``bind`` runs them and stores the result in
  ``SemanticModel.diagnostics`` (what quick fixes and rename safety read).
* ``WORKSPACE_CHECKS`` may consult the workspace index (``CheckContext.index``, None
  when there is none); ``semantics.diagnostics.semantic_diagnostics`` runs them.

To add a check: a module here with ``check(ctx)``, a code in ``codes.DiagnosticCode``,
an entry in ``run.py``, tests in ``tests/semantics/checks/``.
"""

from __future__ import annotations

from rholang_lsp.semantics.checks.codes import UNBOUND_CODES, DiagnosticCode
from rholang_lsp.semantics.checks.context import SOURCE, CheckContext, GlobalLookup

# the registries and the loops that run them live in ``run`` (a package's ``__init__`` is
# never compiled; ``run`` is, in a compiled build)
from rholang_lsp.semantics.checks.run import (
    FILE_CHECKS,
    WORKSPACE_CHECKS,
    Check,
    in_order,
    run_file_checks,
    run_workspace_checks,
    sort_key,
    uncertain,
    workspace_diagnostics,
)

__all__ = [
    "SOURCE",
    "UNBOUND_CODES",
    "Check",
    "CheckContext",
    "DiagnosticCode",
    "FILE_CHECKS",
    "GlobalLookup",
    "WORKSPACE_CHECKS",
    "in_order",
    "run_file_checks",
    "run_workspace_checks",
    "sort_key",
    "uncertain",
    "workspace_diagnostics",
]
