"""No delayed-ACK stall for a client that keeps Nagle on and writes the header and the body of
each message separately (vscode-jsonrpc's ``SocketMessageWriter`` over TCP; a stream-mode
WebSocket client sending two frames): the body waits for the ACK of the header, which the
server's kernel delays ~40 ms unless TCP_QUICKACK is re-armed on every read. Before the fix
each request here took ~44 ms."""

from __future__ import annotations

import asyncio
import json
import socket
import statistics
import sys
import time

import pytest
from tests.conftest import SpawnServer

pytestmark = [
    pytest.mark.timeout(30),
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="TCP_QUICKACK is Linux only"),
]


def _round_trips(host: str, port: int, n: int) -> list[float]:
    sock = socket.create_connection((host, port), timeout=10)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 0)  # Nagle on, as node's default
    buf = b""

    def send(obj: object) -> None:
        body = json.dumps(obj).encode()
        sock.sendall(f"Content-Length: {len(body)}\r\n\r\n".encode())  # header ...
        sock.sendall(body)  # ... and body in two writes

    def recv() -> dict[str, object]:
        nonlocal buf
        while True:
            head, sep, rest = buf.partition(b"\r\n\r\n")
            if sep:
                length = int(head.split(b":")[1])
                if len(rest) >= length:
                    buf = rest[length:]
                    return dict(json.loads(rest[:length]))
            chunk = sock.recv(65536)
            assert chunk, "server closed the connection"
            buf += chunk

    try:
        send({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {"capabilities": {}}})
        assert recv()["id"] == 0
        send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
        times = []
        for i in range(1, n + 1):
            t0 = time.perf_counter()
            send({"jsonrpc": "2.0", "id": i, "method": "rholang/ping", "params": i})
            while recv().get("id") != i:
                pass
            times.append((time.perf_counter() - t0) * 1000)
        return times
    finally:
        sock.close()


async def test_split_writes_with_nagle_are_not_delayed(spawn_server: SpawnServer) -> None:
    srv = await spawn_server("--socket", "--port", "0", "--no-index-cache")
    times = await asyncio.to_thread(_round_trips, srv.host, srv.port, 15)
    assert statistics.median(times) < 20, [round(t, 2) for t in times]


async def test_websocket_stream_mode_split_frames_are_not_delayed(
    spawn_server: SpawnServer,
) -> None:
    """The same over WebSocket stream mode: header and body in two binary frames, Nagle on
    (tokio-tungstenite, which the reference Rust client uses, leaves TCP_NODELAY off)."""
    from websockets.asyncio.client import connect

    from rholang_lsp.transports.ws_framing import ContentLengthDecoder, encode_header

    srv = await spawn_server("--websocket", "--port", "0", "--no-index-cache")
    async with connect(srv.url, compression=None) as ws:
        sock = ws.transport.get_extra_info("socket")
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 0)
        decoder = ContentLengthDecoder(1 << 24)

        async def call(rid: int, method: str, params: object) -> None:
            body = json.dumps({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
            await ws.send(encode_header(len(body)))
            await ws.send(body.encode())
            while True:
                while (reply := decoder.next_message()) is not None:
                    if json.loads(reply).get("id") == rid:
                        return
                data = await ws.recv()
                assert isinstance(data, bytes)
                decoder.feed(data)

        await call(0, "initialize", {"capabilities": {}})
        times = []
        for i in range(1, 16):
            t0 = time.perf_counter()
            await call(i, "rholang/ping", i)
            times.append((time.perf_counter() - t0) * 1000)
    assert statistics.median(times) < 20, [round(t, 2) for t in times]
