"""Request latency of two source trees side by side: ``python -m benchmarks.ab_requests
OLD_SRC NEW_SRC [--rounds N] [--json FILE]``.

Each tree's server (``PYTHONPATH=<tree>/src``, this environment's packages) is started over
stdio on the same generated 1,000-file workspace, indexed, with the same probe files open.
For every method both servers advertise, blocks of 40 requests go to one server then the
other, in ABBA order over the rounds; the figure per method is the ratio of the two block
medians per round (NEW / OLD), shown as median and min – max. Use it to check that a
change costs nothing beyond noise (a worktree of the commit before it as OLD_SRC).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.harness import LspClient, LspError, ServerProcess, wait_indexed
from benchmarks.requests import _open_all, _probes, _requests_for
from benchmarks.workspace_gen import WorkspaceInfo, generate_workspace

PER_BLOCK = 40


async def _ready(
    src: str, info: WorkspaceInfo, files: list[str]
) -> tuple[ServerProcess, LspClient, dict[str, Any], dict[str, str]]:
    env = {**os.environ, "PYTHONPATH": src}
    sp = await ServerProcess.start("stdio", cache_dir=Path(tempfile.mkdtemp()), env=env)
    client = await sp.client()
    result, _ = await client.initialize(info.root)
    await wait_indexed(client)
    uris = await _open_all(client, info, files)
    return sp, client, result.get("capabilities", {}), uris


async def _block(client: LspClient, method: str, params: list[Any]) -> list[float]:
    xs = []
    for p in params:
        t0 = time.perf_counter()
        try:
            await client.request(method, p)
        except LspError:
            pass
        xs.append((time.perf_counter() - t0) * 1000)
    return xs


async def compare(old: str, new: str, rounds: int) -> dict[str, dict[str, float]]:
    info = generate_workspace(Path(tempfile.mkdtemp()) / "ws", 1000, seed=42)
    probes = _probes(info, 12)
    files = sorted({p.file for p in probes})
    sides = {"old": await _ready(old, info, files), "new": await _ready(new, info, files)}
    try:
        reqs = {
            k: _requests_for(caps, probes, uris, PER_BLOCK)
            for k, (_, _, caps, uris) in sides.items()
        }
        methods = [m for m in reqs["old"] if m in reqs["new"]]
        samples: dict[str, dict[str, list[float]]] = {m: {"old": [], "new": []} for m in methods}
        ratios: dict[str, list[float]] = {m: [] for m in methods}
        for r in range(rounds):
            order = ("old", "new") if r % 2 == 0 else ("new", "old")
            for m in methods:
                med = {}
                for side in order:
                    client = sides[side][1]
                    await _block(client, m, reqs[side][m][:3])  # warm-up
                    xs = await _block(client, m, reqs[side][m])
                    samples[m][side] += xs
                    med[side] = statistics.median(xs)
                ratios[m].append(med["new"] / med["old"])
    finally:
        for sp, *_ in sides.values():
            await sp.stop()
    return {
        m: {
            "old_p50_ms": statistics.median(samples[m]["old"]),
            "new_p50_ms": statistics.median(samples[m]["new"]),
            "ratio": statistics.median(ratios[m]),
            "ratio_min": min(ratios[m]),
            "ratio_max": max(ratios[m]),
            "n": len(samples[m]["new"]),
        }
        for m in methods
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("old_src")
    ap.add_argument("new_src")
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--json", type=Path)
    a = ap.parse_args()
    out = asyncio.run(compare(a.old_src, a.new_src, a.rounds))
    print("| method | old p50 ms | new p50 ms | new/old per round (median, min – max) |")
    print("|---|---|---|---|")
    for m, x in out.items():
        print(
            f"| `{m}` | {x['old_p50_ms']:.3f} | {x['new_p50_ms']:.3f} | {x['ratio']:.2f} "
            f"({x['ratio_min']:.2f} – {x['ratio_max']:.2f}, n={x['n']:.0f}) |"
        )
    print(f"load average {os.getloadavg()[0]:.1f}")
    if a.json:
        a.json.write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
