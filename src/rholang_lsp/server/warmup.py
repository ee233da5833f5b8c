"""The language layers, loaded after ``initialize`` is answered (issue 19).

A stdio server answers ``initialize`` having imported only the protocol, the transports
and the server layer: the handlers import their features where they use them, and the
syntax, semantics, workspace and feature modules are not loaded yet. They are loaded
once per process by ``load``, on the event loop, one module at a time with the loop
running in between (no stall):

* a session starts it when the client sends ``initialized`` (the client has its answer
  by then), holding the session's turn, so the notifications and jobs that arrive
  meanwhile wait and then run with everything imported;
* every job waits for it before it starts in a worker thread (``Session.run_job``), so
  only the loop thread ever imports these modules: two threads importing a package and
  its submodules at once could deadlock on the import locks.

``MODULES`` is every module of those packages, leaves first (each step imports little);
``tests/server/test_warmup.py`` checks that it lists them all.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable
from typing import Final

#: every module of ``syntax``, ``semantics``, ``workspace`` and ``features``, leaves first
#: (the order they finish loading), and what a package's ``__init__`` pulls in (all its
#: modules: ``semantics.checks``, ``features.completion``, ``features.metta``) before its
#: first module, so that no step is long (at most ~7 ms on this machine, 52 steps)
MODULES: Final = (
    "rholang_lsp.syntax",
    "rholang_lsp.syntax.kinds",
    "rholang_lsp.syntax.tree",
    "rholang_lsp.syntax.ast",
    "rholang_lsp.syntax.diagnostic",
    "rholang_lsp.syntax.pauses",
    "rholang_lsp.syntax.lexer",
    "rholang_lsp.syntax.parser",
    "rholang_lsp.syntax.recovery",
    "rholang_lsp.syntax.result",
    "rholang_lsp.syntax.incremental",
    "rholang_lsp.syntax.line_index",
    "rholang_lsp.syntax.metta.lexer",
    "rholang_lsp.syntax.metta.parser",
    "rholang_lsp.syntax.metta",
    "rholang_lsp.semantics",
    "rholang_lsp.semantics.doc_comments",
    "rholang_lsp.semantics.sorts",
    "rholang_lsp.semantics.facts",
    "rholang_lsp.semantics.model",
    "rholang_lsp.semantics.system_channels",
    "rholang_lsp.semantics.spelling",
    "rholang_lsp.semantics.checks.codes",
    "rholang_lsp.semantics.summary",
    "rholang_lsp.semantics.checks.context",
    "rholang_lsp.semantics.checks.agent_declarations",
    "rholang_lsp.semantics.checks.arity_mismatch",
    "rholang_lsp.semantics.checks.binder_in_disjunction",
    "rholang_lsp.semantics.checks.bundle_in_pattern",
    "rholang_lsp.semantics.checks.comparison_intent",
    "rholang_lsp.semantics.checks.cross_file_contract",
    "rholang_lsp.semantics.checks.duplicate_binder",
    "rholang_lsp.semantics.checks.join_same_channel",
    "rholang_lsp.semantics.checks.outside_pattern",
    "rholang_lsp.semantics.checks.receive_pattern_connective",
    "rholang_lsp.semantics.checks.shadowing",
    "rholang_lsp.semantics.checks.sort_mismatch",
    "rholang_lsp.semantics.checks.unbound_variable",
    "rholang_lsp.semantics.checks.unknown_lookup_uri",
    "rholang_lsp.semantics.checks.unknown_system_uri",
    "rholang_lsp.semantics.checks.unused_name",
    "rholang_lsp.semantics.checks.run",
    "rholang_lsp.semantics.checks",
    "rholang_lsp.semantics.patterns",
    "rholang_lsp.semantics.binder",
    "rholang_lsp.semantics.channel_names",
    "rholang_lsp.semantics.diagnostics",
    "rholang_lsp.semantics.embedded.regions",
    "rholang_lsp.semantics.embedded.detect",
    "rholang_lsp.semantics.embedded",
    "rholang_lsp.semantics.metta",
    "rholang_lsp.semantics.metta.model",
    "rholang_lsp.semantics.metta.summary",
    "rholang_lsp.semantics.rebind",
    "rholang_lsp.semantics.registry_contracts",
    "rholang_lsp.semantics.scope_at",
    "rholang_lsp.semantics.registry_values",
    "rholang_lsp.semantics.summarize",
    "rholang_lsp.workspace",
    "rholang_lsp.workspace.analysis",
    "rholang_lsp.workspace.cache",
    "rholang_lsp.workspace.files",
    "rholang_lsp.workspace.discovery",
    "rholang_lsp.workspace.documents",
    "rholang_lsp.workspace.embedded",
    "rholang_lsp.workspace.fuzzy",
    "rholang_lsp.workspace.prefix_index",
    "rholang_lsp.workspace.index",
    "rholang_lsp.workspace.state",
    "rholang_lsp.workspace.workers",
    "rholang_lsp.workspace.indexer",
    "rholang_lsp.workspace.shared",
    "rholang_lsp.workspace.snapshot",
    "rholang_lsp.features",
    "rholang_lsp.features.builtin_methods",
    "rholang_lsp.features.target",
    "rholang_lsp.features.call_hierarchy",
    "rholang_lsp.features.format_limits",
    "rholang_lsp.features.formatting",
    "rholang_lsp.features.legend",
    "rholang_lsp.features.code_actions",
    "rholang_lsp.features.completion.context",
    "rholang_lsp.features.completion.items",
    "rholang_lsp.features.completion.receiver",
    "rholang_lsp.features.completion.workspace_contracts",
    "rholang_lsp.features.completion.resolve",
    "rholang_lsp.features.completion",
    "rholang_lsp.features.registry_document",
    "rholang_lsp.features.definition",
    "rholang_lsp.features.diagnostics",
    "rholang_lsp.features.folding",
    "rholang_lsp.features.highlight",
    "rholang_lsp.features.signature_help",
    "rholang_lsp.features.hover",
    "rholang_lsp.features.symbols",
    "rholang_lsp.features.semantic_tokens",
    "rholang_lsp.features.metta.navigation",
    "rholang_lsp.features.metta.hover",
    "rholang_lsp.features.metta.outline",
    "rholang_lsp.features.metta.tokens",
    "rholang_lsp.features.metta",
    "rholang_lsp.features.metta.completion",
    "rholang_lsp.features.references",
    "rholang_lsp.features.rename_safety",
    "rholang_lsp.features.rename",
    "rholang_lsp.features.embedded",
    "rholang_lsp.features.inlay_hints",
    "rholang_lsp.features.selection_range",
)

_state = {"loaded": False}
_loading: dict[asyncio.AbstractEventLoop, asyncio.Task[int]] = {}


def loaded() -> bool:
    """Whether ``MODULES`` are all loaded (then nothing waits for them)."""
    return _state["loaded"]


async def load() -> int:
    """Import ``MODULES`` one by one, letting the loop run between them; returns how many
    were imported here. Call it on the event loop thread (``ready`` does)."""
    count = 0
    for name in MODULES:
        if name in sys.modules:
            continue
        __import__(name)  # as an import statement does (``-X importtime`` lists it)
        count += 1
        await asyncio.sleep(0)
    _state["loaded"] = True
    return count


def ready() -> Awaitable[int] | None:
    """None when the modules are loaded; else an awaitable of the process's one loading
    (started now if it is not under way). Cancelling the awaiting task does not stop it."""
    if _state["loaded"]:
        return None
    loop = asyncio.get_running_loop()
    task = _loading.get(loop)
    if task is None or task.done():
        _loading.clear()  # a loading of a closed loop (tests) is of no use
        task = _loading[loop] = loop.create_task(load())
    return asyncio.shield(task)
