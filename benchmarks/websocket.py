"""WebSocket figures (phase 4, and issue 19's comparison) end to end against the real server
(``serve --websocket``): ``python -m benchmarks.websocket [--quick]``.

* **batching gain** — one server, two clients side by side: one negotiates the
  ``lsp-batch`` subprotocol (several messages per frame), the other plain
  ``lsp-json`` (one message per frame). Rounds alternate between them; each round
  pipelines ``rholang/ping`` requests (window 32) and counts messages per second
  received. Figure: batched / unbatched throughput, per round pair. The sequential
  round trip of both is compared too (batching must not add latency).
* **compression** — wire bytes of ``workspace/symbol`` answers with and without
  permessage-deflate.
* **backpressure** — a client floods requests with 64 KiB payloads (echoed by
  ``rholang/ping``) and never reads. The server must stop reading it (its output
  queue is bounded) instead of buffering: server RSS is sampled during the flood,
  and another client's ping latency is measured at the same time. Also over TCP.
* **server vs the library's echo server** (issue 19) — a raw client (hand-written
  framing: no client library's cost in the figure) writes N ``rholang/ping`` requests at
  once and counts the answers; the same frames go to the ``websockets`` library's own echo
  server (``async for m in ws: await ws.send(m)``, a subprocess). Batched: JSON-RPC batch
  arrays of 32 requests per frame (answered by one array per frame); plain: one request per
  frame; also one request per frame with the server batching its answers (``lsp-batch``).
  Interleaved rounds; the figure is our messages/s over the echo's, per round. A third
  server answers the same batched frames with the least a JSON-RPC server in Python does on
  that library (``MINIMAL_SERVER``: decode, answer by id, encode): its ratio to the echo is
  the floor for any such server, ours to it the cost of our dispatch.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import os
import re
import statistics
import sys
import time
from typing import Any

import msgspec

from benchmarks.common import Context, Row, ms, ratios, run_alone
from benchmarks.harness import (
    LspClient,
    ServerProcess,
    Transport,
    WsConnection,
    percentile,
    wait_indexed,
)

MB = 1e6
PAD = "x" * 120


async def _pipelined(client: LspClient, n: int, window: int = 32) -> float:
    """Seconds to get ``n`` ping answers with ``window`` requests in flight."""
    sent = 0
    inflight: set[asyncio.Future[Any]] = set()
    t0 = time.perf_counter()
    while sent < n or inflight:
        while sent < n and len(inflight) < window:
            _, fut = await client.send_request("rholang/ping", {"i": sent, "pad": PAD})
            inflight.add(fut)
            sent += 1
        done, inflight = await asyncio.wait(inflight, return_when=asyncio.FIRST_COMPLETED)
        for f in done:
            f.result()
    return time.perf_counter() - t0


async def _sequential(client: LspClient, n: int) -> list[float]:
    out = []
    for i in range(n):
        _, dt = await client.request_timed("rholang/ping", {"i": i, "pad": PAD})
        out.append(ms(dt))
    return out


async def _batching(ctx: Context) -> list[Row]:
    rounds = ctx.reps(5, 15)
    n = ctx.reps(1500, 5000)
    n_lat = ctx.reps(200, 1000)
    sp = await ServerProcess.start("ws")
    try:
        batched = LspClient(await sp.connect(batch=True))
        plain = LspClient(await sp.connect(batch=False))
        for c in (batched, plain):
            await c.initialize(None)
            await _pipelined(c, 300)  # warm-up
        ratios: list[float] = []
        rates: dict[str, list[float]] = {"batched": [], "plain": []}
        frames: dict[str, tuple[int, int]] = {}
        for r in range(rounds):
            order = [("batched", batched), ("plain", plain)]
            if r % 2:
                order.reverse()
            got: dict[str, float] = {}
            for name, c in order:
                conn = c.conn
                assert isinstance(conn, WsConnection)
                f0, m0 = conn.frames_received, conn.messages_received
                secs = await _pipelined(c, n)
                got[name] = n / secs
                f1, m1 = conn.frames_received, conn.messages_received
                pf, pm = frames.get(name, (0, 0))
                frames[name] = (pf + f1 - f0, pm + m1 - m0)
            rates["batched"].append(got["batched"])
            rates["plain"].append(got["plain"])
            ratios.append(got["batched"] / got["plain"])
        lat_b = await _sequential(batched, n_lat)
        lat_p = await _sequential(plain, n_lat)
        await batched.shutdown()
        await plain.shutdown()
    finally:
        await sp.stop()
    gain = statistics.median(ratios)
    mpf = {k: m / f if f else 0.0 for k, (f, m) in frames.items()}
    lat_growth = statistics.median(lat_b) - statistics.median(lat_p)
    rows = [
        Row(
            "ws_batching",
            "WebSocket throughput improved by batching",
            "×",
            ratios,
            target="+20–30% throughput",
            goal="≥ 1.20× messages/s with lsp-batch vs one message per frame; p50 round trip + < 1 ms",
            passed=gain >= 1.2 and lat_growth < 1.0,
            note=(
                f"real server, pipelined rholang/ping ×{n} (window 32), {rounds} alternating rounds; "
                f"{statistics.median(rates['batched']):,.0f} vs {statistics.median(rates['plain']):,.0f} msg/s; "
                f"{mpf.get('batched', 0):.1f} vs {mpf.get('plain', 0):.1f} messages/frame; "
                f"sequential p50 {statistics.median(lat_b):.3f} vs {statistics.median(lat_p):.3f} ms"
            ),
            extra={"rates": rates, "messages_per_frame": mpf},
        ),
        Row(
            "ws_batch_latency",
            "sequential ping round trip over WebSocket, batched − plain (p50)",
            "ms",
            [lat_growth],
            section="comparisons",
            digits=3,
            note=f"p99 {percentile(lat_b, 99):.3f} vs {percentile(lat_p, 99):.3f} ms",
        ),
    ]
    return rows


async def _compression(ctx: Context) -> Row:
    info = ctx.workspace(1000)
    cache = await ctx.warm_cache(info)
    sp = await ServerProcess.start("ws", cache_dir=cache)
    try:
        out: dict[bool, tuple[int, int]] = {}
        for deflate in (False, True):
            conn = await sp.connect(deflate=deflate)
            assert isinstance(conn, WsConnection)
            c = LspClient(conn)
            await c.initialize(info.root)
            await wait_indexed(c)
            w0, p0 = conn.wire_bytes_received, conn.bytes_received
            for q in ("svc_", "svc_00", "get", "balance"):
                await c.request("workspace/symbol", {"query": q})
            out[deflate] = (conn.wire_bytes_received - w0, conn.bytes_received - p0)
            await c.shutdown()
    finally:
        await sp.stop()
    raw_wire, payload = out[False]
    z_wire, _ = out[True]
    return Row(
        "ws_compression",
        "permessage-deflate: wire bytes of workspace/symbol answers, raw / deflated",
        "×",
        [raw_wire / z_wire] if z_wire else [],
        section="comparisons",
        digits=1,
        note=f"{payload / 1e3:,.0f} kB payload: {raw_wire / 1e3:,.0f} kB → {z_wire / 1e3:,.0f} kB on the wire",
    )


async def _backpressure(ctx: Context, transport: Transport, seconds: float) -> dict[str, Any]:
    sp = await ServerProcess.start(transport)
    try:
        other = await sp.client()
        await other.initialize(None)
        slow = LspClient(await sp.connect(limit=1 << 16, max_queue=4))
        await slow.initialize(None)
        await _sequential(other, 50)
        base = sp.rss()
        await slow.stop_reading()
        payload = {"pad": "y" * (64 * 1024)}
        sent = 0
        peak = base

        async def flood() -> None:
            nonlocal sent
            while True:
                _, body = slow._request_body("rholang/ping", payload)
                await slow.conn.send(body)
                sent += 1

        stop = asyncio.Event()

        async def sample() -> None:
            nonlocal peak
            while not stop.is_set():
                peak = max(peak, sp.rss())
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), 0.02)

        flood_task = asyncio.create_task(flood())
        sampler = asyncio.create_task(sample())
        lat: list[float] = []
        t_end = time.perf_counter() + seconds
        while time.perf_counter() < t_end:
            _, dt = await other.request_timed("rholang/ping", {"pad": PAD}, timeout=30)
            lat.append(ms(dt))
        sent_at_end = sent
        ctx.say(f"  flood over: sent {sent}, stalled={not flood_task.done()}, {len(lat)} pings")
        stalled = not flood_task.done()
        flood_task.cancel()
        with contextlib.suppress(BaseException):
            await flood_task
        stop.set()
        await sampler
        peak = max(peak, sp.rss())
        await slow.abort()
        # the server is still serving others after the slow client is gone
        after = await _sequential(other, 20)
        alive = sp.proc.returncode is None
        await other.shutdown()
    finally:
        await sp.stop()
    log = sp.log_text()
    dropped = bool(re.search(r"peer not reading|slow reader|'dropped': [1-9]", log, re.I))
    return {
        "growth": peak - base,
        "base": base,
        "sent": sent_at_end,
        "sent_mb": sent_at_end * 64 * 1024 / MB,
        "stalled": stalled,
        "lat": lat,
        "after": after,
        "alive": alive,
        "dropped": dropped,
    }


async def run(ctx: Context) -> list[Row]:
    rows: list[Row] = []
    ctx.say("websocket: batched vs unbatched (one server, alternating clients)")
    rows += await _batching(ctx)
    ctx.say("websocket: compression")
    rows.append(await _compression(ctx))
    seconds = 3.0 if ctx.quick else 8.0
    results: dict[str, dict[str, Any]] = {}
    transports: tuple[Transport, ...] = ("ws", "tcp")
    for t in transports:
        ctx.say(f"backpressure over {t}: a client that never reads, {seconds:.0f}s flood")
        results[t] = await _backpressure(ctx, t, seconds)
    ws = results["ws"]
    limit_mb = 64 * 1024 * 1024 / MB
    ok = (
        ws["growth"] / MB < limit_mb
        and ws["alive"]
        and percentile(ws["lat"], 99) < 50.0
        and (ws["stalled"] or ws["dropped"])
    )
    rows.append(
        Row(
            "backpressure",
            "Backpressure prevents buffer overflow",
            "MB RSS growth",
            [ws["growth"] / MB],
            target="backpressure prevents buffer overflow",
            goal=(
                "a client that stops reading is paused (or dropped past 64 MiB): RSS growth < 64 MB, "
                "other clients' ping p99 < 50 ms"
            ),
            passed=ok,
            note=(
                f"WS, 64 KiB requests for {seconds:.0f}s: client got {ws['sent']} out "
                f"({ws['sent_mb']:.0f} MB) before the server stopped reading"
                f"{' (sender blocked)' if ws['stalled'] else ''}"
                f"{'; slow client dropped' if ws['dropped'] else ''}; other client ping "
                f"p50 {statistics.median(ws['lat']):.2f} ms, p99 {percentile(ws['lat'], 99):.2f} ms "
                f"during the flood"
            ),
            digits=1,
        )
    )
    tcp = results["tcp"]
    rows.append(
        Row(
            "backpressure_tcp",
            "TCP client that never reads: server RSS growth",
            "MB",
            [tcp["growth"] / MB],
            section="detail",
            digits=1,
            note=(
                f"{tcp['sent']} × 64 KiB sent ({tcp['sent_mb']:.0f} MB)"
                f"{', sender blocked' if tcp['stalled'] else ''}"
                f"{', slow client dropped by the server' if tcp['dropped'] else ''}; other client ping p99 "
                f"{percentile(tcp['lat'], 99):.2f} ms; server alive: {tcp['alive']}"
            ),
        )
    )
    rows += await _echo_rows(ctx)
    return rows


# ------------------------------------------------------------------ vs the library's echo server

ECHO_SERVER = """
import asyncio
from websockets.asyncio.server import serve

