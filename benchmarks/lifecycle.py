"""Lifecycle figures (phase 2, lazy initialisation, and issue 19's start-up):
``python -m benchmarks.lifecycle [--quick]``: initialize latency, progress, pending requests,
indexing time with and without the on-disk cache, process start to first answer.

Every measurement starts the real server as a subprocess and drives it with the
harness client:

* **initialize latency** — client round trip of ``initialize`` with a 1,000-file
  root, per transport (stdio, TCP, Unix socket, WebSocket), a fresh server each
  time (stdio servers count as started when they log "session started", so
  interpreter start-up is excluded; it is reported separately as cold start).
* **cold run** (stdio, empty index cache): after ``initialized`` the client opens
  files and fires workspace-wide requests at once (``textDocument/definition`` of
  cross-file contract calls in those files, and ``workspace/symbol``); they must
  be held until the index is complete, then answered correctly. The same run
  records the ``$/progress`` begin/report/end sequence and the indexing time.
* **warm run** (same workspace, cache filled by the cold run): indexing time from
  the cache, side by side with the cold run in each repetition.
* **process start to first answer** (issue 19): from spawning ``serve --stdio`` with the
  ``initialize`` request already written to its stdin to reading the answer (interpreter
  start, imports, the answer), no workspace folder.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.common import Context, Row, ms, run_alone
from benchmarks.harness import (
    ROOT,
    SERVER_CMD,
    TRANSPORTS,
    ServerProcess,
    is_progress_end,
    progress_kinds,
)
from benchmarks.workspace_gen import Probe, WorkspaceInfo


def _def_targets(result: Any) -> list[tuple[str, int]]:
    """(uri, line) of every location in a definition result (Location or LocationLink)."""
    if result is None:
        return []
    items = result if isinstance(result, list) else [result]
    out = []
    for it in items:
        if not isinstance(it, dict):
            continue
        uri = it.get("uri") or it.get("targetUri")
        rng = it.get("range") or it.get("targetSelectionRange") or it.get("targetRange")
        if isinstance(uri, str) and isinstance(rng, dict):
            out.append((uri, int(rng["start"]["line"])))
    return out


def definition_correct(info: WorkspaceInfo, probe: Probe, result: Any) -> bool:
    if probe.definition is None:
        return bool(_def_targets(result))
    want = ((info.root / probe.definition.file).resolve().as_uri(), probe.definition.line)
    return want in _def_targets(result)


def _cross_file_probes(info: WorkspaceInfo, n: int) -> list[Probe]:
    out = [
        p
        for p in info.probes_of("global_send")
        if p.definition is not None and p.definition.file != p.file
    ]
    step = max(1, len(out) // max(1, n))
    return out[::step][:n]


async def _initialize_once(
    ctx: Context, transport: str, root: Path, cache: Path
) -> tuple[float, float]:
    """(initialize round trip s, process start to ready s) on a fresh server."""
    sp = await ServerProcess.start(transport, cache_dir=cache)  # type: ignore[arg-type]
    try:
        client = await sp.client()
        _, seconds = await client.initialize(root)
        await client.shutdown()
        return seconds, sp.ready_seconds
    finally:
        await sp.stop()


async def start_to_first_answer() -> float:
    """Seconds from spawning ``serve --stdio`` (initialize already queued) to its answer."""
    body = (
        b'{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":null,'
        b'"rootUri":null,"capabilities":{}}}'
    )
    frame = b"Content-Length: %d\r\n\r\n%b" % (len(body), body)
    env = dict(os.environ)
    if env.get("RHOLANG_LSP_EXPECT_COMPILED") != "1":  # --compiled: its build stays first
        env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    env["RHOLANG_LSP_CACHE_DIR"] = tempfile.mkdtemp(prefix="rho-bench-start-")
    # an installed server starts from compiled bytecode: let the warm-up start write it
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    t0 = time.perf_counter()
    proc = await asyncio.create_subprocess_exec(
        *SERVER_CMD,
        "--stdio",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
        env=env,
    )
    assert proc.stdin is not None and proc.stdout is not None
    try:
        proc.stdin.write(frame)
        await proc.stdin.drain()
        header = await asyncio.wait_for(proc.stdout.readuntil(b"\r\n\r\n"), 60)
        length = int(header.split(b":")[1].split(b"\r")[0])
        answer = await proc.stdout.readexactly(length)
        seconds = time.perf_counter() - t0
        if b'"capabilities"' not in answer:
            raise RuntimeError(f"unexpected first answer: {answer[:200]!r}")
        return seconds
    finally:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        await proc.wait()
        shutil.rmtree(env["RHOLANG_LSP_CACHE_DIR"], ignore_errors=True)


async def _start_rows(ctx: Context) -> list[Row]:
    n = ctx.reps(5, 15)
    ctx.say(f"process start to first answer: {n} fresh processes")
    await start_to_first_answer()  # warm the OS file cache
    xs = [ms(await start_to_first_answer()) for _ in range(n)]
    return [
        Row(
            "i19_start",
            "process start to first answer (`serve --stdio`, initialize)",
            "ms",
            xs,
            target="≤ 120 ms",
            passed=statistics.median(xs) <= 120.0,
            section="issue19",
            digits=0,
            note="spawn with initialize queued on stdin → answer read; no workspace folder; "
            "bytecode written by a warm-up start",
        )
    ]


async def _cold_warm(ctx: Context, info: WorkspaceInfo, n_pending: int) -> dict[str, Any]:
    """One cold run (empty cache, requests during indexing) and one warm run."""
    cache = ctx.fresh_dir("cache-cold")
    out: dict[str, Any] = {"cache": cache}
    sp = await ServerProcess.start("stdio", cache_dir=cache)
    try:
        client = await sp.client()
        await client.initialize(info.root, initialized=False)
        probes = _cross_file_probes(info, n_pending)
        t_init = time.perf_counter()
        await client.notify("initialized", {})
        begin = await asyncio.wait_for(
            client.wait_for("$/progress", lambda p: p.get("value", {}).get("kind") == "begin"), 60
        )
        # the editor shows the progress, then opens files and asks workspace-wide questions
        futs: list[tuple[str, Probe | None, asyncio.Future[Any]]] = []
        sent_times: list[float] = []
        opened: set[str] = set()
        for p in probes:
            uri = (info.root / p.file).resolve().as_uri()
            if uri not in opened:  # the editor shows the file, then asks
                opened.add(uri)
                await client.open(info.root / p.file)
            sent_times.append(time.perf_counter())
            _, fut = await client.send_request(
                "textDocument/definition",
                {
                    "textDocument": {"uri": uri},
                    "position": {"line": p.line, "character": p.character},
                },
            )
            futs.append(("textDocument/definition", p, fut))
        for q in (
            "svc_",
            info.probes_of("contract_name")[0].name if info.probes_of("contract_name") else "svc",
        ):
            sent_times.append(time.perf_counter())
            _, fut = await client.send_request("workspace/symbol", {"query": q})
            futs.append(("workspace/symbol", None, fut))
        sent_at = time.perf_counter()
        end = await asyncio.wait_for(client.wait_for("$/progress", is_progress_end), 600)
        answers = await asyncio.wait_for(asyncio.gather(*(f for _, _, f in futs)), 120)
        kinds = progress_kinds(client)
        begin_at = begin.at
        correct = 0
        before_end = 0
        lags: list[float] = []
        waits: list[float] = []
        errors = 0
        for (method, probe, _), (msg, at), sent_t in zip(futs, answers, sent_times, strict=True):
            waits.append(at - sent_t)
            if "error" in msg:
                errors += 1
                continue
            if at < end.at:
                before_end += 1
            lags.append(at - end.at)
            if method == "workspace/symbol":
                ok = isinstance(msg.get("result"), list) and len(msg["result"]) > 0
            else:
                assert probe is not None
                ok = definition_correct(info, probe, msg.get("result"))
            correct += ok
        out.update(
            cold_index_s=end.at - t_init,
            progress_kinds=kinds,
            progress_begin_s=(begin_at - t_init) if begin_at is not None else None,
            pending_sent=len(futs),
            pending_correct=correct,
            pending_errors=errors,
            pending_before_end=before_end,
            pending_max_lag_s=max(lags) if lags else None,
            pending_lags_s=lags,
            pending_waits_s=waits,
            pending_send_s=sent_at - t_init,
        )
        status = await client.request("rholang/indexingStatus")
        out["status"] = status
        snap = await client.request("rholang/metrics")
        queue = snap.get("queue", {}) if isinstance(snap, dict) else {}
        out["held"] = sum(queue.get("released_by_method", {}).values())
        out["queue_max_depth"] = queue.get("max_depth", 0)
        await client.shutdown()
    finally:
        await sp.stop()
    # warm: the same cache directory
    sp = await ServerProcess.start("stdio", cache_dir=cache)
    try:
        client = await sp.client()
        await client.initialize(info.root, initialized=False)
        t_init = time.perf_counter()
        await client.notify("initialized", {})
        end = await asyncio.wait_for(client.wait_for("$/progress", is_progress_end), 600)
        out["warm_index_s"] = end.at - t_init
        out["warm_status"] = await client.request("rholang/indexingStatus")
        await client.shutdown()
    finally:
        await sp.stop()
    return out


async def _corpus_index(ctx: Context) -> tuple[float, int, int] | None:
    root = ctx.corpus_workspace()
    if root is None:
        return None
    files = list(root.rglob("*.rho"))
    size = sum(f.stat().st_size for f in files)
    sp = await ServerProcess.start("stdio", cache_dir=ctx.fresh_dir("cache-corpus"))
    try:
        client = await sp.client()
        await client.initialize(root, initialized=False)
        t0 = time.perf_counter()
        await client.notify("initialized", {})
        end = await asyncio.wait_for(client.wait_for("$/progress", is_progress_end), 600)
        await client.shutdown()
        return end.at - t0, len(files), size
    finally:
        await sp.stop()


async def run(ctx: Context) -> list[Row]:
    files = 1000
    info = ctx.workspace(files)
    mb = info.total_bytes / 1e6
    rows: list[Row] = []

    # ---------------------------------------------------------------- initialize
    warm_cache = ctx.fresh_dir("cache-init")  # filled by the first server; initialize does not wait
    reps = ctx.reps(3, 8)
    per_t: dict[str, list[float]] = {t: [] for t in TRANSPORTS}
    starts: list[float] = []
    ctx.say(f"initialize latency: {reps} fresh servers per transport")
    for _ in range(reps):
        for t in TRANSPORTS:
            seconds, ready = await _initialize_once(ctx, t, info.root, warm_cache)
            per_t[t].append(ms(seconds))
            if t != "stdio":
                starts.append(ms(ready))
    all_init = [v for vs in per_t.values() for v in vs]
    worst = max(all_init)
    rows.append(
        Row(
            "initialize",
            "Initialize request completes in < 20 ms",
            "ms",
            all_init,
            target="< 20 ms (was 100–500 ms)",
            goal=f"< 20 ms worst case, every transport, {files}-file root",
            passed=worst < 20.0,
            note=f"{reps} fresh servers × {len(TRANSPORTS)} transports; worst {worst:.2f} ms",
            extra={"per_transport_ms": per_t},
        )
    )
    for tname, vals in per_t.items():
        rows.append(
            Row(
                f"initialize_{tname}",
                f"initialize round trip over {tname}",
                "ms",
                vals,
                section="detail",
            )
        )
    rows.append(
        Row(
            "cold_start",
            "server process start to listening (TCP/Unix/WS)",
            "ms",
            starts,
            section="detail",
            note="interpreter start and imports; not part of initialize",
            digits=0,
        )
    )

    # ---------------------------------------------------------------- cold / warm
    reps = ctx.reps(1, 5)
    n_pending = ctx.reps(20, 50)
    runs: list[dict[str, Any]] = []
    for i in range(reps):
        ctx.say(f"cold + warm indexing run {i + 1}/{reps} ({files} files)")
        runs.append(await _cold_warm(ctx, info, n_pending))
        ctx.register_warm_cache(info.root, runs[-1]["cache"])

    begins = [ms(r["progress_begin_s"]) for r in runs if r["progress_begin_s"] is not None]
    ok_progress = all(
        r["progress_kinds"][:1] == ["begin"]
        and r["progress_kinds"][-1:] == ["end"]
        and "report" in r["progress_kinds"]
        for r in runs
    )
    n_reports = [r["progress_kinds"].count("report") for r in runs]
    rows.append(
        Row(
            "progress",
            "Progress notifications sent during indexing",
            "ms to begin",
            begins,
            target="$/progress sent during indexing",
            goal="begin < 100 ms after `initialized`, ≥ 1 report, then end",
            passed=ok_progress and bool(begins) and max(begins) < 100.0,
            note=(
                f"cold {files}-file index; begin→report×{min(n_reports)}–{max(n_reports)}→end"
                f" in {'every' if ok_progress else 'NOT every'} run"
            ),
            extra={"kinds": [r["progress_kinds"] for r in runs]},
        )
    )
    sent = sum(r["pending_sent"] for r in runs)
    correct = sum(r["pending_correct"] for r in runs)
    early = sum(r["pending_before_end"] for r in runs)
    held = sum(min(r["held"], r["pending_sent"]) for r in runs)
    waits = [ms(w) for r in runs for w in r["pending_waits_s"]]
    all_lags = [ms(v) for r in runs for v in r["pending_lags_s"]]
    lags = [ms(r["pending_max_lag_s"]) for r in runs if r["pending_max_lag_s"] is not None]
    rows.append(
        Row(
            "pending",
            "Pending requests processed after indexing",
            "ms after end",
            all_lags,
            target="requests held during indexing are processed after it",
            goal="all held by the server while indexing, then answered correctly, < 200 ms after it ends",
            passed=correct == sent and held == sent and bool(all_lags) and max(all_lags) < 200.0,
            note=(
                f"{correct}/{sent} answered correctly, {held}/{sent} held by the server's queue "
                f"(max depth {max(r['queue_max_depth'] for r in runs)}); cross-file definitions in "
                f"files opened after progress `begin`, plus workspace/symbol, held "
                f"{statistics.median(waits) / 1000:.1f} s (median); figure = arrival of each answer "
                f"relative to the progress `end` notification ({early} arrived before it; "
                f"last {max(lags):+.0f} ms)"
            ),
        )
    )
    cold = [r["cold_index_s"] for r in runs]
    warm = [r["warm_index_s"] for r in runs]
    rows.append(
        Row(
            "index_cold",
            f"indexing {files} files ({mb:.1f} MB), no cache (cold)",
            "s",
            cold,
            section="detail",
            note=f"{files / (sum(cold) / len(cold)):.0f} files/s, {mb / (sum(cold) / len(cold)):.2f} MB/s",
        )
    )
    rows.append(
        Row(
            "index_warm",
            f"indexing {files} files, on-disk cache warm",
            "s",
            warm,
            section="detail",
            digits=3,
        )
    )
    rows.append(
        Row(
            "cache_gain",
            "cache vs no cache: cold / warm indexing time (same run)",
            "×",
            [c / w for c, w in zip(cold, warm, strict=True) if w > 0],
            section="comparisons",
            digits=1,
        )
    )
    corpus = await _corpus_index(ctx)
    if corpus is not None:
        secs, nfiles, size = corpus
        rows.append(
            Row(
                "index_corpus",
                f"indexing the shared corpus ({nfiles} files, {size / 1e6:.2f} MB), cold",
                "s",
                [secs],
                section="detail",
                note=f"{size / 1e6 / secs:.2f} MB/s",
            )
        )
    rows += await _start_rows(ctx)
    return rows


if __name__ == "__main__":
    raise SystemExit(run_alone(run, __doc__))
