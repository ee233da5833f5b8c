"""One server, several connections, each with its own validator (``rholang.validator``): the
connection that names the node gets its verdict, the one that does not never reaches the node,
and two connections naming the same node share one provider (one gRPC channel). In process,
over memory transports, against the fake node."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

pytest.importorskip("grpc", reason="the [node] extra is not installed")

from tests.rnode.fake_node import FakeNode  # noqa: E402

from rholang_lsp.protocol.client import JsonRpcClient  # noqa: E402
from rholang_lsp.server.server import Server, ServerOptions  # noqa: E402

URI = "file:///w/a.rho"
TEXT = "new x in { x!(badName) }"
PUBLISH = "textDocument/publishDiagnostics"


@pytest.fixture
async def server_and_connect(
    memory_pair: Callable[[], Any],
) -> AsyncIterator[tuple[Server, Callable[..., Any]]]:
    made: list[tuple[JsonRpcClient, asyncio.Task[None]]] = []
    server = Server(ServerOptions(diagnostics_debounce=0.0))

    async def make(init_options: Any = None) -> JsonRpcClient:
        client_t, server_t = memory_pair()
        task = asyncio.create_task(server.serve(server_t))
        client = JsonRpcClient(client_t)
        made.append((client, task))
        params: dict[str, Any] = {"capabilities": {}}
        if init_options is not None:
            params["initializationOptions"] = init_options
        await client.request("initialize", params)
        client.notify("initialized", {})
        return client

    yield server, make
    for client, _ in made:
        await client.close()
    await server.aclose()
    for _, task in made:
        await asyncio.wait_for(task, 5)


def sources(params: dict[str, Any]) -> list[str]:
    return [d.get("source", "") for d in params["diagnostics"]]


async def test_each_connection_its_validator_one_channel_per_node(
    fake_node: FakeNode, server_and_connect: tuple[Server, Callable[..., Any]]
) -> None:
    server, connect = server_and_connect
    settings = {"rholang": {"validator": {"backend": f"grpc:{fake_node.address}", "mode": "merge"}}}
    builtin = await connect()
    with_node = await connect(settings)
    with_node_too = await connect(settings)

    def open_doc(c: JsonRpcClient) -> None:
        c.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": URI, "languageId": "rholang", "version": 1, "text": TEXT}},
        )

    # the built-in connection first: a node call of its own would reach the node before
    # those of the other two, so it would be counted below
    open_doc(builtin)
    params = await builtin.wait_notification(PUBLISH, lambda p: p.get("version") == 1)
    assert sources(params) == ["rholang-semantic"]
    for c in (with_node, with_node_too):
        open_doc(c)
    for c in (with_node, with_node_too):
        params = await c.wait_notification(
            PUBLISH, lambda p: any(s.startswith("rnode") for s in sources(p)), timeout=10
        )
        assert sorted(sources(params)) == ["rholang-semantic", "rnode/rholang"]
    assert len(fake_node.validated) == 2  # one per node connection, none for the built-in one
    assert len(server.node_providers) == 1
    # the node calls are in the server's metrics (rholang/metrics, Prometheus)
    assert server.metrics is not None
    stats = dict(server.metrics.request_stats())
    assert stats["node:lsp.Lsp/Validate"].hist.count == 2
    assert stats["node:lsp.Lsp/Validate"].ok == 2
    assert not any(
        any(s.startswith("rnode") for s in sources(p))
        for m, p in builtin.notifications
        if m == PUBLISH
    )


async def test_a_hanging_node_blocks_no_other_connection(
    fake_node: FakeNode, server_and_connect: tuple[Server, Callable[..., Any]]
) -> None:
    """The node holds one connection's Validate call; another connection on the same
    server (same event loop) is served at once: diagnostics and requests."""
    server, connect = server_and_connect
    fake_node.mode = "hang"
    settings = {"rholang": {"validator": {"backend": f"grpc:{fake_node.address}", "timeout": 30}}}
    waiting = await connect(settings)
    other = await connect()
    waiting.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": URI, "languageId": "rholang", "version": 1, "text": TEXT}},
    )
    while not fake_node.validated:  # the node holds the call now (a thread of the fake)
        await asyncio.sleep(0.01)
    other_uri = "file:///w/b.rho"
    t0 = time.perf_counter()
    other.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": other_uri, "languageId": "rholang", "version": 1, "text": TEXT}},
    )
    await other.wait_notification(PUBLISH, lambda p: p.get("uri") == other_uri, timeout=5)
    published = time.perf_counter() - t0
    latencies = []
    for _ in range(10):
        t1 = time.perf_counter()
        await other.request("textDocument/documentSymbol", {"textDocument": {"uri": other_uri}})
        latencies.append(time.perf_counter() - t1)
    assert published < 2.0 and max(latencies) < 1.0, (published, latencies)
    # the held call has not produced anything from the node for the first connection
    assert not any(
        any(s.startswith("rnode") for s in sources(p))
        for m, p in waiting.notifications
        if m == PUBLISH
    )
    fake_node.release.set()
