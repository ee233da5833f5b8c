"""Request figures: ``python -m benchmarks.requests [--quick]``: latency per LSP method at
1,000 files, completion at 1,000 and 5,000 files, raw request throughput, and the cost of
recording metrics.

* **latency per method** — the real server (stdio) on the generated 1,000-file
  workspace, indexed (warm cache), with the probe files open (their diagnostics
  received first, so nothing runs in the background). Each method the server
  advertises is sent sequentially over the generator's probe positions; the
  client measures the round trip. p50/p99 per method.
* **metrics overhead** — in the same server process (started with
  ``--test-handlers``), per-request recording is switched off and on between
  blocks (``rholang/_test/requestMetrics``), in ABBA order, many times; each
  block is the same mix of requests (hover, definition, highlight, references,
  document symbols, ping). The figure is the ratio of the per-request median
  round trips with recording on and off, per round. One process removes the
  scheduling differences two server processes show on a small machine; a second
  server with ``--no-metrics`` checks the flag. The recorder's own cost per call
  (in-process micro benchmark, ``metrics_overhead_ns``) is reported beside it.
* **completion after a typed prefix** (issue 19) — two servers (stdio, warm caches) on
  the generated 1,000- and 5,000-file workspaces; in one open file ``st | `` is typed at
  the start of a process in a contract body and completion is asked right after ``st``,
  in interleaved blocks on both servers. p99 per size and the 5,000/1,000 ratio per round.
* **raw throughput** — ``rholang/ping`` round trips over stdio and TCP, sequential (send,
  wait, repeat) and pipelined (N requests in flight, pre-encoded frames), best of runs.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.common import Context, Row, ms, run_alone
from benchmarks.harness import LspClient, LspError, ServerProcess, percentile, wait_indexed
from benchmarks.workspace_gen import Probe, WorkspaceInfo

Params = Callable[[str, Probe], Any]
PUBLISH = "textDocument/publishDiagnostics"
COMPLETION_SIZES = (1000, 5000)  # files of the generated workspaces (issue 19 row 8)


def _pos(uri: str, p: Probe) -> dict[str, Any]:
    return {"textDocument": {"uri": uri}, "position": {"line": p.line, "character": p.character}}


def _doc(uri: str, p: Probe) -> dict[str, Any]:
    return {"textDocument": {"uri": uri}}


#: method -> (capability key, params builder, probe kinds to use)
CATALOG: dict[str, tuple[str, Params, tuple[str, ...]]] = {
    "textDocument/definition": ("definitionProvider", _pos, ("global_send", "local_var")),
    "textDocument/references": (
        "referencesProvider",
        lambda u, p: {**_pos(u, p), "context": {"includeDeclaration": True}},
        ("global_send", "local_var", "contract_name"),
    ),
    "textDocument/hover": ("hoverProvider", _pos, ("global_send", "doc_contract", "local_var")),
    "textDocument/documentHighlight": (
        "documentHighlightProvider",
        _pos,
        ("local_var", "global_send"),
    ),
    "textDocument/prepareRename": ("renameProvider", _pos, ("local_var", "contract_name")),
    "textDocument/rename": (
        "renameProvider",
        lambda u, p: {**_pos(u, p), "newName": "renamed_x"},
        ("local_var", "contract_name"),
    ),
    "textDocument/completion": ("completionProvider", _pos, ("global_send", "local_var")),
    "textDocument/signatureHelp": ("signatureHelpProvider", _pos, ("global_send",)),
    "textDocument/documentSymbol": ("documentSymbolProvider", _doc, ("global_send",)),
    "textDocument/semanticTokens/full": ("semanticTokensProvider", _doc, ("global_send",)),
    "textDocument/foldingRange": ("foldingRangeProvider", _doc, ("global_send",)),
    "textDocument/selectionRange": (
        "selectionRangeProvider",
        lambda u, p: {
            "textDocument": {"uri": u},
            "positions": [{"line": p.line, "character": p.character}],
        },
        ("local_var",),
    ),
    "textDocument/inlayHint": (
        "inlayHintProvider",
        lambda u, p: {
            "textDocument": {"uri": u},
            "range": {
                "start": {"line": 0, "character": 0},
                "end": {"line": p.line + 40, "character": 0},
            },
        },
        ("global_send",),
    ),
    "textDocument/formatting": (
        "documentFormattingProvider",
        lambda u, p: {"textDocument": {"uri": u}, "options": {"tabSize": 2, "insertSpaces": True}},
        ("global_send",),
    ),
    "textDocument/codeAction": (
        "codeActionProvider",
        lambda u, p: {
            "textDocument": {"uri": u},
            "range": {
                "start": {"line": p.line, "character": 0},
                "end": {"line": p.line, "character": p.character},
            },
            "context": {"diagnostics": []},
        },
        ("local_var",),
    ),
    "workspace/symbol": (
        "workspaceSymbolProvider",
        lambda u, p: {"query": p.name[:6]},
        ("contract_name",),
    ),
}


def _probes(info: WorkspaceInfo, n_files: int) -> list[Probe]:
    """Probes of the first ``n_files`` files that have probes (spread over the workspace)."""
    by_file: dict[str, list[Probe]] = {}
    for p in info.probes:
        by_file.setdefault(p.file, []).append(p)
    files = sorted(by_file)
    step = max(1, len(files) // max(1, n_files))
    chosen = files[::step][:n_files]
    return [p for f in chosen for p in by_file[f]]


def _for_uri(uri: str) -> Callable[[Any], bool]:
    def match(p: Any) -> bool:
        return bool(p.get("uri") == uri)

    return match


async def _open_all(client: LspClient, info: WorkspaceInfo, files: list[str]) -> dict[str, str]:
    uris: dict[str, str] = {}
    since = len(client.notifications)
    for f in files:
        uris[f] = await client.open(info.root / f)
    want = set(uris.values())
    for uri in want:
        await asyncio.wait_for(
            client.wait_for("textDocument/publishDiagnostics", _for_uri(uri), since=since),
            120,
        )
    return uris


async def _ready_server(
    ctx: Context, info: WorkspaceInfo, cache: Path, files: list[str], *args: str
) -> tuple[ServerProcess, LspClient, dict[str, Any], dict[str, str]]:
    sp = await ServerProcess.start("stdio", *args, cache_dir=cache)
    client = await sp.client()
    result, _ = await client.initialize(info.root)
    await wait_indexed(client)
    uris = await _open_all(client, info, files)
    return sp, client, result.get("capabilities", {}), uris


def _requests_for(
    caps: dict[str, Any], probes: list[Probe], uris: dict[str, str], per_method: int
) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for method, (cap, build, kinds) in CATALOG.items():
        if not caps.get(cap):
            continue
        chosen = [p for p in probes if p.kind in kinds]
        if not chosen:
            continue
        params = [build(uris[p.file], p) for p in chosen]
        while len(params) < per_method:
            params += params
        out[method] = params[:per_method]
    return out


async def _latency_per_method(
    client: LspClient, requests: dict[str, list[Any]]
) -> dict[str, tuple[list[float], int]]:
    out: dict[str, tuple[list[float], int]] = {}
    for method, plist in requests.items():
        for p in plist[:3]:  # warm-up (first call may build caches)
            try:
                await client.request(method, p)
            except LspError:
                pass
        samples: list[float] = []
        errors = 0
        for p in plist:
            t0 = time.perf_counter()
            try:
                await client.request(method, p)
            except LspError:
                errors += 1
            samples.append(ms(time.perf_counter() - t0))
        out[method] = (samples, errors)
    return out


async def _timed(client: LspClient, method: str, params: Any) -> float:
    t0 = time.perf_counter()
    try:
        await client.request(method, params)
    except LspError:
        pass
    return time.perf_counter() - t0


async def _block_times(client: LspClient, block: list[tuple[str, Any]]) -> list[float]:
    return [await _timed(client, m, p) for m, p in block]


async def _set_recording(client: LspClient, enabled: bool) -> None:
    state = await client.request("rholang/_test/requestMetrics", {"enabled": enabled})
    if state is not enabled:
        raise RuntimeError(f"could not set request metrics to {enabled}")


async def run(ctx: Context) -> list[Row]:
    files = 1000
    info = ctx.workspace(files)
    cache = await ctx.warm_cache(info)
    n_files = ctx.reps(20, 60)
    probes = _probes(info, n_files)
    open_files = sorted({p.file for p in probes})
    per_method = ctx.reps(60, 300)
    rows: list[Row] = []

    ctx.say(f"requests: server with {len(open_files)} files open")
    sp, client, caps, uris = await _ready_server(ctx, info, cache, open_files, "--test-handlers")
    try:
        requests = _requests_for(caps, probes, uris, per_method)
        ctx.say(f"latency of {len(requests)} methods × {per_method} requests")
        lat = await _latency_per_method(client, requests)
        for method, (samples, errors) in lat.items():
            rows.append(
                Row(
                    f"latency:{method}",
                    method,
                    "ms",
                    samples,
                    section="latency",
                    digits=3,
                    note=f"{errors} errors" if errors else "",
                    extra={"p50": percentile(samples, 50), "p99": percentile(samples, 99)},
                )
            )
        # ---------------------------------------------------------- metrics overhead
        mix = [
            m
            for m in (
                "textDocument/hover",
                "textDocument/definition",
                "textDocument/documentHighlight",
                "textDocument/references",
                "textDocument/documentSymbol",
            )
            if m in requests
        ]
        block: list[tuple[str, Any]] = []
        k = ctx.reps(8, 16)
        for m in mix:
            block += [(m, p) for p in requests[m][:k]]
        block += [("rholang/ping", {"i": i}) for i in range(k)]
        rounds = ctx.reps(24, 80)
        ctx.say(
            f"metrics overhead: {rounds} ABBA rounds of {len(block)} requests, recording on/off"
        )
        await _block_times(client, block)  # warm-up
        round_ratios: list[float] = []
        pair_ratios: list[float] = []
        on_all: list[float] = []
        off_all: list[float] = []
        t0 = time.perf_counter()
        for i in range(rounds):
            order = (True, False) if i % 2 == 0 else (False, True)
            got: dict[bool, list[float]] = {}
            for enabled in order:
                await _set_recording(client, enabled)
                got[enabled] = await _block_times(client, block)
            # the same request on and off: per-request ratios, their median per round
            pair = [a / b for a, b in zip(got[True], got[False], strict=True)]
            round_ratios.append(statistics.median(pair))
            pair_ratios += pair
            on_all += got[True]
            off_all += got[False]
        await _set_recording(client, True)
        elapsed = time.perf_counter() - t0
        snap = await client.request("rholang/metrics")
    finally:
        await client.shutdown()
        await sp.stop()
    # the --no-metrics flag: recording off for the whole process
    sp_off = await ServerProcess.start("stdio", "--no-metrics", cache_dir=cache)
    try:
        c_off = await sp_off.client()
        await c_off.initialize(None)
        snap_off = await c_off.request("rholang/metrics")
        await c_off.shutdown()
    finally:
        await sp_off.stop()
    pair_s = elapsed / max(1, len(on_all) + len(off_all)) * 2
    overall = statistics.median(pair_ratios)
    per_req_us = pair_s / 2 * 1e6
    micro = metrics_overhead_ns(ctx.reps(100_000, 500_000))
    ns = micro.get("request_finished (direct bound call)", micro.get("request_finished", 0.0))
    overhead = overall - 1.0
    se = (
        statistics.stdev(round_ratios) / len(round_ratios) ** 0.5 * 100
        if len(round_ratios) > 1
        else 0.0
    )
    rows.append(
        Row(
            "metrics_overhead",
            "metrics recording overhead on the request benchmark (on / off, same process)",
            "%",
            [(r - 1.0) * 100 for r in round_ratios],
            goal="< 2%",
            passed=overhead < 0.02,
            section="comparisons",
            note=(
                f"{rounds} ABBA rounds × {len(block)} requests (hover, definition, highlight, "
                f"references, symbols, ping), ~{per_req_us:.0f} µs per request; figure per round = "
                f"median of the per-request ratios on / off; all {len(pair_ratios)} pairs: "
                f"{(overall - 1) * 100:+.2f}% (standard error of the round medians ±{se:.2f}%). "
                f"Recorder cost {ns:.0f} ns/request = {ns / 1000 / per_req_us * 100:.3f}% in process. "
                f"--no-metrics server: rholang/metrics enabled={snap_off.get('enabled')}"
            ),
            extra={"micro_ns": micro},
        )
    )
    # what the server itself recorded, for the report's metrics section
    by_method = snap.get("requests", {}).get("by_method", {}) if isinstance(snap, dict) else {}
    rows.append(
        Row(
            "server_recorded",
            "requests recorded by the server (rholang/metrics)",
            "requests",
            [float(snap.get("requests", {}).get("total", 0))] if isinstance(snap, dict) else [],
            section="detail",
            digits=0,
            note=", ".join(
                f"{m} p50 {v['latency_ms']['p50']:.3f} ms"
                for m, v in sorted(by_method.items())
                if m in ("textDocument/hover", "textDocument/definition", "textDocument/references")
            ),
            extra={"snapshot": snap},
        )
    )
    rows += await _completion_rows(ctx)
    rows += await _throughput_rows(ctx)
    return rows


# ------------------------------------------------------------------ completion at scale


async def _completion_server(
    ctx: Context, files: int
) -> tuple[ServerProcess, LspClient, dict[str, Any], int]:
    """A server on the ``files``-file workspace with ``st | `` typed in one open file;
    (server, client, completion params, items answered)."""
    info = ctx.workspace(files)
    cache = await ctx.warm_cache(info)
    sp = await ServerProcess.start("stdio", cache_dir=cache)
    client = await sp.client()
    await client.initialize(info.root)
    await wait_indexed(client)
    path = sorted(info.files)[len(info.files) // 2]
    text = path.read_text(encoding="utf-8")
    points = [i + 2 for i in range(len(text) - 2) if text[i] == "{" and text[i + 1] == " "]
    at = points[len(points) // 2]
    line = text.count("\n", 0, at)
    col = at - (text.rfind("\n", 0, at) + 1)
    since = len(client.notifications)
    uri = await client.open(path, text)
    await asyncio.wait_for(client.wait_for(PUBLISH, _for_uri(uri), since=since), 60)
    pos = {"line": line, "character": col}
    await client.notify(
        "textDocument/didChange",
        {
            "textDocument": {"uri": uri, "version": 2},
            "contentChanges": [{"range": {"start": pos, "end": pos}, "text": "st | "}],
        },
    )
    params = {"textDocument": {"uri": uri}, "position": {"line": line, "character": col + 2}}
    result = await client.request("textDocument/completion", params)
    items = result.get("items", []) if isinstance(result, dict) else (result or [])
    return sp, client, params, len(items)


async def _completion_rows(ctx: Context) -> list[Row]:
    sizes = COMPLETION_SIZES[:1] if ctx.quick else COMPLETION_SIZES
    per_block = ctx.reps(50, 100)
    rounds = ctx.reps(2, 6)
    servers: dict[int, tuple[ServerProcess, LspClient, dict[str, Any], int]] = {}
    samples: dict[int, list[float]] = {n: [] for n in sizes}
    per_round: dict[int, list[float]] = {n: [] for n in sizes}
    try:
        for n in sizes:
            ctx.say(f"completion after `st`: server on {n:,} files")
            servers[n] = await _completion_server(ctx, n)
        for r in range(rounds + 1):  # round 0: warm-up
            for n in sizes if r % 2 == 0 else tuple(reversed(sizes)):
                _, client, params, _ = servers[n]
                xs = []
                for _ in range(per_block):
                    _, dt = await client.request_timed("textDocument/completion", params)
                    xs.append(ms(dt))
                if r:
                    samples[n] += xs
                    per_round[n].append(percentile(xs, 99))
    finally:
        for sp, client, _, _ in servers.values():
            await client.shutdown()
            await sp.stop()
    rows = []
    small, big = COMPLETION_SIZES
    for n, key in ((small, "i19_completion_1k"), (big, "i19_completion_5k")):
        title = f"completion after a typed prefix `st`, {n:,} files, p99"
        if n not in samples:
            rows.append(
                Row(
                    key,
                    title,
                    "ms",
                    target="≤ 5 ms",
                    section="issue19",
                    not_measured="quick mode: full run only",
                )
            )
            continue
        xs = samples[n]
        p99 = percentile(xs, 99)
        rows.append(
            Row(
                key,
                title,
                "ms (p99 per round)",
                per_round[n],
                target="≤ 5 ms",
                passed=p99 <= 5.0,
                section="issue19",
                digits=2,
                note=f"p99 of all {len(xs)} {p99:.2f} ms, p50 {percentile(xs, 50):.2f} ms; "
                f"{servers[n][3]} items; client round trip over stdio",
            )
        )
    if big in samples:
        rs = [b / a for a, b in zip(per_round[small], per_round[big], strict=True)]
        rows.append(
            Row(
                "i19_completion_flat",
                "completion p99, 5,000 vs 1,000 files",
                "×",
                rs,
                target="flat (≤ 1.5×)",
                passed=statistics.median(rs) <= 1.5,
                section="issue19",
                note="per round (p99 of each block); 'flat' read as at most 1.5×",
            )
        )
    else:
        rows.append(
            Row(
                "i19_completion_flat",
                "completion p99, 5,000 vs 1,000 files",
                "×",
                target="flat (≤ 1.5×)",
                section="issue19",
                not_measured="quick mode: full run only",
            )
        )
    return rows


# ------------------------------------------------------------------ metrics recorder micro


def _time(fn: Callable[[], None], n: int) -> float:
    t0 = time.perf_counter()
    for _ in range(n):
        fn()
    return time.perf_counter() - t0


def _loop_cost(n: int) -> float:
    t0 = time.perf_counter()
    for _ in range(n):
        pass
    return time.perf_counter() - t0


def metrics_overhead_ns(n: int = 500_000) -> dict[str, float]:
    """ns/call (loop overhead subtracted) of each Metrics recording method, in process."""
    from rholang_lsp.metrics import Metrics

    m = Metrics()
    m.indexing_started("/ws", 1000)

    def open_close() -> None:
        m.connection_opened("ws", 0.002)
        m.connection_closed("ws")

    cases: dict[str, Callable[[], None]] = {
        "request_finished": lambda: m.request_finished("textDocument/hover", 0.0012, "ok"),
        "initialize_latency": lambda: m.initialize_latency(0.012),
        "connection_opened+closed": open_close,
        "indexing_progress": lambda: m.indexing_progress("/ws", 10),
        "queue_wait": lambda: m.queue_wait("textDocument/hover", 0.003),
        "queue_depth": lambda: m.queue_depth(3),
        "ws_frame_sent": lambda: m.ws_frame_sent(3, 2048, 700),
        "ws_frame_received": lambda: m.ws_frame_received(1, 512),
        "cache_hit": lambda: m.cache_hit("parse"),
        "cache_miss": lambda: m.cache_miss("index"),
        "session_memory": lambda: m.session_memory("s1", 1_000_000),
    }

    def empty() -> None:
        return None

    base = _time(empty, n)
    out: dict[str, float] = {}
    for name, fn in cases.items():
        fn()
        out[name] = max(0.0, (_time(fn, n) - base) / n * 1e9)
    f = m.request_finished
    t0 = time.perf_counter()
    for _ in range(n):
        f("textDocument/hover", 0.0012, "ok")
    out["request_finished (direct bound call)"] = max(
        0.0, (time.perf_counter() - t0 - _loop_cost(n)) / n * 1e9
    )
    t0 = time.perf_counter()
    for _ in range(max(1, n // 1000)):
        m.snapshot()
    out["snapshot()"] = (time.perf_counter() - t0) / max(1, n // 1000) * 1e9
    return out


# ------------------------------------------------------------------ raw throughput


def _ping_frame(rid: int, method: str = "rholang/ping", params: bytes = b"null") -> bytes:
    body = b'{"jsonrpc":"2.0","id":%d,"method":"%s","params":%s}' % (rid, method.encode(), params)
    return b"Content-Length: %d\r\n\r\n%b" % (len(body), body)


async def _read_body(reader: asyncio.StreamReader) -> bytes:
    header = await reader.readuntil(b"\r\n\r\n")
    length = int(header.lower().split(b"content-length:")[1].split(b"\r")[0])
    return await reader.readexactly(length)


async def _sequential_pings(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int
) -> float:
    frames = [_ping_frame(i + 1) for i in range(n)]
    t0 = time.perf_counter()
    for frame in frames:
        writer.write(frame)
        await writer.drain()
        body = await _read_body(reader)
        assert b'"result"' in body
    return time.perf_counter() - t0


async def _pipelined_pings(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int
) -> float:
    data = b"".join(_ping_frame(i + 1) for i in range(n))

    async def write() -> None:
        for i in range(0, len(data), 1 << 16):
            writer.write(data[i : i + (1 << 16)])
            await writer.drain()

    t0 = time.perf_counter()
    w = asyncio.create_task(write())
    for _ in range(n):
        await _read_body(reader)
    await w
    return time.perf_counter() - t0


async def _throughput_rows(ctx: Context) -> list[Row]:
    seq_n, pipe_n, repeats = ctx.reps(500, 2000), ctx.reps(5000, 20000), ctx.reps(2, 3)
    ctx.say("raw throughput: rholang/ping over stdio and TCP")
    rows = []
    for transport in ("stdio", "tcp"):
        sp = await ServerProcess.start(transport)
        try:
            conn = await sp.connect()
            reader, writer = conn.reader, conn.writer  # type: ignore[attr-defined]
            writer.write(_ping_frame(0, "initialize", b'{"capabilities":{}}'))
            writer.write(
                b'Content-Length: 52\r\n\r\n{"jsonrpc":"2.0","method":"initialized","params":{}}'
            )
            await writer.drain()
            while b'"capabilities"' not in await _read_body(reader):
                pass
            await _sequential_pings(reader, writer, 200)  # warm-up
            for mode, fn, n in (
                ("sequential", _sequential_pings, seq_n),
                ("pipelined", _pipelined_pings, pipe_n),
            ):
                best = min([await fn(reader, writer, n) for _ in range(repeats)])
                rows.append(
                    Row(
                        f"throughput_{transport}_{mode}",
                        f"rholang/ping over {transport}, {mode} ({n:,} requests, best run)",
                        "req/s",
                        [n / best],
                        section="detail",
                        digits=0,
                        note=f"{best / n * 1e6:.1f} µs/request",
                    )
                )
            await conn.close()
        finally:
            await sp.stop()
    return rows


if __name__ == "__main__":
    raise SystemExit(run_alone(run, __doc__))
