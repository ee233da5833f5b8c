"""Semantic diagnostics of one file (source ``rholang-semantic``).

Entry point for the diagnostics feature::

    semantic_diagnostics(parse_result, uri=uri, index=snapshot_or_index, target=target)

The file checks ran when the file was bound (``SemanticModel.diagnostics``); this adds
the workspace checks of ``semantics/checks/``. ``index`` (optional) is anything with
``contracts_named(name)`` and ``definitions(key)`` — a ``workspace.index.WorkspaceIndex``
or a ``workspace.snapshot.Snapshot``; with it, the result also contains the cross-file
hint for plain names that another file defines as a contract, and arity warnings for
sends on quoted names whose contracts live in other files.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rholang_lsp.semantics.binder import bind
from rholang_lsp.semantics.checks import (
    CheckContext,
    GlobalLookup,
    workspace_diagnostics,
)
from rholang_lsp.semantics.model import SemanticModel
from rholang_lsp.syntax.diagnostic import Diagnostic

if TYPE_CHECKING:
    from rholang_lsp.syntax import ParseResult

__all__ = ["GlobalLookup", "semantic_diagnostics"]


def semantic_diagnostics(
    parse_result: ParseResult,
    *,
    uri: str = "",
    index: GlobalLookup | None = None,
    target: str = "f1r3fly",
    model: SemanticModel | None = None,
) -> list[Diagnostic]:
    """All semantic diagnostics of one parsed file, sorted by position.

    Pass ``model`` when the file is already bound (e.g. from the analysis cache)."""
    if model is None:
        model = bind(parse_result, target=target)
    return workspace_diagnostics(CheckContext(model, parse_result.text, target, uri, index))
