"""WebSocket transport benchmark (not a test).

    .venv/bin/python -m benchmarks.bench_websocket [--quick]

Servers run as subprocesses (client and server never share a CPU-bound loop):

* part A, "fake": this script with ``--serve-fake``: ``WebSocketServer`` with a
  trivial endpoint (``flood``: N notifications of ~200 B then a response;
  ``echo``: a response; ``mix``: 4 notifications then a response).
  Compression threshold 0 (every frame compressed once deflate is negotiated).
* part B, "real": ``python -m rholang_lsp.cli.main serve --websocket --port 0``
  (the real server, default options), with ``rholang/ping`` as the cheap request.

Per case, on the same messages: msgs/s and frames/s received by the client,
wire bytes (client socket bytes, server -> client) and round-trip latency of one
request (sequential), batched (``lsp-batch`` subprotocol) vs unbatched and
deflate vs raw. Best of N runs for throughput, median/p99 of all latency samples.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import msgspec
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Subprotocol

from rholang_lsp.protocol.transport import MessageTransport, TransportClosed
from rholang_lsp.transports.websocket import WebSocketOptions, serve_websocket

LISTENING = re.compile(rb"listening on (ws://[\d.]+:\d+)")
FILLER = (
    "contract channel receive send bundle persistent process name value method "
    "notification diagnostic range position document symbol reference hover"
).split()


# --------------------------------------------------------------------------- fake server


class FakeEndpoint:
    async def serve(self, transport: MessageTransport) -> None:
        dec = msgspec.json.Decoder()
        enc = msgspec.json.Encoder()
        seq = 0
        try:
            while (body := await transport.read_message()) is not None:
                msg = dec.decode(body)
                method = msg.get("method")
                params = msg.get("params") or {}
                if method == "flood":
                    for i in range(int(params["count"])):
                        transport.send(enc.encode(_notification(i)))
                        if i % 256 == 255:
                            await asyncio.sleep(0)
                elif method == "mix":
                    for _ in range(4):
                        seq += 1
                        transport.send(enc.encode(_notification(seq)))
                if "id" in msg:
                    transport.send(
                        enc.encode({"jsonrpc": "2.0", "id": msg["id"], "result": params}),
                        flush=True,
                    )
        except TransportClosed:
            return


def _notification(i: int) -> dict[str, Any]:
    x = i * 2654435761 % 2**32
    picks = []
    for _ in range(14):  # deterministic pseudo-random words (not a repeating cycle)
        x = (x * 1103515245 + 12345) % 2**31
        picks.append(FILLER[x % len(FILLER)])
    words = " ".join(picks)
    return {
        "jsonrpc": "2.0",
        "method": "window/logMessage",
        "params": {"type": 4, "message": f"{i} {words}"},
    }  # about 200 bytes


async def run_fake_server() -> None:
    opts = WebSocketOptions(port=0, compression_threshold=0)

    def ready(url: str) -> None:
        print(f"listening on {url}", flush=True)

    await serve_websocket(FakeEndpoint(), opts, on_ready=ready)


# --------------------------------------------------------------------------- client


class CountingClient(ClientConnection):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.wire_in = 0

    def data_received(self, data: bytes) -> None:
        self.wire_in += len(data)
        super().data_received(data)


@dataclass
class Result:
    msgs: int
    frames: int
    seconds: float
    wire: int


class Bench:
    def __init__(self, url: str, *, batch: bool, deflate: bool) -> None:
        self.url = url
        self.batch = batch
        self.deflate = deflate
        self.ids = 0
        self.dec = msgspec.json.Decoder()

    async def __aenter__(self) -> Bench:
        self.ws: CountingClient = await connect(  # type: ignore[assignment]
            self.url,
            subprotocols=[Subprotocol("lsp-batch")] if self.batch else None,
            compression="deflate" if self.deflate else None,
            max_size=None,
            create_connection=CountingClient,
        )
        assert bool(self.ws.protocol.extensions) == self.deflate
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.ws.close()

    async def _recv_until(self, want_ids: set[int]) -> tuple[int, int]:
        msgs = frames = 0
        while want_ids:
            data = await self.ws.recv(decode=False)
            frames += 1
            parsed = self.dec.decode(data)
            for m in parsed if isinstance(parsed, list) else [parsed]:
                msgs += 1
                if "method" not in m:
                    want_ids.discard(m["id"])
        return msgs, frames

    def _req(self, method: str, params: Any) -> tuple[int, str]:
        self.ids += 1
        return self.ids, json.dumps(
            {"jsonrpc": "2.0", "id": self.ids, "method": method, "params": params}
        )

    async def flood(self, count: int) -> Result:
        wire0 = self.ws.wire_in
        rid, text = self._req("flood", {"count": count})
        t0 = time.perf_counter()
        await self.ws.send(text)
        msgs, frames = await self._recv_until({rid})
        return Result(msgs, frames, time.perf_counter() - t0, self.ws.wire_in - wire0)

    async def mix(self, method: str, count: int, window: int = 32) -> Result:
        """``count`` requests pipelined ``window`` deep (plus whatever the server adds)."""
        wire0 = self.ws.wire_in
        msgs = frames = 0
        outstanding: set[int] = set()
        sent = 0
        t0 = time.perf_counter()
        while sent < count or outstanding:
            while sent < count and len(outstanding) < window:
                rid, text = self._req(method, {"i": sent, "pad": "x" * 120})
                outstanding.add(rid)
                await self.ws.send(text)
                sent += 1
            data = await self.ws.recv(decode=False)
            frames += 1
            parsed = self.dec.decode(data)
            for m in parsed if isinstance(parsed, list) else [parsed]:
                msgs += 1
                if "method" not in m:
                    outstanding.discard(m["id"])
        return Result(msgs, frames, time.perf_counter() - t0, self.ws.wire_in - wire0)

    async def latency(self, method: str, count: int) -> list[float]:
        samples = []
        for _ in range(count):
            rid, text = self._req(method, {"q": 1})
            t0 = time.perf_counter()
            await self.ws.send(text)
            await self._recv_until({rid})
            samples.append((time.perf_counter() - t0) * 1e3)
        return samples


# --------------------------------------------------------------------------- driver


async def start_subprocess(
    args: Sequence[str], stream: str
) -> tuple[asyncio.subprocess.Process, str]:
    proc = await asyncio.create_subprocess_exec(
        *args,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    pipe = proc.stdout if stream == "stdout" else proc.stderr
    assert pipe is not None
    async with asyncio.timeout(20):
        while True:
            line = await pipe.readline()
            if not line:
                raise RuntimeError(f"{args} exited before listening")
            if m := LISTENING.search(line):
                break

    async def discard(p: asyncio.StreamReader | None) -> None:
        while p is not None and await p.readline():
            pass

    proc._pumps = [  # type: ignore[attr-defined]
        asyncio.create_task(discard(proc.stdout)),
        asyncio.create_task(discard(proc.stderr)),
    ]
    return proc, m.group(1).decode()


async def stop(proc: asyncio.subprocess.Process) -> None:
    if proc.returncode is None:
        proc.terminate()
    await asyncio.wait_for(proc.wait(), 10)


def best(results: list[Result]) -> Result:
    return min(results, key=lambda r: r.seconds)


def row(*cells: object) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


async def main(quick: bool) -> None:
    n_notes = 2_000 if quick else 10_000
    n_mix = 500 if quick else 2_000
    n_lat = 100 if quick else 1_000
    runs = 1 if quick else 3
    combos = [(False, False), (True, False), (False, True), (True, True)]  # (batch, deflate)

    print(f"# bench_websocket ({'quick' if quick else 'full'}; best of {runs}; loopback)\n")
    fake, fake_url = await start_subprocess(
        [sys.executable, __file__, "--serve-fake"], stream="stdout"
    )
    real: asyncio.subprocess.Process | None = None
    try:
        print(
            f"## A. in-process trivial endpoint in a subprocess ({fake_url}), deflate threshold 0\n"
        )
        print(
            row(
                "case",
                "batch",
                "deflate",
                "msgs",
                "frames",
                "msgs/s",
                "frames/s",
                "wire bytes s->c",
            )
        )
        print(row(*["---"] * 8))
        lat_rows = []
        for batch, deflate in combos:
            async with Bench(fake_url, batch=batch, deflate=deflate) as b:
                await b.flood(200)  # warm-up
                r = best([await b.flood(n_notes) for _ in range(runs)])
                print(
                    row(
                        f"{n_notes} notifications",
                        batch,
                        deflate,
                        r.msgs,
                        r.frames,
                        f"{r.msgs / r.seconds:,.0f}",
                        f"{r.frames / r.seconds:,.0f}",
                        f"{r.wire:,}",
                    )
                )
                r = best([await b.mix("mix", n_mix) for _ in range(runs)])
                print(
                    row(
                        f"{n_mix} req (+4 notif each)",
                        batch,
                        deflate,
                        r.msgs,
                        r.frames,
                        f"{r.msgs / r.seconds:,.0f}",
                        f"{r.frames / r.seconds:,.0f}",
                        f"{r.wire:,}",
                    )
                )
                lat_rows.append((batch, deflate, await b.latency("echo", n_lat)))
        print()
        print_latency("echo (fake)", lat_rows)

        real, real_url = await start_subprocess(
            [sys.executable, "-m", "rholang_lsp.cli.main", "serve", "--websocket", "--port", "0"],
            stream="stderr",
        )
        print(
            f"\n## B. real server subprocess (`serve --websocket --port 0`, {real_url}), default options\n"
        )
        print(
            row(
                "case",
                "batch",
                "deflate",
                "msgs",
                "frames",
                "msgs/s",
                "frames/s",
                "wire bytes s->c",
            )
        )
        print(row(*["---"] * 8))
        lat_rows = []
        for batch, deflate in combos:
            async with Bench(real_url, batch=batch, deflate=deflate) as b:
                init = json.dumps(
                    {
                        "jsonrpc": "2.0",
                        "id": 0,
                        "method": "initialize",
                        "params": {"processId": None, "capabilities": {}},
                    }
                )
                await b.ws.send(init)
                await b._recv_until({0})
                await b.mix("rholang/ping", 100)
                r = best([await b.mix("rholang/ping", n_mix) for _ in range(runs)])
                print(
                    row(
                        f"{n_mix} rholang/ping pipelined",
                        batch,
                        deflate,
                        r.msgs,
                        r.frames,
                        f"{r.msgs / r.seconds:,.0f}",
                        f"{r.frames / r.seconds:,.0f}",
                        f"{r.wire:,}",
                    )
                )
                lat_rows.append((batch, deflate, await b.latency("rholang/ping", n_lat)))
        print()
        print_latency("rholang/ping (real)", lat_rows)
    finally:
        await stop(fake)
        if real is not None:
            await stop(real)


def print_latency(name: str, rows: list[tuple[bool, bool, list[float]]]) -> None:
    print(row(f"latency {name}", "batch", "deflate", "p50 ms", "p99 ms", "mean ms"))
    print(row(*["---"] * 6))
    for batch, deflate, s in rows:
        s = sorted(s)
        p99 = s[min(len(s) - 1, int(len(s) * 0.99))]
        print(
            row(
                "",
                batch,
                deflate,
                f"{statistics.median(s):.3f}",
                f"{p99:.3f}",
                f"{statistics.fmean(s):.3f}",
            )
        )
    by = {(b, d): statistics.median(s) for b, d, s in rows}
    for deflate in (False, True):
        growth = by[(True, deflate)] - by[(False, deflate)]
        verdict = "OK" if growth <= 1.0 else "FAIL (> 1 ms)"
        print(
            f"\nbatching adds {growth:+.3f} ms to the median round trip "
            f"(deflate={deflate}): {verdict}"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller counts, one run")
    parser.add_argument("--serve-fake", action="store_true", help=argparse.SUPPRESS)
    ns = parser.parse_args()
    if ns.serve_fake:
        try:
            asyncio.run(run_fake_server())
        except KeyboardInterrupt:
            pass
    else:
        asyncio.run(main(ns.quick))
