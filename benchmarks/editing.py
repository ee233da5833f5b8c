"""Editing figures: ``python -m benchmarks.editing [--quick]``.

* **edit → diagnostics-ready, in process** (issue 19): a one-character edit inside a
  contract body of the 2,005- and 20,010-line files (``parser.file_with_lines``), typed then
  deleted, each on the previous version: the text edit, the session snapshot, the cached
  analysis (incremental reparse + re-analysis) and the document's diagnostics, i.e. what one
  diagnostics run after a keystroke costs the server (``BuiltinProvider.diagnose`` without
  the transport). Both sizes in interleaved rounds.
* **binder scaling** (issue 19): ``bind`` of the 20,010- vs the 2,005-line file with the
  store channels left undeclared (every use an unbound name), per round.
* **didChange → publishDiagnostics, end to end**: the real server (stdio) with a workspace
  holding one generated ~2,000-line file (``workspace_gen.generate_large_file``), opened by
  the client. Each edit is an incremental ``textDocument/didChange`` (one character typed
  into, then deleted from, a string literal in the middle of the file); the figure is the
  time from sending it to receiving ``textDocument/publishDiagnostics`` for that version.
  Two servers side by side in the same run: the default debounce (``--diagnostics-debounce
  0.08``: the server waits for typing to pause) and no debounce (the analysis alone).
* **editing features in process** on that file: completion and signature help with the
  analysis cached, completion after an in-block edit (reparse + completion), semantic
  tokens, folding, formatting; and over stdio, didChange then completion.
* **what a node adds**: with ``--validator-backend`` on the test suite's fake node (a real
  gRPC server on loopback whose verdict is a regular expression, so its own time is near
  zero), the second publish (the node's verdict merged in) after the first.
"""

from __future__ import annotations

import asyncio
import gc
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.common import Context, Row, interleaved, ms, ratios, run_alone, timed_held
from benchmarks.harness import LspClient, ServerProcess, percentile, wait_indexed
from benchmarks.parser import edit_point, file_with_lines
from benchmarks.workspace_gen import generate_large_file
from rholang_lsp.features.completion import complete
from rholang_lsp.features.diagnostics import document_diagnostics
from rholang_lsp.features.folding import folding_ranges
from rholang_lsp.features.formatting import format_edits
from rholang_lsp.features.semantic_tokens import semantic_tokens
from rholang_lsp.features.signature_help import signature_help
from rholang_lsp.semantics.binder import bind
from rholang_lsp.server.handlers.editing import encode_semantic_tokens
from rholang_lsp.syntax import parse, reparse
from rholang_lsp.syntax.line_index import LineIndex
from rholang_lsp.workspace.analysis import AnalysisCache
from rholang_lsp.workspace.documents import TextDocument
from rholang_lsp.workspace.snapshot import SimpleDocument, Snapshot

URI = "file:///bench/large.rho"


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


async def _server(
    root: Path, path: Path, text: str, *args: str
) -> tuple[ServerProcess, LspClient, str]:
    sp = await ServerProcess.start("stdio", *args)
    client = await sp.client()
    await client.initialize(root)
    await wait_indexed(client)
    since = len(client.notifications)
    uri = await client.open(path, text)
    await asyncio.wait_for(
        client.wait_for(
            "textDocument/publishDiagnostics", lambda p: p.get("uri") == uri, since=since
        ),
        60,
    )
    return sp, client, uri


async def _did_change_rows(ctx: Context) -> list[Row]:
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


# ------------------------------------------------------------------ edit → diagnostics-ready


class EditToDiagnostics:
    """An open document edited one character at a time inside a contract body (typed, then
    deleted), each edit followed by what a diagnostics run computes."""

    def __init__(self, text: str) -> None:
        self.pos = edit_point(text)
        self.doc = TextDocument(URI, text, 1)
        self.cache = AnalysisCache()
        self.typed = False
        self.diagnostics = self._run()  # the didOpen analysis, not timed

    def _run(self) -> int:
        snap = Snapshot({URI: self.doc}, cache=self.cache)
        n = len(document_diagnostics(self.doc.text, uri=URI, snapshot=snap))
        del snap  # as the server does: release the analyses it pinned
        return n

    def one(self) -> float:
        pos, doc = self.pos, self.doc
        t0 = time.perf_counter()
        if self.typed:
            doc.replace(pos, pos + 1, "")
        else:
            doc.replace(pos, pos, "z")
        doc.version += 1
        self._run()
        dt = time.perf_counter() - t0
        self.typed = not self.typed
        return dt


