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
from rholang_lsp.semantics.checks import in_order
from rholang_lsp.semantics.diagnostics import semantic_diagnostics
from rholang_lsp.syntax import parse
from rholang_lsp.syntax.diagnostic import Diagnostic, Severity
from rholang_lsp.syntax.parser import gc_paused
from rholang_lsp.workspace.snapshot import Snapshot


def document_diagnostics(
    text: str,
    *,
    target: str = "f1r3fly",
    uri: str = "",
    snapshot: Snapshot | None = None,
) -> list[Diagnostic]:
    """Syntax and semantic diagnostics of ``text``, sorted by position."""
    with gc_paused():  # thousands of records after each keystroke: collected once, after
        analysis = snapshot.analysis(uri) if snapshot is not None and uri else None
        if analysis is not None and analysis.text == text:
            result, model = analysis.parse, analysis.model
        else:
            result = parse(text, target=target)
            model = bind(result, target=target)
        semantic = semantic_diagnostics(result, uri=uri, index=snapshot, target=target, model=model)
        if not result.diagnostics:
            return semantic  # sorted already
        return in_order([result.diagnostics, semantic])


#: Errors of a construct that is still being typed: an auto-closed `{}` before its content,
#: `f!(1,)` before the next argument, `P |` or `1 +` before the next operand, a `match { }`
#: before its first case, a closer not typed yet.
UNFINISHED_CODES = frozenset(
    {
        "empty-block",
        "trailing-comma",
        "dangling-bar",
        "expected-process",
        "empty-match",
        "missing-token",
    }
)


def soften_unfinished(diagnostics: list[Diagnostic], cursor: int | None) -> list[Diagnostic]:
    """While the user types, an error of an unfinished construct at the cursor (the end of
    the document's last edit) is a hint: the next keystrokes are about to finish it, and a red
    squiggle under every auto-closed `{}` is noise. It is an error again as soon as the user
    edits elsewhere; ``rholang-lsp check`` and the first analysis of a file stay strict."""
    if cursor is None:
        return diagnostics
    out = []
    for d in diagnostics:
        if (
            d.severity == Severity.ERROR
            and d.code in UNFINISHED_CODES
            and d.start <= cursor <= d.end
        ):
            d = Diagnostic(
                d.start,
                d.end,
                Severity.HINT,
                d.message,
                d.code,
                d.source,
                d.related,
                d.tags,
                d.data,
            )
        out.append(d)
    return out
