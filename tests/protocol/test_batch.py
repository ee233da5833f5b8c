"""JSON-RPC bodies written outside the Endpoint: batch arrays and parse errors."""

from __future__ import annotations

import json

from rholang_lsp.protocol.batch import join_batch, parse_error


def test_join_batch_splices_arrays_and_skips_empty_ones() -> None:
    bodies = [b'{"id":1}', b' [{"id":2}, {"id":3}] ', b"[]", b'{"id":4}']
    assert json.loads(join_batch(bodies)) == [{"id": 1}, {"id": 2}, {"id": 3}, {"id": 4}]
    assert json.loads(join_batch([])) == []


def test_parse_error_is_a_jsonrpc_error_with_a_null_id() -> None:
    msg = json.loads(parse_error("Parse error: not UTF-8 \u00e9"))
    assert msg == {
        "jsonrpc": "2.0",
        "id": None,
        "error": {"code": -32700, "message": "Parse error: not UTF-8 \u00e9"},
    }
