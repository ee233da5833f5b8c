"""What a node adds to didChange -> diagnostics (not a test):
``python -m benchmarks.bench_node_diagnostics [--quick]``.

The real server over stdio (``--diagnostics-debounce 0``) with ``--validator-backend`` on the
test suite's fake node (``tests/rnode/fake_node.py``: a real gRPC server on loopback whose
verdict is a regular expression, so its own time is near zero: this measures the server's
side and the RPC, not a real node's compiler). On the generated ~2,000-line file, N
single-character in-block edits, one at a time; for each, from the send to

* the first ``publishDiagnostics`` of that version (the built-in verdict), and
* the second one (the node's verdict merged in),

once with ``--node-debounce 0`` (the pure cost) and once with the default 0.15 s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.bench_edit_latency import in_block_offsets
from benchmarks.harness import ServerProcess, percentile
from benchmarks.workspace_gen import generate_large_file
from rholang_lsp.syntax.line_index import LineIndex

ROOT = Path(__file__).resolve().parents[1]

URI = "file:///bench/node-latency.rho"
PUBLISH = "textDocument/publishDiagnostics"
LINES = 2000
SEED = 42


def _ms(xs: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(percentile(xs, 50) * 1000, 1),
        "p99_ms": round(percentile(xs, 99) * 1000, 1),
        "max_ms": round(max(xs) * 1000, 1),
    }


async def measure(address: str, node_debounce: float, edits: int) -> dict[str, Any]:
    text = generate_large_file(lines=LINES, seed=SEED)
    rng = random.Random(SEED)
    sp = await ServerProcess.start(
        "stdio",
        "--diagnostics-debounce",
        "0",
        "--validator-backend",
        f"grpc:{address}",
        "--node-debounce",
        str(node_debounce),
    )
    builtin: list[float] = []
    with_node: list[float] = []
    try:
        client = await sp.client()
        await client.initialize(None, progress=False)
        await client.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": URI, "languageId": "rholang", "version": 1, "text": text}},
        )
        first = await asyncio.wait_for(
            client.wait_for(PUBLISH, lambda p: p.get("version") == 1), 60
        )
        await asyncio.wait_for(
            client.wait_for(
                PUBLISH,
                lambda p: p.get("version") == 1,
                since=client.notifications.index(first) + 1,
            ),
            60,
        )
        current = text
        for v in range(2, edits + 2):
            at = rng.choice(in_block_offsets(current))
            line, ch = LineIndex(current).position(at)
            since = len(client.notifications)
            sent = time.perf_counter()
            await client.notify(
                "textDocument/didChange",
                {
                    "textDocument": {"uri": URI, "version": v},
                    "contentChanges": [
                        {
                            "range": {
                                "start": {"line": line, "character": ch},
                                "end": {"line": line, "character": ch},
                            },
                            "text": " ",
                        }
                    ],
                },
            )
            note = await asyncio.wait_for(
                client.wait_for(PUBLISH, lambda p, v=v: p.get("version") == v, since=since), 60
            )
            again = await asyncio.wait_for(
                client.wait_for(
                    PUBLISH,
                    lambda p, v=v: p.get("version") == v,  # type: ignore[misc]
                    since=client.notifications.index(note) + 1,
                ),
                60,
            )
            builtin.append(note.at - sent)
            with_node.append(again.at - sent)
            current = current[:at] + " " + current[at:]
        await client.request("shutdown")
        await client.notify("exit")
    finally:
        await sp.stop()
    added = [b - a for a, b in zip(builtin, with_node, strict=True)]
    return {
        "node_debounce_s": node_debounce,
        "edits": edits,
        "builtin_publish": _ms(builtin),
        "node_publish": _ms(with_node),
        "node_adds": _ms(added),
    }


async def arun(quick: bool = False) -> dict[str, Any]:
    from tests.rnode.fake_node import FakeNode

    node = FakeNode().start()
    try:
        edits = 10 if quick else 40
        runs = [await measure(node.address, d, edits) for d in (0.0, 0.15)]
        return {"benchmark": "node_diagnostics", "quick": quick, "runs": runs}
    finally:
        node.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    print(json.dumps(asyncio.run(arun(args.quick)), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
