"""Request latency per LSP method at 1,000 files, and the cost of recording metrics.

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
  (in-process micro benchmark, ``bench_metrics_overhead``) is reported beside it.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks import bench_metrics_overhead
from benchmarks.harness import LspClient, LspError, ServerProcess, percentile, wait_indexed
from benchmarks.suite_common import Context, Row, ms
from benchmarks.workspace_gen import Probe, WorkspaceInfo

Params = Callable[[str, Probe], Any]


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
    "textDocument/documentHighlight": ("documentHighlightProvider", _pos, ("local_var", "global_send")),
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
        lambda u, p: {"textDocument": {"uri": u}, "positions": [{"line": p.line, "character": p.character}]},
        ("local_var",),
    ),
    "textDocument/inlayHint": (
        "inlayHintProvider",
        lambda u, p: {
            "textDocument": {"uri": u},
            "range": {"start": {"line": 0, "character": 0}, "end": {"line": p.line + 40, "character": 0}},
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
    "workspace/symbol": ("workspaceSymbolProvider", lambda u, p: {"query": p.name[:6]}, ("contract_name",)),
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
        ctx.say(f"metrics overhead: {rounds} ABBA rounds of {len(block)} requests, recording on/off")
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
    micro = bench_metrics_overhead.bench(ctx.reps(100_000, 500_000))
    ns = micro.get("request_finished (direct bound call)", micro.get("request_finished", 0.0))
    overhead = overall - 1.0
    se = statistics.stdev(round_ratios) / len(round_ratios) ** 0.5 * 100 if len(round_ratios) > 1 else 0.0
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
    return rows