def _block_median(fn: Callable[[], float], n: int) -> Callable[[], float]:
    return lambda: statistics.median(fn() for _ in range(n))


def _edit_rows(ctx: Context) -> list[Row]:
    small = file_with_lines(None, 2000)
    big = file_with_lines(None, 20000)
    ls, lb = small.count("\n"), big.count("\n")
    per_block = ctx.reps(3, 8)
    rounds = ctx.reps(2, 5)
    ctx.say(f"edit → diagnostics-ready in process: {ls} and {lb} lines, {rounds} rounds")
    gc.collect()
    edits = {"small": EditToDiagnostics(small), "big": EditToDiagnostics(big)}
    samples: dict[str, list[float]] = {"small": [], "big": []}

    def block(name: str) -> Callable[[], float]:
        def run() -> float:
            xs = [edits[name].one() * 1000 for _ in range(per_block)]
            samples[name] += xs
            return statistics.median(xs)

        return run

    interleaved({k: block(k) for k in edits}, rounds, warmup=0)
    rows = []
    for key, name, nlines, target, limit in (
        ("i19_edit_2k", "small", ls, "≤ 5 ms", 5.0),
        ("i19_edit_20k", "big", lb, "≤ 15 ms", 15.0),
    ):
        xs = samples[name]
        rows.append(
            Row(
                key,
                f"one-character edit in a contract body → diagnostics-ready, {nlines:,}-line "
                "file (in process)",
                "ms",
                xs,
                target=target,
                passed=statistics.median(xs) <= limit,
                section="issue19",
                note=f"p99 {percentile(xs, 99):.1f} ms; text edit + snapshot + analysis "
                f"(reparse + re-analysis) + diagnostics; {edits[name].diagnostics} diagnostics",
            )
        )
    return rows


def strip_top_new(text: str) -> str:
    """``text`` without its top-level ``new … in {`` and the closing ``}``: every channel
    it declared becomes an unbound name (the input i19-index used for this row)."""
    start = text.index("\nnew ") + 1
    body = text.index(" in {", start) + len(" in {")
    close = text.rindex("}")
    return text[:start] + text[body:close] + text[close + 1 :]


def _bind_ratio(ctx: Context, small: str, big: str) -> tuple[list[float], dict[str, Any]]:
    ps, pb = parse(small), parse(big)

    def timed(result: Any) -> Callable[[], float]:
        # the model held until the clock stops, earlier samples' garbage (and the young
        # trees just parsed) collected outside it: ``timed_held``
        return lambda: timed_held(lambda: bind(result))

    got = interleaved({"small": timed(ps), "big": timed(pb)}, ctx.reps(2, 5))
    unbound = [sum(1 for r in bind(x).references if r.symbol is None) for x in (ps, pb)]
    info = {
        "lines": (small.count("\n"), big.count("\n")),
        "bytes": len(big) / len(small),
        "ms": (statistics.median(got["small"]) * 1000, statistics.median(got["big"]) * 1000),
        "unbound": unbound,
    }
    return ratios(got["big"], got["small"]), info


def _binder_rows(ctx: Context) -> list[Row]:
    ctx.say("binder scaling: 20k vs 2k lines with unbound names")
    rs, i = _bind_ratio(
        ctx,
        file_with_lines(None, 2000, declare_stores=False),
        file_with_lines(None, 20000, declare_stores=False),
    )
    if ctx.quick:
        rg, g = [], {}
    else:
        rg, g = _bind_ratio(
            ctx,
            strip_top_new(generate_large_file(2000, seed=ctx.seed)),
            strip_top_new(generate_large_file(20000, seed=ctx.seed)),
        )

    def describe(x: dict[str, Any]) -> str:
        return (
            f"{x['lines'][1]:,} vs {x['lines'][0]:,} lines, {x['bytes']:.2f}× the bytes, "
            f"{x['unbound'][1]:,} vs {x['unbound'][0]:,} unbound uses; bind {x['ms'][0]:.1f} "
            f"vs {x['ms'][1]:.0f} ms"
        )

    return [
        Row(
            "i19_binder",
            "binder, 20k vs 2k lines with unbound names",
            "×",
            rs,
            target="≤ 11× (linear)",
            passed=statistics.median(rs) <= 11.0,
            section="issue19",
            note=f"file_with_lines, store channels undeclared: {describe(i)}; per round (CPU time; "
            "each model held until the clock stops, earlier samples' garbage collected outside "
            "it)"
            + (
                f". Generated files without their top-level new: {statistics.median(rg):.2f}× "
                f"({describe(g)})"
                if rg
                else ""
            ),
        ),
        Row(
            "binder_generated",
            "binder, 20k vs 2k lines, generated files without their top-level new",
            "×",
            rg,
            section="further",
            note=describe(g) if g else "",
            not_measured=None if rg else "quick mode: full run only",
        ),
    ]


