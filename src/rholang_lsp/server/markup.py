"""`MarkupContent` in a format the client declared it can show.

Features write Markdown. LSP lets a client list the formats it renders
(`hover.contentFormat`, `completionItem.documentationFormat`, ...); Markdown is
sent only to a client that lists it, the same text as `plaintext` otherwise
(our Markdown is written to read well as plain text too).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rholang_lsp.server.session import Session

HOVER = ("textDocument", "hover", "contentFormat")
COMPLETION_DOC = ("textDocument", "completion", "completionItem", "documentationFormat")
SIGNATURE_DOC = ("textDocument", "signatureHelp", "signatureInformation", "documentationFormat")


def markup(session: Session, value: str, capability: tuple[str, ...]) -> dict[str, str]:
    node: Any = session.client_capabilities
    for key in capability:
        node = node.get(key) if isinstance(node, dict) else None
    kind = "markdown" if isinstance(node, list) and "markdown" in node else "plaintext"
    return {"kind": kind, "value": value}
