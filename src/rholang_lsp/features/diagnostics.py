"""Diagnostics of one document (syntax now; semantics joins later).

Interface used by the server: ``document_diagnostics(text, target=...)``
returns a list of ``Diagnostic`` with offsets into ``text``.
"""

from __future__ import annotations

from rholang_lsp.syntax.diagnostic import Diagnostic


def document_diagnostics(text: str, *, target: str = "f1r3fly") -> list[Diagnostic]:
    """Placeholder until the parser lands: no diagnostics."""
    return []