# ------------------------------------------------------------------ features in process


def _edit_points(text: str) -> list[int]:
    """Offsets right after ``{ ``: typing there is an edit inside a balanced block."""
    return [i + 2 for i in range(len(text) - 2) if text[i] == "{" and text[i + 1] == " "]


def _timed_ms(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return (time.perf_counter() - t0) * 1000


def _feature_rows(ctx: Context) -> list[Row]:
    text = generate_large_file(lines=2000, seed=ctx.seed)
    nlines = text.count("\n") + 1
    samples = ctx.reps(60, 300)
    runs = ctx.reps(3, 10)
    ctx.say(f"editing features in process: {nlines}-line file, {samples} positions")
    snap = Snapshot({URI: SimpleDocument(URI, text, 1)})
    a = snap.analysis(URI)
    assert a is not None
    rng = random.Random(7)
    positions = [rng.randrange(len(text)) for _ in range(samples)]
    rows: list[Row] = []

    def row(key: str, title: str, xs: list[float], note: str = "") -> None:
        rows.append(
            Row(
                key,
                f"{title} ({nlines}-line file)",
                "ms",
                xs,
                section="detail",
                digits=3,
                note=note,
            )
        )

    comp = [_timed_ms(lambda off=off: complete(snap, URI, off)) for off in positions]
    row(
        "completion_cached",
        "completion, analysis cached",
        comp,
        f"p99 {percentile(comp, 99):.2f} ms",
    )
    sig = [_timed_ms(lambda off=off: signature_help(snap, URI, off)) for off in positions]
    row(
        "signature_help_cached",
        "signature help, analysis cached",
        sig,
        f"p99 {percentile(sig, 99):.2f} ms",
    )
    # one character typed after a `{ `, then completion right after it on the new tree
    parsed = parse(text)
    after_edit: list[float] = []
    for _ in range(ctx.reps(20, 100)):
        at = rng.choice(_edit_points(parsed.text))
        ch = rng.choice("sxcr")
        t0 = time.perf_counter()
        parsed = reparse(parsed, at, at, ch)
        complete(_ParsedSnapshot(URI, parsed, 2), URI, at + 1)
        after_edit.append((time.perf_counter() - t0) * 1000)
    row(
        "completion_after_edit",
        "in-block edit: reparse + completion from the tree",
        after_edit,
        f"p99 {percentile(after_edit, 99):.2f} ms",
    )
    index = LineIndex(text)
    toks = semantic_tokens(a.parse, a.model)
    row(
        "semantic_tokens",
        "semantic tokens, full (classify + encode)",
        [
            _timed_ms(
                lambda: encode_semantic_tokens(index, semantic_tokens(a.parse, a.model), "utf-16")
            )
            for _ in range(runs)
        ],
        f"{len(toks)} tokens",
    )
    row(
        "folding",
        "folding ranges",
        [_timed_ms(lambda: folding_ranges(a.parse, index)) for _ in range(runs)],
    )
    row(
        "formatting",
        "formatting, cached parse (layout + edits)",
        [_timed_ms(lambda: format_edits(text, parsed=a.parse)) for _ in range(runs)],
    )
    return rows


class _ParsedSnapshot(Snapshot):
    """A snapshot whose latest parse tree is given (the tree ``reparse`` returned)."""

    def __init__(self, uri: str, result: Any, version: int) -> None:
        super().__init__({uri: SimpleDocument(uri, result.text, version)})
        self._result = result

    def parse(self, uri: str) -> Any:
        return self._result if uri in self.documents else None


async def _completion_over_stdio(ctx: Context) -> Row:
    """didChange (a character typed after a ``{ ``) then completion right after it, over
    stdio with default settings: from sending the didChange to the completion response."""
    text = generate_large_file(lines=2000, seed=ctx.seed)
    rng = random.Random(7)
    edits = ctx.reps(20, 100)
    sp = await ServerProcess.start("stdio")
    latencies: list[float] = []
    try:
        client = await sp.client()
        await client.initialize(None, progress=False)
        await client.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": URI, "languageId": "rholang", "version": 1, "text": text}},
        )
        current = text
        await client.request(
            "textDocument/completion",
            {"textDocument": {"uri": URI}, "position": {"line": 0, "character": 0}},
        )
        for v in range(2, edits + 2):
            at = rng.choice(_edit_points(current))
            ch = rng.choice("sxcr")
            line, col = LineIndex(current).position(at)
            pos = {"line": line, "character": col}
            t0 = time.perf_counter()
            await client.notify(
                "textDocument/didChange",
                {
                    "textDocument": {"uri": URI, "version": v},
                    "contentChanges": [{"range": {"start": pos, "end": pos}, "text": ch}],
                },
            )
            await client.request(
                "textDocument/completion",
                {"textDocument": {"uri": URI}, "position": {"line": line, "character": col + 1}},
            )
            latencies.append(ms(time.perf_counter() - t0))
            current = current[:at] + ch + current[at:]
        await client.shutdown()
    finally:
        await sp.stop()
    return Row(
        "completion_after_did_change",
        f"didChange then completion over stdio ({text.count(chr(10)) + 1}-line file)",
        "ms",
        latencies,
        section="detail",
        note=f"p99 {percentile(latencies, 99):.1f} ms",
    )


