"""End-to-end tests of the WebSocket transport with the websockets client
library, against a fake server exposing ``serve(transport)``."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, ConnectionClosedError, InvalidStatus
from websockets.typing import Subprotocol

from rholang_lsp.metrics import Metrics
from rholang_lsp.protocol.transport import MessageTransport, TransportClosed
from rholang_lsp.transports.websocket import (
    Framing,
    WebSocketOptions,
    WebSocketServer,
    WebSocketTransport,
    origin_allowed,
)
from rholang_lsp.transports.ws_framing import ContentLengthDecoder, encode_header

pytestmark = pytest.mark.timeout(30)

# ------------------------------------------------------------------ fakes and helpers


class FakeServer:
    """A stand-in for ``rholang_lsp.server.Server``: same ``serve(transport)``.

    Requests (``id`` + ``method``):
    * ``echo``: result = params (flush=True).
    * ``len``: result = length in bytes of the raw request body.
    * ``flood``: sends ``count`` notifications of about ``size`` bytes
      (flush=False), then answers ``{"sent": n}`` unless ``"silent"``.
    * ``notify_one``: sends one notification (flush=False), no answer.
    Batches (arrays): one notification ``batch/seen`` (flush=False) then the
    array of answers (flush=True). Invalid JSON -> -32700.
    """

    def __init__(self) -> None:
        self.sessions = 0
        self.ended = 0
        self.session_ended = asyncio.Event()
        self.flood_done = asyncio.Event()
        self.received: list[bytes] = []
        self.transports: list[MessageTransport] = []

    async def serve(self, transport: MessageTransport) -> None:
        self.sessions += 1
        self.transports.append(transport)
        try:
            while True:
                body = await transport.read_message()
                if body is None:
                    return
                self.received.append(body)
                try:
                    msg = json.loads(body)
                except ValueError:
                    transport.send(
                        b'{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}}',
                        flush=True,
                    )
                    continue
                if isinstance(msg, list):
                    transport.send(_notif("batch/seen", {"n": len(msg)}))
                    answers = [self._answer(m, body) for m in msg]
                    transport.send(json.dumps([a for a in answers if a]).encode(), flush=True)
                    continue
                await self._handle(transport, msg, body)
        except TransportClosed:
            return
        finally:
            self.ended += 1
            self.session_ended.set()

    def _answer(self, msg: dict[str, Any], body: bytes) -> dict[str, Any] | None:
        if "id" not in msg:
            return None
        method = msg.get("method")
        if method == "len":
            return {"jsonrpc": "2.0", "id": msg["id"], "result": len(body)}
        return {"jsonrpc": "2.0", "id": msg["id"], "result": msg.get("params")}

    async def _handle(self, transport: MessageTransport, msg: dict[str, Any], body: bytes) -> None:
        method = msg.get("method")
        params = msg.get("params") or {}
        if method == "flood":
            count = int(params.get("count", 10))
            size = int(params.get("size", 200))
            filler = "x" * max(0, size - 80)
            for i in range(count):
                transport.send(_notif("test/flood", {"i": i, "text": filler}))
                if i % 64 == 63:
                    await asyncio.sleep(0)  # let the writer run, as a real server would
            self.flood_done.set()
            if not params.get("silent"):
                transport.send(_result(msg["id"], {"sent": count}), flush=True)
            return
        if method == "notify_one":
            transport.send(_notif("test/one", {}))
            return
        if "id" in msg:
            answer = self._answer(msg, body)
            transport.send(json.dumps(answer).encode(), flush=True)


def _notif(method: str, params: dict[str, Any]) -> bytes:
    return json.dumps({"jsonrpc": "2.0", "method": method, "params": params}).encode()


def _result(id_: Any, result: Any) -> bytes:
    return json.dumps({"jsonrpc": "2.0", "id": id_, "result": result}).encode()


def request(id_: int, method: str, params: Any = None) -> str:
    return json.dumps({"jsonrpc": "2.0", "id": id_, "method": method, "params": params})


def lsp_frame(body: str | bytes) -> bytes:
    raw = body.encode() if isinstance(body, str) else body
    return encode_header(len(raw)) + raw


class StreamReader:
    """Client side of stream mode: frames in, messages out."""

    def __init__(self) -> None:
        self.decoder = ContentLengthDecoder(1 << 30)
        self.frames = 0

    async def next(self, ws: Any) -> dict[str, Any]:
        while True:
            body = self.decoder.next_message()
            if body is not None:
                result: dict[str, Any] = json.loads(body)
                return result
            data = await ws.recv()
            assert isinstance(data, bytes), "stream mode must answer in binary frames"
            self.frames += 1
            self.decoder.feed(data)


@contextlib.asynccontextmanager
async def running(
    options: WebSocketOptions | None = None, fake: FakeServer | None = None
) -> AsyncIterator[tuple[WebSocketServer, FakeServer, str]]:
    fake = fake or FakeServer()
    opts = options or WebSocketOptions()
    async with WebSocketServer(fake, opts) as srv:
        yield srv, fake, srv.url


async def recv_json(ws: ClientConnection, *, timeout: float = 5.0) -> Any:
    async with asyncio.timeout(timeout):
        data = await ws.recv()
    assert isinstance(data, str), "JSON mode must answer in TEXT frames"
    return json.loads(data)


async def until_response(ws: ClientConnection, id_: int) -> tuple[list[Any], Any]:
    """Frames received until the response with ``id_`` (batch-aware)."""
    frames: list[Any] = []
    while True:
        frame = await recv_json(ws)
        frames.append(frame)
        for msg in frame if isinstance(frame, list) else [frame]:
            if msg.get("id") == id_:
                return frames, msg


def server_transport(srv: WebSocketServer) -> WebSocketTransport:
    assert len(srv.transports) == 1
    return next(iter(srv.transports))


# ------------------------------------------------------------------ JSON mode


async def test_json_mode_one_message_per_text_frame() -> None:
    async with running() as (srv, fake, url), connect(url) as ws:
        await ws.send(request(1, "echo", {"a": 1}))
        assert await recv_json(ws) == {"jsonrpc": "2.0", "id": 1, "result": {"a": 1}}
        await ws.send(request(2, "flood", {"count": 5, "size": 100}))
        frames, resp = await until_response(ws, 2)
        assert resp["result"] == {"sent": 5}
        assert len(frames) == 6 and all(isinstance(f, dict) for f in frames)
        t = server_transport(srv)
        assert t.framing is Framing.JSON and not t.batching
        assert t.messages_per_frame == {1: t.frames_sent}


async def test_json_binary_frames_from_client_answered_in_text() -> None:
    async with running() as (srv, _, url), connect(url) as ws:
        await ws.send(request(1, "echo", "bin").encode())  # bytes -> binary frame
        assert (await recv_json(ws))["result"] == "bin"
        assert server_transport(srv).framing is Framing.JSON


async def test_malformed_input_never_kills_the_connection() -> None:
    async with running() as (_, fake, url), connect(url) as ws:
        await ws.send("{not json")
        assert (await recv_json(ws))["error"]["code"] == -32700  # forwarded to the endpoint
        await ws.send(b'{"jsonrpc":"2.0","id":9,"method":"echo","params":"\xff\xfe"}', text=True)
        err = await recv_json(ws)  # invalid UTF-8 in a text frame: answered by the transport
        assert err["error"]["code"] == -32700 and err["id"] is None
        await ws.send("")  # empty frame: skipped
        await ws.send(request(3, "echo", "still alive"))
        assert (await recv_json(ws))["result"] == "still alive"
        assert all(b"\xff" not in b for b in fake.received)


# ------------------------------------------------------------------ stream mode


async def test_stream_mode_split_and_coalesced() -> None:
    async with running() as (srv, _, url), connect(url) as ws:
        body = request(1, "echo", {"x": "y"}).encode()
        frame = lsp_frame(body)
        # header and body in separate binary frames, the body itself split
        await ws.send(frame[: len(frame) - len(body)])
        await ws.send(body[:10])
        await ws.send(body[10:])
        reader = StreamReader()
        assert (await reader.next(ws))["result"] == {"x": "y"}
        # two messages and the start of a third in one frame, then the rest
        third = lsp_frame(request(4, "echo", 4))
        await ws.send(
            lsp_frame(request(2, "echo", 2)) + lsp_frame(request(3, "echo", 3)) + third[:7]
        )
        await ws.send(third[7:])
        got = [(await reader.next(ws))["result"] for _ in range(3)]
        assert got == [2, 3, 4]
        t = server_transport(srv)
        assert t.framing is Framing.STREAM and t.batching


async def test_stream_mode_detected_from_text_content_length() -> None:
    async with running() as (srv, _, url), connect(url) as ws:
        await ws.send(lsp_frame(request(1, "echo", "t")).decode())  # TEXT frame
        assert (await StreamReader().next(ws))["result"] == "t"
        assert server_transport(srv).framing is Framing.STREAM


async def test_stream_mode_subprotocol_and_output_coalescing() -> None:
    async with (
        running() as (srv, _, url),
        connect(url, subprotocols=[Subprotocol("lsp-stream")]) as ws,
    ):
        assert ws.subprotocol == "lsp-stream"
        await ws.send(lsp_frame(request(1, "flood", {"count": 200, "size": 200})))
        reader = StreamReader()
        results = [await reader.next(ws) for _ in range(201)]
        assert results[-1]["result"] == {"sent": 200}
        assert reader.frames < 201 / 4, reader.frames  # 16 KiB frames of ~200 B messages


async def test_stream_mode_bad_header_closes_only_that_connection() -> None:
    async with running() as (_, _, url):
        async with connect(url) as ws:
            await ws.send(b"Content-Length: banana\r\n\r\n{}")
            with pytest.raises(ConnectionClosed):
                await asyncio.wait_for(ws.recv(), 5)
            assert ws.close_code == 1007
        async with connect(url) as ws2:
            await ws2.send(request(1, "echo", 1))
            assert (await recv_json(ws2))["result"] == 1


# ------------------------------------------------------------------ batching


async def test_batching_opt_in_arrays_and_immediate_responses() -> None:
    opts = WebSocketOptions(batch_flush_delay=0.5)  # long delay: proves flush=True bypasses it
    async with (
        running(opts) as (srv, _, url),
        connect(url, subprotocols=[Subprotocol("lsp-batch")]) as ws,
    ):
        assert ws.subprotocol == "lsp-batch"
        t0 = time.monotonic()
        await ws.send(request(1, "echo", "fast"))
        assert (await recv_json(ws))["result"] == "fast"
        assert time.monotonic() - t0 < 0.25  # a response is flushed at once

        await ws.send(request(2, "flood", {"count": 300, "size": 200}))
        frames, resp = await until_response(ws, 2)
        assert resp["result"] == {"sent": 300}
        assert sum(len(f) if isinstance(f, list) else 1 for f in frames) == 301
        assert any(isinstance(f, list) and len(f) > 1 for f in frames)
        assert len(frames) < 30
        assert all(len(json.dumps(f)) <= 16 * 1024 + 512 for f in frames)

        # a lone notification waits for the batch window, but no longer
        t0 = time.monotonic()
        await ws.send(request(3, "notify_one"))
        note = await recv_json(ws, timeout=5)
        waited = time.monotonic() - t0
        assert note["method"] == "test/one"
        assert 0.45 <= waited < 3.0

        # a batch response is spliced into the frame's array, never nested
        await ws.send(
            json.dumps([json.loads(request(4, "echo", 4)), json.loads(request(5, "echo", 5))])
        )
        frame = await recv_json(ws)
        assert isinstance(frame, list)
        assert [m.get("method") or m["result"] for m in frame] == ["batch/seen", 4, 5]


async def test_batching_flushes_at_size_before_the_delay() -> None:
    opts = WebSocketOptions(batch_flush_delay=10.0)
    async with (
        running(opts) as (_, _, url),
        connect(url, subprotocols=[Subprotocol("lsp-batch")]) as ws,
    ):
        await ws.send(request(1, "flood", {"count": 200, "size": 200, "silent": True}))
        first = await recv_json(ws, timeout=5)  # well before the 10 s delay
        assert isinstance(first, list) and len(first) > 50


async def test_without_batching_no_delay() -> None:
    opts = WebSocketOptions(batch_flush_delay=10.0)
    async with running(opts) as (_, _, url), connect(url) as ws:
        await ws.send(request(1, "notify_one"))
        assert (await recv_json(ws, timeout=5))["method"] == "test/one"


# ------------------------------------------------------------------ compression


@pytest.mark.parametrize("server_on", [True, False])
async def test_compression_negotiation(server_on: bool) -> None:
    opts = WebSocketOptions(compression=server_on, compression_threshold=1024)
    async with running(opts) as (srv, _, url), connect(url) as ws:
        assert ws.response is not None
        header = ws.response.headers.get("Sec-WebSocket-Extensions") or ""
        assert ("permessage-deflate" in header) is server_on
        assert bool(ws.protocol.extensions) is server_on
        big = "abc " * 5000
        await ws.send(request(1, "echo", "small"))
        assert (await recv_json(ws))["result"] == "small"
        await ws.send(request(2, "echo", big))
        assert (await recv_json(ws))["result"] == big
        stats = server_transport(srv).compression_stats()
        if server_on:
            assert stats is not None
            assert stats["out_frames_plain"] == 1 and stats["out_frames_compressed"] == 1
            assert stats["out_bytes_wire"] < stats["out_bytes_raw"] / 5
        else:
            assert stats is None


async def test_client_without_compression() -> None:
    async with running() as (srv, _, url), connect(url, compression=None) as ws:
        await ws.send(request(1, "echo", "x" * 5000))
        assert (await recv_json(ws))["result"] == "x" * 5000
        assert server_transport(srv).compression_stats() is None


# ------------------------------------------------------------------ security


async def test_origin_rules() -> None:
    assert origin_allowed("http://localhost:3000")
    assert origin_allowed("https://127.0.0.1")
    assert origin_allowed("http://[::1]:8080/")
    assert not origin_allowed("http://localhost.evil.com")
    assert not origin_allowed("https://evil.example")
    assert not origin_allowed("null")
    assert not origin_allowed("vscode-webview://abc")
    assert origin_allowed("vscode-webview://abc", ["vscode-webview://*"])
    assert origin_allowed("https://IDE.example.com/", ["https://ide.example.com"])
    assert not origin_allowed("http://localhost:99999")


async def test_foreign_origin_refused_403_loopback_and_listed_allowed() -> None:
    opts = WebSocketOptions(allowed_origins=("https://ide.example.com",))
    async with running(opts) as (srv, fake, url):
        with pytest.raises(InvalidStatus) as info:
            async with connect(url, origin="https://evil.example"):  # type: ignore[arg-type]
                pass
        assert info.value.response.status_code == 403
        for origin in ("http://localhost:5173", "https://ide.example.com"):
            async with connect(url, origin=origin) as ws:  # type: ignore[arg-type]
                await ws.send(request(1, "echo", origin))
                assert (await recv_json(ws))["result"] == origin
        assert srv.handshakes_refused == 1


async def test_token_auth() -> None:
    opts = WebSocketOptions(auth_token="s3cret")
    async with running(opts) as (srv, fake, url):
        for bad in (url, url + "/?token=wrong"):
            with pytest.raises(InvalidStatus) as info:
                async with connect(bad):
                    pass
            assert info.value.response.status_code == 401
        with pytest.raises(InvalidStatus) as info:
            async with connect(url, additional_headers={"Authorization": "Bearer nope"}):
                pass
        assert info.value.response.status_code == 401
        async with connect(url + "/?token=s3cret") as ws:
            await ws.send(request(1, "echo", "q"))
            assert (await recv_json(ws))["result"] == "q"
        async with connect(url, additional_headers={"Authorization": "Bearer s3cret"}) as ws:
            await ws.send(request(1, "echo", "h"))
            assert (await recv_json(ws))["result"] == "h"
        assert fake.sessions == 2


# ------------------------------------------------------------------ limits


async def test_ten_megabyte_did_open_accepted() -> None:
    # over the default limit (4 MiB): accepted when --max-message-bytes allows it
    text = ("contract foo(x) = { x!(1) }\n" * 400_000)[:10_000_000]
    big = WebSocketOptions(max_message_size=16 << 20)
    async with running(big) as (_, fake, url), connect(url, max_size=None) as ws:
        msg = request(1, "len", {"textDocument": {"uri": "file:///big.rho", "text": text}})
        await ws.send(msg)
        assert (await recv_json(ws, timeout=20))["result"] == len(msg)
    async with running(big) as (_, _, url), connect(url, max_size=None) as ws:
        await ws.send(lsp_frame(msg))  # the same in stream mode
        assert (await StreamReader().next(ws))["result"] == len(msg)


async def test_over_limit_closes_1009() -> None:
    opts = WebSocketOptions(max_message_size=1 << 20)
    async with running(opts) as (_, fake, url):
        async with connect(url, max_size=None) as ws:
            await ws.send(request(1, "echo", "x" * (2 << 20)))
            with pytest.raises(ConnectionClosedError):
                await asyncio.wait_for(ws.recv(), 5)
            assert ws.close_code == 1009
            assert ws.close_reason and "exceeds limit" in ws.close_reason
        async with connect(url) as ws:  # stream mode: the Content-Length is checked
            await ws.send(b"Content-Length: 5000000\r\n\r\n")
            with pytest.raises(ConnectionClosedError):
                await asyncio.wait_for(ws.recv(), 5)
            assert ws.close_code == 1009
            assert ws.close_reason and "too big" in ws.close_reason
        async with connect(url) as ws:  # the server is still up
            await ws.send(request(2, "echo", 2))
            assert (await recv_json(ws))["result"] == 2


# ------------------------------------------------------------------ backpressure


async def test_slow_reader_stops_being_read_then_resumes() -> None:
    opts = WebSocketOptions(outbound_high_water=256 * 1024, outbound_limit=256 << 20)
    async with (
        running(opts) as (srv, fake, url),
        connect(url, max_queue=4, compression=None) as ws,
    ):
        # 16 MB of notifications, more than the kernel buffers hold
        await ws.send(request(1, "flood", {"count": 8000, "size": 2000}))
        await asyncio.wait_for(fake.flood_done.wait(), 10)
        t = server_transport(srv)
        assert t.outbound_bytes > opts.outbound_high_water
        assert not t._read_ok.is_set()  # the transport is not reading from this client
        await ws.send(request(2, "echo", "after"))
        _, resp = await until_response(ws, 2)  # reading everything lets it through
        assert resp["result"] == "after"
        assert not t.dropped


async def test_slow_reader_dropped_other_client_unaffected() -> None:
    opts = WebSocketOptions(outbound_high_water=256 * 1024, outbound_limit=1 << 20)
    async with running(opts) as (srv, fake, url):
        async with connect(url) as good, connect(url, max_queue=2, compression=None) as slow:
            await slow.send(request(1, "flood", {"count": 10000, "size": 2000, "silent": True}))
            await asyncio.wait_for(fake.session_ended.wait(), 10)  # the slow session ended
            dropped = [
                t for t in fake.transports if isinstance(t, WebSocketTransport) and t.dropped
            ]
            assert len(dropped) == 1
            for i in range(3):
                await good.send(request(10 + i, "echo", i))
                assert (await recv_json(good))["result"] == i
            slow.transport.abort()  # its reads are paused: do not wait for a close handshake


async def test_dead_peer_detected_by_keepalive() -> None:
    # detection takes ping_interval + ping_timeout + close_timeout (closing
    # handshake with a peer that does not read)
    opts = WebSocketOptions(ping_interval=0.2, ping_timeout=0.3, close_timeout=0.5)
    async with running(opts) as (_, fake, url), connect(url, ping_interval=None) as ws:
        await ws.send(request(1, "echo", 1))
        assert (await recv_json(ws))["result"] == 1
        ws.transport.pause_reading()  # the peer stops answering pings
        await asyncio.wait_for(fake.session_ended.wait(), 5)
        assert fake.ended == 1
        ws.transport.abort()


# ------------------------------------------------------------------ metrics


async def test_metrics_hooks() -> None:
    metrics = Metrics()
    fake = FakeServer()
    async with WebSocketServer(fake, WebSocketOptions(), metrics) as srv:
        async with connect(srv.url, subprotocols=[Subprotocol("lsp-batch")]) as ws:
            await ws.send(request(1, "flood", {"count": 100, "size": 200}))
            await until_response(ws, 1)
            t = server_transport(srv)
            stats = t.stats()
        await asyncio.wait_for(fake.session_ended.wait(), 5)
    assert metrics.ws_frames_received == 1 and metrics.ws_messages_received == 1
    assert metrics.ws_messages_sent == 101
    assert metrics.ws_frames_sent == stats["frames_sent"] < 101
    assert metrics.ws_max_messages_per_frame > 1
    assert metrics.ws_bytes_wire < metrics.ws_bytes_raw  # deflate negotiated by default
    assert metrics.connections_total()["ws"] == 1
