"""A URI with a NUL byte names no file: no path, never inside a workspace (issue 20:
``file:///%00`` made definition answer -32603 with a traceback)."""

from __future__ import annotations

from pathlib import Path

from rholang_lsp.server.uris import is_under, uri_to_path


def test_a_nul_byte_names_no_file() -> None:
    assert uri_to_path("file:///%00") is None
    assert uri_to_path("file:///tmp/a%00b.rho") is None
    assert uri_to_path("file:///tmp/a.rho") == Path("/tmp/a.rho")
    assert is_under("/tmp/a\x00b", [Path("/tmp")]) is False