async def _node_rows(ctx: Context) -> list[Row]:
    """The node's verdict merged in: second publish after the first, ``--node-debounce 0``."""
    try:
        from tests.rnode.fake_node import FakeNode
    except ImportError as e:  # grpcio (the `node` extra) or the tests are absent
        return [
            Row(
                "node_adds",
                "what a node's verdict adds to didChange → diagnostics",
                "ms",
                section="detail",
                not_measured=f"{type(e).__name__}: {e}",
            )
        ]
    text = generate_large_file(lines=2000, seed=ctx.seed)
    rng = random.Random(ctx.seed)
    node = FakeNode().start()
    builtin: list[float] = []
    added: list[float] = []
    publish = "textDocument/publishDiagnostics"
    try:
        sp = await ServerProcess.start(
            "stdio",
            "--diagnostics-debounce",
            "0",
            "--validator-backend",
            f"grpc:{node.address}",
            "--node-debounce",
            "0",
        )
        try:
            client = await sp.client()
            await client.initialize(None, progress=False)
            await client.open(Path("/bench/node.rho"), text)
            uri = Path("/bench/node.rho").resolve().as_uri()
            first = await asyncio.wait_for(
                client.wait_for(publish, lambda p: p.get("version") == 1), 60
            )
            await asyncio.wait_for(
                client.wait_for(
                    publish,
                    lambda p: p.get("version") == 1,
                    since=client.notifications.index(first) + 1,
                ),
                60,
            )
            current = text
            for v in range(2, ctx.reps(10, 40) + 2):
                at = rng.choice(_edit_points(current))
                line, ch = LineIndex(current).position(at)
                since = len(client.notifications)
                sent = time.perf_counter()
                pos = {"line": line, "character": ch}
                await client.notify(
                    "textDocument/didChange",
                    {
                        "textDocument": {"uri": uri, "version": v},
                        "contentChanges": [{"range": {"start": pos, "end": pos}, "text": " "}],
                    },
                )
                note = await asyncio.wait_for(
                    client.wait_for(publish, lambda p, v=v: p.get("version") == v, since=since),
                    60,
                )
                again = await asyncio.wait_for(
                    client.wait_for(
                        publish,
                        lambda p, v=v: p.get("version") == v,
                        since=client.notifications.index(note) + 1,
                    ),
                    60,
                )
                builtin.append(ms(note.at - sent))
                added.append(ms(again.at - note.at))
                current = current[:at] + " " + current[at:]
            await client.shutdown()
        finally:
            await sp.stop()
    finally:
        node.stop()
    return [
        Row(
            "node_adds",
            "what a node's verdict adds after the built-in publish (fake node, --node-debounce 0)",
            "ms",
            added,
            section="detail",
            note=f"built-in publish after didChange: median {statistics.median(builtin):.1f} ms",
        ),
    ]


async def run(ctx: Context) -> list[Row]:
    rows = _edit_rows(ctx)
    rows += _binder_rows(ctx)
    rows += await _did_change_rows(ctx)
    rows += _feature_rows(ctx)
    rows.append(await _completion_over_stdio(ctx))
    rows += await _node_rows(ctx)
    return rows


if __name__ == "__main__":
    raise SystemExit(run_alone(run, __doc__))