async def echo(websocket):
    async for message in websocket:
        await websocket.send(message)
"""


#: The floor of any JSON-RPC server written in Python on the same library: each frame decoded
#: (one message or a batch array, params kept raw), each request answered by its id with the
#: result ``rholang/ping`` gives, the answers encoded in one frame; no dispatch table, no
#: validation, no metrics, no queueing.
MINIMAL_SERVER = """
import asyncio
import msgspec
from websockets.asyncio.server import serve

class Msg(msgspec.Struct):
    jsonrpc: str
    method: str
    id: int | str | None = None
    params: msgspec.Raw = msgspec.Raw(b"null")

class Answer(msgspec.Struct):
    jsonrpc: str
    id: int | str | None
    result: dict

one = msgspec.json.Decoder(Msg)
many = msgspec.json.Decoder(list[Msg])
enc = msgspec.json.Encoder()

def answer(m):
    return Answer("2.0", m.id, {"pong": m.params, "version": "0"})

async def handler(websocket):
    async for message in websocket:
        if message[:1] in ("[", b"["):
            out = [answer(m) for m in many.decode(message) if m.id is not None]
            await websocket.send(enc.encode(out), text=True)
        else:
            m = one.decode(message)
            if m.id is not None:
                await websocket.send(enc.encode(answer(m)), text=True)
