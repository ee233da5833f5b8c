"""The JSON-RPC endpoint over an in-memory transport: error codes, batches, cancellation."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from msgspec import Raw

from rholang_lsp.protocol.endpoint import Endpoint
from rholang_lsp.protocol.messages import METHOD_NOT_FOUND, ResponseError

JSON = Any


class Dispatcher:
    def __init__(self) -> None:
        self.notes: list[tuple[str, JSON]] = []
        self.started = asyncio.Event()

    def dispatch_request(self, method: str, params: Raw, request_id: Any) -> Any:
        p = msgspec.json.decode(params) if params else None
        if method == "echo":
            return p
        if method == "boom":
            raise ValueError("kaboom")
        if method == "sleep":
            return self._sleep(float(p or 0))
        if method == "fail":
            raise ResponseError(-32099, "custom")
        raise ResponseError(METHOD_NOT_FOUND, f"no {method}")

    async def _sleep(self, seconds: float) -> str:
        self.started.set()
        await asyncio.sleep(seconds)
        return "done"

    def dispatch_notification(self, method: str, params: Raw) -> None:
        self.notes.append((method, msgspec.json.decode(params) if params else None))


class Harness:
    def __init__(self, client: Any, endpoint: Endpoint, dispatcher: Dispatcher) -> None:
        self.client = client
        self.endpoint = endpoint
        self.dispatcher = dispatcher

    def send(self, obj: JSON | bytes) -> None:
        body = obj if isinstance(obj, bytes) else json.dumps(obj).encode()
        self.client.send(body)

    async def recv(self) -> JSON:
        body = await asyncio.wait_for(self.client.read_message(), 5)
        assert body is not None
        return json.loads(body)


@pytest.fixture
async def h(memory_pair: Callable[[], Any]) -> AsyncIterator[Harness]:
    client, server = memory_pair()
    d = Dispatcher()
    ep = Endpoint(server, d)
    task = asyncio.create_task(ep.run())
    yield Harness(client, ep, d)
    ep.stop()
    await asyncio.wait_for(task, 5)


async def test_malformed_json_then_valid_request(h: Harness) -> None:
    h.send(b'{"jsonrpc": "2.0", "id": 1, "method": ')
    assert (await h.recv())["error"]["code"] == -32700
    h.send({"jsonrpc": "2.0", "id": 2, "method": "echo", "params": [1]})
    assert await h.recv() == {"jsonrpc": "2.0", "id": 2, "result": [1]}


async def test_non_utf8_body_is_parse_error(h: Harness) -> None:
    h.send(b'{"jsonrpc":"2.0","id":1,"method":"echo","params":"\xff\xfe"}')
    reply = await h.recv()
    assert reply["error"]["code"] == -32700 and reply["id"] is None


@pytest.mark.parametrize(
    "msg",
    [
        {"jsonrpc": "2.0", "id": 3},
        {"jsonrpc": "2.0", "id": 3, "method": 7},
        {"jsonrpc": "1.0", "id": 3, "method": "echo"},
        42,
        "x",
    ],
)
async def test_invalid_request(h: Harness, msg: JSON) -> None:
    h.send(msg)
    assert (await h.recv())["error"]["code"] == -32600


async def test_error_mapping(h: Harness) -> None:
    h.send({"jsonrpc": "2.0", "id": 1, "method": "nope"})
    assert (await h.recv())["error"]["code"] == -32601
    h.send({"jsonrpc": "2.0", "id": 2, "method": "boom"})
    reply = await h.recv()
    assert reply["error"]["code"] == -32603 and "kaboom" in reply["error"]["message"]
    h.send({"jsonrpc": "2.0", "id": 3, "method": "fail"})
    assert (await h.recv())["error"] == {"code": -32099, "message": "custom"}
    h.send({"jsonrpc": "2.0", "id": "s", "method": "echo", "params": {"k": None}})
    assert await h.recv() == {"jsonrpc": "2.0", "id": "s", "result": {"k": None}}


async def test_batch_answered_as_array(h: Harness) -> None:
    h.send(
        [
            {"jsonrpc": "2.0", "id": 1, "method": "echo", "params": 1},
            {"jsonrpc": "2.0", "method": "note", "params": 5},
            {"jsonrpc": "2.0", "id": 2, "method": "sleep", "params": 0.01},
            {"jsonrpc": "2.0", "id": 3, "method": "nope"},
            17,
        ]
    )
    reply = await h.recv()
    assert [r.get("id") for r in reply] == [1, 2, 3, None]
    assert reply[0]["result"] == 1 and reply[1]["result"] == "done"
    assert reply[2]["error"]["code"] == -32601 and reply[3]["error"]["code"] == -32600
    assert h.dispatcher.notes == [("note", 5)]
    h.send(b"[]")
    assert (await h.recv())["error"]["code"] == -32600


async def test_cancel_request_answers_32800(h: Harness) -> None:
    h.send({"jsonrpc": "2.0", "id": 9, "method": "sleep", "params": 30})
    await asyncio.wait_for(h.dispatcher.started.wait(), 5)
    h.send({"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": 9}})
    reply = await h.recv()
    assert reply["id"] == 9 and reply["error"]["code"] == -32800
    assert h.endpoint.pending_requests == 0


async def test_cancel_before_start(h: Harness) -> None:
    h.send(
        [
            {"jsonrpc": "2.0", "id": 4, "method": "sleep", "params": 30},
            {"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": 4}},
        ]
    )
    reply = await h.recv()
    assert reply == [
        {"jsonrpc": "2.0", "id": 4, "error": {"code": -32800, "message": "request cancelled"}}
    ]


async def test_outgoing_request_result_error_and_timeout(h: Harness) -> None:
    task = asyncio.create_task(h.endpoint.request("client/ask", {"q": 1}, timeout=5))
    req = await h.recv()
    assert req["method"] == "client/ask" and req["params"] == {"q": 1}
    h.send({"jsonrpc": "2.0", "id": req["id"], "result": {"a": 2}})
    assert await task == {"a": 2}

    task = asyncio.create_task(h.endpoint.request("client/ask"))
    req = await h.recv()
    h.send({"jsonrpc": "2.0", "id": req["id"], "error": {"code": -32601, "message": "no"}})
    with pytest.raises(ResponseError) as err:
        await task
    assert err.value.code == -32601

    with pytest.raises(TimeoutError):
        await h.endpoint.request("client/slow", timeout=0.05)
    req = await h.recv()
    cancel = await h.recv()
    assert cancel == {"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": req["id"]}}


async def test_notify_and_unknown_response(h: Harness) -> None:
    h.send({"jsonrpc": "2.0", "id": 12345, "result": None})  # unknown id: logged, ignored
    h.endpoint.notify("window/logMessage", {"type": 3, "message": "hi"})
    assert await h.recv() == {
        "jsonrpc": "2.0",
        "method": "window/logMessage",
        "params": {"type": 3, "message": "hi"},
    }


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(["id", "method", "params", "jsonrpc", "result", "error", "x"]),
            children,
            max_size=5,
        )
    ),
    max_leaves=12,
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=st.one_of(json_values.map(lambda v: json.dumps(v).encode()), st.binary(max_size=64)))
async def test_random_input_never_crashes(memory_pair: Callable[[], Any], body: bytes) -> None:
    client, server = memory_pair()
    ep = Endpoint(server, Dispatcher())
    ep.handle_body(body)  # must not raise
    # afterwards the endpoint still answers
    ep.handle_body(b'{"jsonrpc":"2.0","id":"probe","method":"echo","params":1}')
    replies = []
    while not server.peer_inbox.empty():
        item = server.peer_inbox.get_nowait()
        assert item is not None
        replies.append(json.loads(item))
    assert {"jsonrpc": "2.0", "id": "probe", "result": 1} in replies
    await ep._shutdown()


# ---------------------------------------------------------------- every request answered once
async def test_body_nested_thousands_deep_gets_parse_error_then_service_goes_on(
    h: Harness,
) -> None:
    deep = b"[" * 5000 + b"]" * 5000
    h.send(b'{"jsonrpc": "2.0", "id": 1, "method": "echo", "params": ' + deep + b"}")
    reply = await h.recv()
    assert reply["id"] is None and reply["error"]["code"] == -32700
    assert "nested too deeply" in reply["error"]["message"]
    h.send(b"[" + deep + b"]")  # a batch whose item is too deep
    reply = await h.recv()
    assert (
        reply[0]["error"]["code"] == -32700
        if isinstance(reply, list)
        else (reply["error"]["code"] == -32700)
    )
    h.send({"jsonrpc": "2.0", "id": 2, "method": "echo", "params": [1]})
    assert await h.recv() == {"jsonrpc": "2.0", "id": 2, "result": [1]}


async def test_result_too_deep_to_encode_is_answered_with_internal_error(h: Harness) -> None:
    nested: list[Any] = []
    for _ in range(5000):
        nested = [nested]
    h.send({"jsonrpc": "2.0", "id": 7, "method": "echo", "params": 0})
    assert (await h.recv())["result"] == 0
    original = h.dispatcher.dispatch_request

    def deep(method: str, params: Raw, request_id: Any) -> Any:
        return nested if method == "deep" else original(method, params, request_id)

    h.dispatcher.dispatch_request = deep  # type: ignore[method-assign]
    h.send({"jsonrpc": "2.0", "id": 8, "method": "deep"})
    reply = await h.recv()
    assert reply["id"] == 8 and reply["error"]["code"] == -32603
    assert "RecursionError" in reply["error"]["message"]


async def test_memory_error_while_encoding_is_answered_with_internal_error(h: Harness) -> None:
    real = h.endpoint._encoder

    class Exhausted:
        calls = 0

        def encode(self, obj: Any) -> bytes:
            Exhausted.calls += 1
            if Exhausted.calls == 1:
                raise MemoryError("out of memory")
            return real.encode(obj)

    h.endpoint._encoder = Exhausted()  # type: ignore[assignment]
    h.send({"jsonrpc": "2.0", "id": 3, "method": "echo", "params": [1, 2]})
    reply = await h.recv()
    assert reply["id"] == 3 and reply["error"]["code"] == -32603
    assert "MemoryError" in reply["error"]["message"]
    h.send({"jsonrpc": "2.0", "id": 4, "method": "echo", "params": [1]})
    assert await h.recv() == {"jsonrpc": "2.0", "id": 4, "result": [1]}


async def test_oversized_batch_is_refused_whole(h: Harness) -> None:
    from rholang_lsp.protocol.endpoint import MAX_BATCH

    batch = [{"jsonrpc": "2.0", "method": "note"}] * (MAX_BATCH + 1)
    h.send(batch)
    reply = await h.recv()
    assert reply["error"]["code"] == -32600 and str(MAX_BATCH) in reply["error"]["message"]
    assert h.dispatcher.notes == []


async def test_a_connection_pipelining_without_bound_is_read_no_further(h: Harness) -> None:
    from rholang_lsp.protocol.endpoint import MAX_PENDING

    release = asyncio.Event()
    original = h.dispatcher.dispatch_request

    async def hold() -> str:
        await release.wait()
        return "released"

    def held(method: str, params: Raw, request_id: Any) -> Any:
        return hold() if method == "hold" else original(method, params, request_id)

    h.dispatcher.dispatch_request = held  # type: ignore[method-assign]
    n = MAX_PENDING + 40
    for i in range(n):
        h.send({"jsonrpc": "2.0", "id": i, "method": "hold"})
    while h.endpoint.pending_requests < MAX_PENDING:
        await asyncio.sleep(0.001)  # none can finish before the release
    for _ in range(50):
        await asyncio.sleep(0)
    assert h.endpoint.pending_requests == MAX_PENDING  # the rest wait in the transport
    release.set()
    ids = {(await h.recv())["id"] for _ in range(n)}
    assert ids == set(range(n))  # every one answered, once


async def test_a_large_batch_of_tiny_items_is_refused_before_decoding(h: Harness) -> None:
    from rholang_lsp.protocol.endpoint import MAX_BATCH_BYTES

    body = b"[" + b",".join([b"[]"] * (MAX_BATCH_BYTES // 3 + 10)) + b"]"
    h.send(body)
    reply = await h.recv()
    assert reply["id"] is None and reply["error"]["code"] == -32600
    assert "batch of" in reply["error"]["message"]
    h.send({"jsonrpc": "2.0", "id": 5, "method": "echo", "params": 1})
    assert (await h.recv())["result"] == 1


async def test_batch_with_one_unencodable_result_answers_the_others(h: Harness) -> None:
    nested: list[Any] = []
    for _ in range(5000):
        nested = [nested]
    original = h.dispatcher.dispatch_request

    def deep(method: str, params: Raw, request_id: Any) -> Any:
        return nested if method == "deep" else original(method, params, request_id)

    h.dispatcher.dispatch_request = deep  # type: ignore[method-assign]
    h.send(
        [
            {"jsonrpc": "2.0", "id": 1, "method": "echo", "params": 1},
            {"jsonrpc": "2.0", "id": 2, "method": "deep"},
            {"jsonrpc": "2.0", "id": 3, "method": "echo", "params": [3]},
        ]
    )
    reply = await h.recv()
    assert [r["id"] for r in reply] == [1, 2, 3]
    assert reply[0]["result"] == 1 and reply[2]["result"] == [3]
    assert reply[1]["error"]["code"] == -32603 and "RecursionError" in reply[1]["error"]["message"]


async def test_batch_of_valid_messages_and_one_invalid_item(h: Harness) -> None:
    """The whole-batch decode fails on the invalid item: each item is then decoded alone."""
    h.send(
        [
            {"jsonrpc": "2.0", "id": 1, "method": "echo", "params": "a"},
            {"jsonrpc": "2.0", "id": 2, "method": 7},
            {"jsonrpc": "2.0", "id": 3, "method": "echo", "params": "c"},
        ]
    )
    reply = await h.recv()
    assert [r["id"] for r in reply] == [1, 2, 3]
    assert reply[0]["result"] == "a" and reply[2]["result"] == "c"
    assert reply[1]["error"]["code"] == -32600


async def test_inline_answers_are_observed_once_each(h: Harness) -> None:
    one: list[tuple[str, str]] = []
    many: list[tuple[str, int]] = []
    h.endpoint.request_observer = lambda m, s, outcome: one.append((m, outcome))
    h.endpoint.requests_observer = lambda m, seconds: many.append((m, len(seconds)))
    batch = [{"jsonrpc": "2.0", "id": i, "method": "echo", "params": i} for i in range(5)]
    h.send(batch)
    assert len(await h.recv()) == 5
    assert many == [("echo", 5)] and one == []
    # errors go one by one
    h.send(batch[:2] + [{"jsonrpc": "2.0", "id": 9, "method": "fail"}])
    assert len(await h.recv()) == 3
    assert many == [("echo", 5), ("echo", 2)] and one == [("fail", "error")]
    # several methods in one body: one by one
    original = h.dispatcher.dispatch_request
    h.dispatcher.dispatch_request = lambda m, p, i: original("echo", p, i)  # type: ignore[method-assign]
    one.clear()
    many.clear()
    h.send(batch[:1] + [{"jsonrpc": "2.0", "id": 7, "method": "other"}])
    assert len(await h.recv()) == 2
    assert one == [("echo", "ok"), ("other", "ok")] and many == []
    # without the batch observer every request goes to the single one
    one.clear()
    h.endpoint.requests_observer = None
    h.send(batch)
    assert len(await h.recv()) == 5
    assert one == [("echo", "ok")] * 5 and many == []
    # and with neither, nothing is recorded
    h.endpoint.request_observer = None
    one.clear()
    h.send(batch)
    assert len(await h.recv()) == 5
    assert one == [] and many == []
