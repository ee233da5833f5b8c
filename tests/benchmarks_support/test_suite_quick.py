"""Smoke test of the benchmark suite (``python -m benchmarks``) so that it does not rot.

Imports every area module, runs one tiny end-to-end measurement through the
harness (real server subprocess, 5-file workspace) and renders a report.
"""

from __future__ import annotations

import asyncio
import importlib
import re
import urllib.request
from pathlib import Path

import pytest
from benchmarks.__main__ import AREAS
from benchmarks.common import Context, Row, interleaved, ratios
from benchmarks.harness import ServerProcess, summarize, wait_indexed
from benchmarks.report import CRITERIA, ISSUE19, render, rows_table
from benchmarks.treesitter import NoGrammar, TreeSitter


def test_every_area_module_imports_and_has_run() -> None:
    for name in AREAS:
        mod = importlib.import_module(f"benchmarks.{name}")
        assert callable(mod.run)
        # each area runs alone too: python -m benchmarks.<area>
        source = Path(mod.__file__ or "").read_text(encoding="utf-8")
        assert "run_alone(run, __doc__)" in source, name


def test_no_grammar_means_not_run(tmp_path: Path) -> None:
    ctx = Context(quick=True, workdir=tmp_path, log=lambda _m: None)
    with pytest.raises(NoGrammar, match="not run: no grammar given"):
        ctx.tree_sitter()
    with pytest.raises(NoGrammar, match="not run"):
        TreeSitter.load(tmp_path / "missing.so")


def test_interleaved_rounds_alternate_the_order() -> None:
    calls: list[str] = []

    def case(name: str, value: float) -> object:
        def run() -> float:
            calls.append(name)
            return value

        return run

    got = interleaved({"a": case("a", 2.0), "b": case("b", 1.0)}, 4, warmup=1)  # type: ignore[dict-item]
    assert calls == ["a", "b", "a", "b", "b", "a", "a", "b", "b", "a"]
    assert got == {"a": [2.0] * 4, "b": [1.0] * 4}
    assert ratios(got["a"], got["b"]) == [2.0] * 4


def test_issue19_rows_are_all_reported() -> None:
    rows = [
        Row(
            "i19_edit_2k",
            "edit",
            "ms",
            [3.0, 4.0, 6.0],
            target="≤ 5 ms",
            passed=True,
            section="issue19",
        ),
        Row(
            "i19_parse_vs_ts",
            "vs ts",
            "×",
            target="≤ 5×",
            section="issue19",
            not_measured="not run: no grammar given (--tree-sitter-lib)",
        ),
    ]
    text = render(
        rows, machine={"cores": "2"}, quick=True, seed=42, seconds=1.0, command="test", failures={}
    )
    assert "## Issue 19" in text
    for _title, _today, target in ISSUE19.values():
        assert target in text  # every row of the issue's table, measured or not
    assert "| edit | 35 ms | ≤ 5 ms | 4.00 ms | 3.00 – 6.00 (n=3) | pass |" in text
    assert "not measured (not run: no grammar given (--tree-sitter-lib))" in text
    assert any("i19_edit_2k" in line for line in rows_table(rows))


async def test_tiny_end_to_end_measurement(tmp_path: Path) -> None:
    ctx = Context(quick=True, workdir=tmp_path, log=lambda _m: None)
    info = ctx.workspace(5)
    sp = await ServerProcess.start("tcp", "--metrics-port", "0", cache_dir=tmp_path / "cache")
    try:
        client = await sp.client()
        result, seconds = await client.initialize(info.root)
        assert "capabilities" in result and seconds > 0
        await wait_indexed(client, timeout=30)
        _, rtt = await client.request_timed("rholang/ping", {"x": 1})
        snap = await client.request("rholang/metrics")
        assert snap["enabled"] is True
        assert snap["requests"]["by_method"]["rholang/ping"]["count"] == 1
        assert snap["initialize_ms"]["count"] == 1
        assert sp.rss() > 0
        url = re.search(r"metrics on (http://127\.0\.0\.1:\d+/metrics)", sp.log_text())
        assert url is not None  # bound to loopback by default
        body = await asyncio.to_thread(lambda: urllib.request.urlopen(url[1], timeout=10).read())
        assert b'rholang_lsp_requests_total{method="rholang/ping",outcome="ok"} 1.0' in body
        await client.shutdown()
    finally:
        await sp.stop()
    assert "metrics: uptime" in sp.log_text()  # the shutdown summary line
    rows = [
        Row(
            "initialize",
            "Initialize request completes in < 20 ms",
            "ms",
            [seconds * 1000, rtt * 1000],
            passed=True,
        )
    ]
    text = render(
        rows, machine={"cores": "2"}, quick=True, seed=42, seconds=1.0, command="test", failures={}
    )
    assert "| Initialize request completes in < 20 ms" in text
    for _key, (title, _t, _g) in CRITERIA.items():
        assert title in text  # every criterion has a row, measured or not
    assert summarize([1.0, 2.0, 3.0]).median == 2.0