"""


#: Both reference servers end alike: serve the handler on a free port and say where.
_SERVE = """
async def main():
    async with serve(HANDLER, "127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        print(f"listening on ws://127.0.0.1:{port}", flush=True)
        await asyncio.get_running_loop().create_future()

asyncio.run(main())
"""
ECHO_SERVER += _SERVE.replace("HANDLER", "echo")
MINIMAL_SERVER += _SERVE.replace("HANDLER", "handler")


class RawWs:
    """A minimal WebSocket client: handshake, masked text frames out, frames in."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    @classmethod
    async def open(cls, url: str, subprotocol: str | None = None) -> RawWs:
        m = re.match(r"ws://([\d.]+):(\d+)(/.*)?$", url)
        assert m, url
        host, port, path = m[1], int(m[2]), m[3] or "/"
        reader, writer = await asyncio.open_connection(host, port, limit=1 << 22)
        key = base64.b64encode(os.urandom(16)).decode()
        head = (
            f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
        )
        if subprotocol:
            head += f"Sec-WebSocket-Protocol: {subprotocol}\r\n"
        writer.write((head + "\r\n").encode())
        await writer.drain()
        answer = await reader.readuntil(b"\r\n\r\n")
        if b" 101 " not in answer.split(b"\r\n", 1)[0]:
            raise ConnectionError(f"handshake refused: {answer[:200]!r}")
        return cls(reader, writer)

    @staticmethod
    def frame(payload: bytes) -> bytes:
        n = len(payload)
        if n < 126:
            head = bytes((0x81, 0x80 | n))
        elif n < 1 << 16:
            head = bytes((0x81, 0x80 | 126)) + n.to_bytes(2, "big")
        else:
            head = bytes((0x81, 0x80 | 127)) + n.to_bytes(8, "big")
        return head + b"\0\0\0\0" + payload  # a zero mask leaves the payload as is

    async def read_message(self) -> bytes:
        """The next text/binary frame's payload (control frames skipped)."""
        read = self.reader.readexactly
        while True:
            b0, b1 = await read(2)
            n = b1 & 0x7F
            if n == 126:
                n = int.from_bytes(await read(2), "big")
            elif n == 127:
                n = int.from_bytes(await read(8), "big")
            if b1 & 0x80:
                await read(4)
            payload = await read(n)
            if b0 & 0x0F in (1, 2):
                return payload

    async def close(self) -> None:
        self.writer.write(b"\x88\x82\0\0\0\0\x03\xe8")  # close frame, code 1000
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.writer.drain(), 5)
        self.writer.close()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.writer.wait_closed(), 5)


