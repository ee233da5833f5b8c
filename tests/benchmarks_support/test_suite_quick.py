"""Smoke test of the benchmark suite (``python -m benchmarks``) so that it does not rot.

Imports every suite module, runs one tiny end-to-end measurement through the
harness (real server subprocess, 5-file workspace) and renders a report.
"""

from __future__ import annotations

import asyncio
import importlib
import re
import urllib.request
from pathlib import Path

from benchmarks.__main__ import SUITES
from benchmarks.harness import ServerProcess, summarize, wait_indexed
from benchmarks.report import CRITERIA, render
from benchmarks.suite_common import Context, Row


def test_every_suite_module_imports_and_has_run() -> None:
    for name in SUITES:
        mod = importlib.import_module(f"benchmarks.suite_{name}")
        assert callable(mod.run)


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
    rows = [Row("initialize", "Initialize request completes in < 20 ms", "ms", [seconds * 1000, rtt * 1000], passed=True)]
    text = render(rows, machine={"cores": "2"}, quick=True, seed=42, seconds=1.0, command="test", failures={})
    assert "| Initialize request completes in < 20 ms" in text
    for _key, (title, _t, _g) in CRITERIA.items():
        assert title in text  # every criterion has a row, measured or not
    assert summarize([1.0, 2.0, 3.0]).median == 2.0
