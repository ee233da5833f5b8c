"""The node layer and the NodeProvider against the fake node: exact column mapping (UTF-16 and
UTF-8 node units, non-ASCII text), ``error`` answers, timeouts and the backoff after a failure,
evaluation."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("grpc", reason="the [node] extra is not installed")

from tests.rnode.fake_node import FakeNode  # noqa: E402

from rholang_lsp.node.address import NodeAddress, parse_address, parse_backend  # noqa: E402
from rholang_lsp.node.client import NodeClient, NodeRefused, NodeUnavailable  # noqa: E402
from rholang_lsp.server.validation import (  # noqa: E402
    BACKOFF_FIRST,
    NodeProvider,
    ProviderDown,
)
from rholang_lsp.syntax.line_index import LineIndex  # noqa: E402

# Non-BMP (2 UTF-16 units, 4 UTF-8 bytes) and Latin-1 (1 unit, 2 bytes) before the names.
TEXT = 'new x in {\n  /* \N{GRINNING FACE} é */ x!(badOne) |\n  x!("\N{GRINNING FACE}\N{GRINNING FACE}", badTwo)\n}\n'


def _address(node: FakeNode) -> NodeAddress:
    return NodeAddress("127.0.0.1", node.port)


def _expected_offsets(text: str) -> list[tuple[int, int, str]]:
    out = []
    for name in ("badOne", "badTwo"):
        start = text.index(name)
        out.append((start, start + len(name), f"Unbound variable: {name}"))
    return out


@pytest.mark.parametrize("columns", ["utf-16", "utf-8"])
async def test_node_columns_map_exactly_to_offsets(fake_node: FakeNode, columns: str) -> None:
    fake_node.columns = columns
    provider = NodeProvider(NodeClient(_address(fake_node)))
    try:
        found = await provider.diagnose(TEXT, LineIndex(TEXT), columns, timeout=5)
    finally:
        await provider.close()
    assert [(d.start, d.end, d.message) for d in found] == _expected_offsets(TEXT)
    assert {d.source for d in found} == {"rnode/rholang"}
    assert {int(d.severity) for d in found} == {1}  # node ERROR (0) -> LSP Error (1)
    assert fake_node.validated == [TEXT]


async def test_wrong_column_units_would_be_off(fake_node: FakeNode) -> None:
    """The mapping depends on the units: reading UTF-8 columns as UTF-16 lands elsewhere
    (so the test above could fail)."""
    fake_node.columns = "utf-8"
    provider = NodeProvider(NodeClient(_address(fake_node)))
    try:
        found = await provider.diagnose(TEXT, LineIndex(TEXT), "utf-16", timeout=5)
    finally:
        await provider.close()
    assert [(d.start, d.end) for d in found] != [(s, e) for s, e, _ in _expected_offsets(TEXT)]


async def test_error_answer_is_refused_not_an_outage(fake_node: FakeNode) -> None:
    fake_node.mode = "error"
    provider = NodeProvider(NodeClient(_address(fake_node)))
    try:
        with pytest.raises(NodeRefused, match="internal error"):
            await provider.diagnose("x", LineIndex("x"), "utf-16", timeout=5)
        assert provider.up and provider.outage == 0
    finally:
        await provider.close()


async def test_timeout_starts_an_outage_then_backoff_then_recovery(fake_node: FakeNode) -> None:
    fake_node.mode = "hang"
    provider = NodeProvider(NodeClient(_address(fake_node)))
    try:
        t0 = time.perf_counter()
        with pytest.raises(NodeUnavailable, match="did not answer within 0.3 s"):
            await provider.diagnose("x", LineIndex("x"), "utf-16", timeout=0.3)
        assert time.perf_counter() - t0 < 2.0
        assert not provider.up and provider.outage == 1
        # while backing off the node is not called at all
        calls = len(fake_node.validated)
        with pytest.raises(ProviderDown):
            await provider.diagnose("x", LineIndex("x"), "utf-16", timeout=0.3)
        assert len(fake_node.validated) == calls
        assert provider.retry_at - time.monotonic() <= BACKOFF_FIRST
        fake_node.mode = "ok"
        fake_node.release.set()
        provider.retry_at = time.monotonic()  # the backoff has passed
        assert await provider.diagnose("x", LineIndex("x"), "utf-16", timeout=5) == []
        assert provider.up and provider.outage == 1
    finally:
        await provider.close()


async def test_unreachable_node_and_doubling_backoff() -> None:
    node = FakeNode().start()
    address = _address(node)
    node.stop()  # nothing listens there any more
    provider = NodeProvider(NodeClient(address))
    try:
        with pytest.raises(NodeUnavailable, match="unreachable"):
            await provider.diagnose("x", LineIndex("x"), "utf-16", timeout=2)
        first = provider.retry_at - time.monotonic()
        provider.retry_at = time.monotonic()
        with pytest.raises(NodeUnavailable):
            await provider.diagnose("x", LineIndex("x"), "utf-16", timeout=2)
        second = provider.retry_at - time.monotonic()
        assert provider.outage == 1  # one outage, however many failed attempts
        assert second > first * 1.5
    finally:
        await provider.close()


async def test_evaluate_returns_the_node_output(fake_node: FakeNode) -> None:
    client = NodeClient(_address(fake_node))
    try:
        out = await client.evaluate(
            'new stdout(`rho:io:stdout`) in { stdout!("héllo \N{GRINNING FACE}") }', timeout=5
        )
    finally:
        await client.close()
    assert out == "héllo \N{GRINNING FACE}\n"


async def test_cancelling_the_caller_cancels_the_call(fake_node: FakeNode) -> None:
    fake_node.mode = "hang"
    client = NodeClient(_address(fake_node))
    try:
        task = asyncio.ensure_future(client.validate("x", timeout=30))
        while not fake_node.validated:  # the node has the request
            await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    finally:
        fake_node.release.set()
        await client.close()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("builtin", None),
        ("rust", None),
        ("grpc:localhost:40402", NodeAddress("localhost", 40402)),
        ("127.0.0.1:1234", NodeAddress("127.0.0.1", 1234)),
        ("grpc:[::1]:40402", NodeAddress("::1", 40402)),
    ],
)
def test_parse_backend(value: str, expected: NodeAddress | None) -> None:
    assert parse_backend(value) == expected


@pytest.mark.parametrize("value", ["grpc:", "grpc:host", "grpc:host:x", "host:70000", ":1"])
def test_parse_backend_rejects(value: str) -> None:
    with pytest.raises(ValueError):
        parse_backend(value)


def test_ipv6_target() -> None:
    assert parse_address("[::1]:5").target == "[::1]:5"


def test_eval_command_prints_the_node_output(fake_node: FakeNode, tmp_path: Path) -> None:
    program = tmp_path / "hello.rho"
    program.write_text('new stdout(`rho:io:stdout`) in { stdout!("héllo") | stdout!("bye") }\n')
    cmd = [sys.executable, "-m", "rholang_lsp.cli.main", "eval", str(program)]
    run = subprocess.run(
        [*cmd, "--node", f"grpc:{fake_node.address}"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout == "héllo\nbye\n"
    assert fake_node.evaluated == [program.read_text()]
    fake_node.stop()
    gone = subprocess.run(
        [*cmd, "--node", fake_node.address, "--timeout", "5"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert gone.returncode == 1 and "unreachable" in gone.stderr, gone.stderr
    bad = subprocess.run([*cmd, "--node", "nowhere"], capture_output=True, text=True, timeout=30)
    assert bad.returncode == 2 and "--node" in bad.stderr