def _answers(payload: bytes) -> int:
    """Responses in one frame (a JSON array when batched); notifications not counted."""
    if payload[:1] == b"[":
        items = msgspec.json.decode(payload, type=list[msgspec.Raw])
        return sum(1 for i in items if b'"id"' in bytes(i) and b'"method"' not in bytes(i))
    return 1 if b'"id"' in payload and b'"method"' not in payload else 0


async def _pipelined_raw(ws: RawWs, frames: bytes, n: int, *, echo: bool, per_frame: int) -> float:
    """Messages/s: every request frame written at once, until ``n`` answers are back (the
    echo server's frames hold ``per_frame`` messages each)."""
    t0 = time.perf_counter()
    ws.writer.write(frames)
    got = 0
    while got < n:
        payload = await ws.read_message()
        got += per_frame if echo else _answers(payload)
    return n / (time.perf_counter() - t0)


async def _raw_initialize(ws: RawWs) -> None:
    body = (
        b'{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"processId":null,'
        b'"rootUri":null,"capabilities":{}}}'
    )
    ws.writer.write(ws.frame(body))
    while True:
        payload = await ws.read_message()
        if b'"capabilities"' in payload:
            break
    ws.writer.write(ws.frame(b'{"jsonrpc":"2.0","method":"initialized","params":{}}'))
    await ws.writer.drain()


async def _start_echo(script: str = ECHO_SERVER) -> tuple[asyncio.subprocess.Process, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", script, stdout=asyncio.subprocess.PIPE
    )
    assert proc.stdout is not None
    line = await asyncio.wait_for(proc.stdout.readline(), 30)
    m = re.search(rb"listening on (ws://\S+)", line)
    if m is None:
        proc.kill()
        raise RuntimeError(f"echo server did not start: {line!r}")
    return proc, m[1].decode()


