"""The fuzz suite in quick mode (``benchmarks/fuzz.py``; the long mode is
``python -m benchmarks.fuzz --long``, outside the test run): the real server process
over TCP, every class of hostile input, and the issue-20 guarantees asserted."""

from __future__ import annotations

from benchmarks import fuzz


async def test_fuzz_quick_every_class() -> None:
    report = await fuzz.run(classes=fuzz.CLASSES)
    figures = report.to_json()
    print(figures)  # the figures, with -s
    assert report.violations == [], report.violations
    assert report.internal_errors == [], report.internal_errors
    assert report.worst_stall_ms <= fuzz.STALL_LIMIT_MS
    assert report.peak_rss_mb <= fuzz.RSS_LIMIT_MB
    # every class ran (the corpus ones need ../shared/corpus)
    for name in ("framing", "params", "edits utf-8", "edits utf-16", "edits utf-32"):
        assert report.inputs[name] > 0, name
    if fuzz.corpus_files():  # LF, CRLF and CR variants keep their endings (finding 4)
        assert report.inputs["formatting CRLF"] > 0 and report.inputs["formatting CR"] > 0
    assert report.inputs["churned connections"] > 0
    assert report.inputs["unauthenticated connections"] > 0
    assert report.pings > 10
