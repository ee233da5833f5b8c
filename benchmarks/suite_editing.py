"""didChange → publishDiagnostics latency on a 2,000-line file, end to end.

The real server (stdio) with a workspace holding one generated ~2,000-line file
(``workspace_gen.generate_large_file``), opened by the client. Each edit is an
incremental ``textDocument/didChange`` (one character typed into, then deleted
from, a string literal in the middle of the file); the figure is the time from
sending it to receiving ``textDocument/publishDiagnostics`` for that document
version. Two servers side by side in the same run: the default debounce
(``--diagnostics-debounce 0.08``: the server waits for typing to pause) and no
debounce (the analysis time alone).
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.harness import LspClient, ServerProcess, wait_indexed
from benchmarks.suite_common import Context, Row, ms
from benchmarks.workspace_gen import generate_large_file


def _utf16_col(line: str, col: int) -> int:
    return col + sum(1 for ch in line[:col] if ord(ch) > 0xFFFF)


def _edit_point(text: str) -> tuple[int, int]:
    """(line, UTF-16 character) just inside a string literal near the middle of ``text``."""
    lines = text.split("\n")
    mid = len(lines) // 2
    for i in list(range(mid, len(lines))) + list(range(0, mid)):
        line = lines[i]
        q = line.find('"')
        if q >= 0 and line.find('"', q + 1) > q + 1 and "//" not in line[:q]:
            return i, _utf16_col(line, q + 1)
    raise ValueError("no string literal found")


def _for_version(uri: str, version: int) -> Callable[[Any], bool]:
    def match(p: Any) -> bool:
        return bool(p.get("uri") == uri and p.get("version") in (version, None))

    return match


async def _edits(client: LspClient, uri: str, line: int, char: int, n: int) -> list[float]:
    out: list[float] = []
    version = 1
    for i in range(n):
        version += 1
        if i % 2 == 0:
            change = {
                "range": {
                    "start": {"line": line, "character": char},
                    "end": {"line": line, "character": char},
                },
                "text": "z",
            }
        else:
            change = {
                "range": {
                    "start": {"line": line, "character": char},
                    "end": {"line": line, "character": char + 1},
                },
                "text": "",
            }
        since = len(client.notifications)
        waiter = client.wait_for(
            "textDocument/publishDiagnostics", _for_version(uri, version), since=since
        )
        t0 = time.perf_counter()
        await client.notify(
            "textDocument/didChange",
            {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]},
        )
        note = await asyncio.wait_for(waiter, 60)
        out.append(ms(note.at - t0))
    return out


async def _server(root: Path, path: Path, text: str, *args: str) -> tuple[ServerProcess, LspClient, str]:
    sp = await ServerProcess.start("stdio", *args)
    client = await sp.client()
    await client.initialize(root)
    await wait_indexed(client)
    since = len(client.notifications)
    uri = await client.open(path, text)
    await asyncio.wait_for(
        client.wait_for("textDocument/publishDiagnostics", lambda p: p.get("uri") == uri, since=since),
        60,
    )
    return sp, client, uri


async def run(ctx: Context) -> list[Row]:
    text = generate_large_file(2000, seed=ctx.seed)
    root = ctx.fresh_dir("large")
    path = root / "large.rho"
    path.write_text(text, encoding="utf-8")
    nlines = text.count("\n")
    line, char = _edit_point(text)
    n = ctx.reps(12, 40)
    ctx.say(f"didChange → diagnostics: {nlines}-line file, {n} edits × 2 servers")
    servers = {
        "debounce 0.08 s (default)": await _server(root, path, text),
        "no debounce": await _server(root, path, text, "--diagnostics-debounce", "0"),
    }
    results: dict[str, list[float]] = {k: [] for k in servers}
    try:
        for _ in range(2):  # warm-up round on both
            for _name, (_, c, uri) in servers.items():
                await _edits(c, uri, line, char, 2)
        rounds = 4
        for r in range(rounds):
            order = list(servers.items())
            if r % 2:
                order.reverse()
            for name, (_, c, uri) in order:
                results[name] += await _edits(c, uri, line, char, n // rounds)
    finally:
        for sp, c, _ in servers.values():
            await c.shutdown()
            await sp.stop()
    rows = []
    for name, samples in results.items():
        rows.append(
            Row(
                f"did_change_{'default' if 'default' in name else 'nodebounce'}",
                f"didChange → diagnostics, {nlines}-line file, {name}",
                "ms",
                samples,
                goal="< 250 ms with the default debounce" if "default" in name else "",
                passed=(statistics.median(samples) < 250.0) if "default" in name else None,
                section="further",
                note=f"incremental one-character edits at line {line}",
            )
        )
    return rows