BATCH = 32  # requests per JSON-RPC batch array in the batched case


def _ping_body(i: int) -> bytes:
    return b'{"jsonrpc":"2.0","id":%d,"method":"rholang/ping","params":{"i":%d,"pad":"%s"}}' % (
        i + 1,
        i,
        PAD.encode(),
    )


async def _echo_rows(ctx: Context) -> list[Row]:
    rounds = ctx.reps(4, 10)
    n = ctx.reps(64, 160) * BATCH
    single = b"".join(RawWs.frame(_ping_body(i)) for i in range(n))
    batched = b"".join(
        RawWs.frame(b"[" + b",".join(_ping_body(i) for i in range(k, k + BATCH)) + b"]")
        for k in range(0, n, BATCH)
    )
    ctx.say(f"websocket: server vs the websockets echo server, {rounds} rounds × {n} pipelined")
    sp = await ServerProcess.start("ws")
    echo_proc, echo_url = await _start_echo()
    minimal_proc, minimal_url = await _start_echo(MINIMAL_SERVER)
    # case -> (connection, frames, echo?, messages per echoed frame)
    cases: dict[str, tuple[RawWs, bytes, bool, int]] = {}
    try:
        for name, sub, frames, is_echo, per, url in (
            ("batched", "lsp-batch", batched, False, BATCH, sp.url),
            ("plain", "lsp-json", single, False, 1, sp.url),
            ("answers_batched", "lsp-batch", single, False, 1, sp.url),
            ("echo_batched", None, batched, True, BATCH, echo_url),
            ("echo_plain", None, single, True, 1, echo_url),
            ("minimal_batched", None, batched, False, BATCH, minimal_url),
        ):
            ws = await RawWs.open(url, sub)
            if url == sp.url:
                await _raw_initialize(ws)
            cases[name] = (ws, frames, is_echo, per)
        rates: dict[str, list[float]] = {k: [] for k in cases}
        names = list(cases)
        for r in range(rounds + 1):  # round 0: warm-up
            for name in names if r % 2 == 0 else reversed(names):
                ws, frames, is_echo, per = cases[name]
                rate = await _pipelined_raw(ws, frames, n, echo=is_echo, per_frame=per)
                if r:
                    rates[name].append(rate)
    finally:
        for ws, *_ in cases.values():
            await ws.close()
        await sp.stop()
        for proc in (echo_proc, minimal_proc):
            proc.kill()
            await proc.wait()
    out = []
    for name, echo, key, what, target, limit, section in (
        (
            "batched",
            "echo_batched",
            "i19_ws_batched",
            f"batch arrays of {BATCH} requests per frame",
            "≥ 0.8×",
            0.8,
            "issue19",
        ),
        (
            "plain",
            "echo_plain",
            "i19_ws_plain",
            "one request per frame",
            "— (no target)",
            None,
            "issue19",
        ),
        (
            "minimal_batched",
            "echo_batched",
            "ws_minimal_vs_echo",
            f"WebSocket, pipelined raw client, batch arrays of {BATCH} requests per frame: a "
            "minimal JSON-RPC responder on the same library (decode, answer by id, encode) / "
            "`websockets` echo server: the floor of a JSON-RPC server in Python",
            "",
            None,
            "issue19",
        ),
        (
            "batched",
            "minimal_batched",
            "ws_server_vs_minimal",
            f"WebSocket, pipelined raw client, batch arrays of {BATCH} requests per frame: "
            "server / the minimal JSON-RPC responder",
            "",
            None,
            "issue19",
        ),
        (
            "answers_batched",
            "echo_plain",
            "ws_echo_answers_batched",
            "one request per frame, answers batched by the server (lsp-batch)",
            "",
            None,
            "comparisons",
        ),
    ):
        rs = ratios(rates[name], rates[echo])
        out.append(
            Row(
                key,
                what
                if what.startswith("WebSocket")
                else f"WebSocket, pipelined raw client: server / `websockets` echo server, {what}",
                "×",
                rs,
                target=target,
                passed=None if limit is None else statistics.median(rs) >= limit,
                section=section,
                note=f"{statistics.median(rates[name]):,.0f} vs "
                f"{statistics.median(rates[echo]):,.0f} msg/s; {n:,} rholang/ping written at "
                "once; per round",
            )
        )
    return out


if __name__ == "__main__":
    raise SystemExit(run_alone(run, __doc__))
