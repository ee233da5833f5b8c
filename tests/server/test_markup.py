"""Markdown only for clients that list it."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from rholang_lsp.server.markup import COMPLETION_DOC, HOVER, SIGNATURE_DOC, markup


def _session(caps: dict[str, Any]) -> Any:
    return SimpleNamespace(client_capabilities=caps)


@pytest.mark.parametrize(
    ("caps", "kind"),
    [
        ({}, "plaintext"),
        ({"textDocument": {"hover": {"contentFormat": ["plaintext"]}}}, "plaintext"),
        ({"textDocument": {"hover": {"contentFormat": ["markdown", "plaintext"]}}}, "markdown"),
        ({"textDocument": {"hover": None}}, "plaintext"),
    ],
)
def test_hover_format_follows_the_client(caps: dict[str, Any], kind: str) -> None:
    assert markup(_session(caps), "**x**", HOVER) == {"kind": kind, "value": "**x**"}


def test_each_feature_reads_its_own_capability() -> None:
    caps = {
        "textDocument": {
            "completion": {"completionItem": {"documentationFormat": ["markdown"]}},
            "signatureHelp": {"signatureInformation": {"documentationFormat": ["plaintext"]}},
        }
    }
    assert markup(_session(caps), "d", COMPLETION_DOC)["kind"] == "markdown"
    assert markup(_session(caps), "d", SIGNATURE_DOC)["kind"] == "plaintext"
    assert markup(_session(caps), "d", HOVER)["kind"] == "plaintext"
