"""Phase 4 (WebSocket) end to end against the real server (``serve --websocket``).

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
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import statistics
import time
from typing import Any

from benchmarks.harness import (
    LspClient,
    ServerProcess,
    Transport,
    WsConnection,
    percentile,
    wait_indexed,
)
from benchmarks.suite_common import Context, Row, ms

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
    dropped = bool(
        re.search(r"peer not reading|slow reader|'dropped': [1-9]", log, re.I)
    )
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
    return rows
