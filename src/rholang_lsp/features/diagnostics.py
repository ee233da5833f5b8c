"""Diagnostics of one document: syntax (``rholang-parser``) and semantics (``rholang-semantic``).

Interface used by the server and the ``check`` command:
``document_diagnostics(text, *, target, uri, snapshot)`` returns a list of
``Diagnostic`` with offsets into ``text``, sorted by position. With a snapshot
the analysis comes from its cache (no second parse) and cross-file checks
(arity of global contracts, the hint towards a contract in another file) use
its workspace index.
"""

from __future__ import annotations

from rholang_lsp.semantics.binder import bind
from rholang_lsp.semantics.diagnostics import semantic_diagnostics
from rholang_lsp.syntax import parse
from rholang_lsp.syntax.diagnostic import Diagnostic
from rholang_lsp.workspace.snapshot import Snapshot


def document_diagnostics(
    text: str,
    *,
    target: str = "f1r3fly",
    uri: str = "",
    snapshot: Snapshot | None = None,
) -> list[Diagnostic]:
    """Syntax and semantic diagnostics of ``text``, sorted by position."""
    analysis = snapshot.analysis(uri) if snapshot is not None and uri else None
    if analysis is not None and analysis.text == text:
        result, model = analysis.parse, analysis.model
    else:
        result = parse(text, target=target)
        model = bind(result, target=target)
    out = list(result.diagnostics)
    out.extend(
        semantic_diagnostics(result, uri=uri, index=snapshot, target=target, model=model)
    )
    out.sort(key=lambda d: (d.start, d.end, int(d.severity)))
    return out
