"""Diagnostics of one document (syntax now; semantics joins later).

Interface used by the server: ``document_diagnostics(text, target=...)``
returns a list of ``Diagnostic`` with offsets into ``text``.
"""

from __future__ import annotations

from rholang_lsp.syntax import parse
from rholang_lsp.syntax.diagnostic import Diagnostic


def document_diagnostics(text: str, *, target: str = "f1r3fly") -> list[Diagnostic]:
    """Syntax diagnostics of ``text`` (source ``rholang-parser``), sorted by position."""
    return list(parse(text, target=target).diagnostics)
