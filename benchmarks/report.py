"""Write ``BENCHMARKS.md`` from the rows the area modules measured."""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from benchmarks.common import Row
from benchmarks.harness import percentile

#: The roadmap's success criteria, in the report's order: key -> (criterion, seed target, our goal).
CRITERIA: dict[str, tuple[str, str, str]] = {
    "initialize": (
        "Initialize request completes in < 20 ms",
        "< 20 ms (was 100–500 ms)",
        "< 20 ms worst case",
    ),
    "progress": (
        "Progress notifications sent during indexing",
        "$/progress during indexing",
        "begin < 100 ms",
    ),
    "pending": (
        "Pending requests processed after indexing",
        "processed after indexing",
        "all correct",
    ),
    "memory_per_connection": ("Memory per connection < 10 MB", "< 10 MB (was ~100 MB)", "< 2 MB"),
    "reconnect": ("Reconnection time < 100 ms", "< 100 ms (was 100–500 ms)", "< 50 ms at p90"),
    "ws_batching": ("WebSocket throughput improved by batching", "+20–30% throughput", "≥ 1.20×"),
    "backpressure": (
        "Backpressure prevents buffer overflow",
        "prevents buffer overflow",
        "bounded",
    ),
}
#: Issue 19's table, in its order: key -> (figure, target). Every row is shown, measured or not.
ISSUE19: dict[str, tuple[str, str, str]] = {
    "i19_edit_2k": (
        "one-character edit in a contract body → diagnostics-ready, 2,005-line file",
        "35 ms",
        "≤ 5 ms",
    ),
    "i19_edit_20k": ("same, 20,010-line file", "372 ms", "≤ 15 ms"),
    "i19_reparse_vs_ts": (
        "incremental reparse vs tree-sitter edit + reparse, same edit",
        "14.4×",
        "≤ 5×",
    ),
    "i19_parse_mbs": ("parse throughput on the corpus", "2.36 MB/s", "≥ 4 MB/s"),
    "i19_parse_vs_ts": ("parse time on the corpus, ours / tree-sitter's", "8.7×", "≤ 5×"),
    "i19_parse_per_kb": (
        "parse cost per KB, 20,010-line vs 2,005-line file",
        "2.1×",
        "≤ 1.1× (linear)",
    ),
    "i19_binder": ("binder, 20k vs 2k lines with unbound names", "21×", "≤ 11× (linear)"),
    "i19_memory": (
        "memory of all corpus trees held",
        "43.6 (tree-sitter 20.0)",
        "≤ 25 B per source B",
    ),
    "i19_completion_1k": (
        "completion after a typed prefix `st`, 1,000 files, p99",
        "6.4 ms",
        "≤ 5 ms",
    ),
    "i19_completion_5k": (
        "completion after a typed prefix `st`, 5,000 files, p99",
        "40 ms",
        "≤ 5 ms",
    ),
    "i19_completion_flat": ("completion p99, 5,000 vs 1,000 files", "6.3×", "flat (≤ 1.5×)"),
    "i19_index_cold": ("cold indexing of 5,000 files, both cores", "4.2–8.4 s", "≤ 2.5 s"),
    "i19_index_vs_ts": (
        "cold indexing vs tree-sitter's single-core read + parse of the same files",
        "13.6×",
        "—",
    ),
    "i19_ws_batched": (
        "WebSocket, pipelined raw client: server / `websockets` echo server, batched",
        "0.56×",
        "≥ 0.8×",
    ),
    "i19_ws_plain": (
        "WebSocket, pipelined raw client: server / `websockets` echo server, one message per frame",
        "—",
        "— (no target)",
    ),
    "ws_minimal_vs_echo": (
        "WebSocket, batched: a minimal JSON-RPC responder on the same library / the echo server "
        "(the floor of a Python JSON-RPC server)",
        "—",
        "— (reference)",
    ),
    "ws_server_vs_minimal": (
        "WebSocket, batched: server / the minimal JSON-RPC responder",
        "—",
        "— (reference)",
    ),
    "i19_start": ("process start to first answer", "190 ms", "≤ 120 ms"),
}
#: Further figures the issue asks for by name (shown even when not measured).
FURTHER: dict[str, str] = {
    "parse_corpus": "parse throughput, shared corpus",
    "did_change_default": "didChange → diagnostics, 2,000-line file, default debounce",
}


def fmt(value: float, digits: int) -> str:
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.{digits}f}"


def _measured(row: Row) -> tuple[str, str]:
    s = row.summary
    if row.not_measured is not None or s is None:
        return f"not measured ({row.not_measured or 'no samples'})", "—"
    unit = f" {row.unit}" if row.unit else ""
    med = f"{fmt(s.median, row.digits)}{unit}"
    if s.n == 1:
        spread = "single run"
    else:
        spread = f"{fmt(s.lo, row.digits)} – {fmt(s.hi, row.digits)} (n={s.n})"
    return med, spread


def _verdict(row: Row) -> str:
    if row.not_measured is not None or not row.samples:
        return "—"
    if row.passed is None:
        return ""
    return "pass" if row.passed else "**FAIL**"


def rows_table(rows: list[Row]) -> list[str]:
    """Every row as one Markdown table (``python -m benchmarks.<area>`` prints this)."""
    tab = []
    for r in rows:
        med, spread = _measured(r)
        tab.append([r.key, r.title, r.target, med, spread, _verdict(r), r.note])
    return _table(["Key", "Figure", "Target", "Median", "Spread", "Result", "Notes"], tab)


def _esc(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table(head: list[str], rows: Iterable[list[str]]) -> list[str]:
    out = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    out += ["| " + " | ".join(_esc(c) for c in r) + " |" for r in rows]
    return out


FUZZ_FIGURES = Path(__file__).with_name("fuzz_figures.json")


def fuzz_section(path: Path = FUZZ_FIGURES) -> list[str]:
    """The last recorded long fuzz run (``python -m benchmarks.fuzz --long --record``)."""
    if not path.is_file():
        return []
    f = json.loads(path.read_text())
    inputs = ", ".join(f"{k} {v:,}" for k, v in f["inputs"].items())
    requests = sum(f["requests"].values())
    codes = ", ".join(f"{k}: {v:,}" for k, v in f["error_codes"].items()) or "none"
    return [
        "## Fuzz suite (issue 20)",
        "",
        f"`python -m benchmarks.fuzz --long` (seed {f['seed']}, {f['seconds']} s, recorded "
        f"{f.get('recorded', '?')}, load average {f.get('load_average', '?')} on this machine): "
        "the real server over TCP.",
        "",
        "| Figure | Value |",
        "|---|---|",
        f"| inputs per class | {inputs} |",
        f"| requests sent (all answered exactly once) | {requests:,} |",
        f"| error answers by code | {codes} |",
        f"| violations (missing/duplicate answers, stalls, tracebacks, RSS, diverging edits) "
        f"| {len(f['violations'])} |",
        f"| worst event-loop stall (loop-thread CPU between beats) | {f['worst_stall_ms']} ms |",
        f"| largest beat lateness (includes OS scheduling on a loaded machine) "
        f"| {f['max_lag_ms']} ms |",
        f"| other client's ping, worst round trip ({f['pings']:,} pings) "
        f"| {f['ping_worst_ms']} ms |",
        "| ... worst by class | "
        + ", ".join(f"{k} {v} ms" for k, v in f.get("ping_worst_ms_by_class", {}).items())
        + " |",
        f"| authenticate + initialize + ping during an unauthenticated flood "
        f"| {f.get('auth_during_flood_ms', '?')} ms |",
        f"| peak server RSS | {f['peak_rss_mb']} MB |",
        "",
    ]


TYPING_FIGURES = Path(__file__).with_name("typing_figures.json")


def typing_section(path: Path = TYPING_FIGURES) -> list[str]:
    """The last recorded typing replay (``python -m benchmarks.typing_replay --record``)."""
    if not path.is_file():
        return []
    f = json.loads(path.read_text())
    lines = [
        "## Typing replay (issue 13)",
        "",
        f"`python -m benchmarks.typing_replay --record` ({f['files']} corpus files, 4 spans of "
        f"1-3 lines each retyped one character per edit; {f['seconds']} s, recorded "
        f"{f['recorded']}, load average {f['load_average']}). The editor's requests run on the "
        "open document's incremental path in process (edit log, analysis cache, snapshot), so "
        "the latencies are the server's work per request without the transport.",
        "",
        '| Figure | typed | auto-closed `()[]{}""` |',
        "|---|---|---|",
    ]
    typed, auto = f["typed"], f["auto"]
    for key, label in (
        ("keystrokes", "keystrokes"),
        ("requests_per_keystroke", "requests per keystroke"),
        ("failed_requests", "failed requests"),
        ("argument_list_checks", "argument lists checked (signature help + names offered)"),
        ("argument_list_violations", "... where signature help or a name in scope was missing"),
        ("far_changes_per_keystroke", "diagnostics > 3 lines away that changed, per keystroke"),
    ):
        lines.append(f"| {label} | {typed[key]:,} | {auto[key]:,} |")
    for method in typed["latency_ms"]:
        t, a = typed["latency_ms"][method], auto["latency_ms"][method]
        lines.append(
            f"| {method} p50 / p99 | {t['p50']} / {t['p99']} ms | {a['p50']} / {a['p99']} ms |"
        )
    lines.append("")
    return lines


def render(
    rows: list[Row],
    *,
    machine: dict[str, str],
    quick: bool,
    seed: int,
    seconds: float,
    command: str,
    failures: dict[str, str],
    ts_note: str = "",
) -> str:
    by_key = {r.key: r for r in rows}
    now = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Benchmarks",
        "",
        f"Generated by `{command}` ({'quick' if quick else 'full'} mode, seed {seed}) on {now} "
        f"in {seconds:.0f} s. Do not edit: run the suite again.",
        "",
        "**Machine:** " + "; ".join(f"{k} {v}" for k, v in machine.items()) + ".",
        "",
        "Every figure comes from the real server started as a separate process and driven by "
        "a client over the wire (stdio, TCP, Unix socket or WebSocket), on workspaces the "
        "suite generates (deterministic, seeded: 1,000 files of contracts calling each other "
        "across files, 40–160 lines each; 5,000 for the scaling rows) plus a copy of "
        "`../shared/corpus`, except the figures marked in process (parser, binder, the "
        "analysis after an edit, editing features), which call the library directly. "
        "*Spread* is min – max over the repetitions (n); where a comparison is claimed, both "
        "sides ran side by side in the same run, in interleaved rounds.",
        "",
        "## Roadmap success criteria",
        "",
    ]
    crit_rows = []
    notes: list[str] = []
    for key, (title, target, goal) in CRITERIA.items():
        row = by_key.get(key) or Row(
            key, title, "", target=target, goal=goal, not_measured="suite failed"
        )
        med, spread = _measured(row)
        ref = ""
        if row.note:
            notes.append(row.note)
            ref = f" [{len(notes)}]"
        crit_rows.append(
            [row.title + ref, row.target or target, row.goal or goal, med, spread, _verdict(row)]
        )
    lines += _table(
        ["Criterion", "Seed target", "Our goal", "Measured (median)", "Spread", "Result"], crit_rows
    )
    lines.append("")
    for i, n in enumerate(notes, 1):
        lines.append(f"{i}. {n}")
    lines.append("")

    lines += ["## Issue 19: cost proportional to the edit, linear in size", ""]
    lines += [
        "Each row side by side with its reference in the same run (interleaved rounds: the "
        "ratio is taken per round, and its median and min – max shown); *Issue's figure* is "
        "the value issue 19 recorded when it was filed (another run, another corpus size: for "
        "context only). The reference parser "
        "is F1R3FLY's tree-sitter grammar compiled to C and driven from Python "
        + (f"({ts_note})" if ts_note else "(not given: those rows are not run)")
        + "; the WebSocket reference is the `websockets` library's own echo server.",
        "",
    ]
    i19 = []
    for key, (title, today, target) in ISSUE19.items():
        row = by_key.get(key) or Row(
            key, title, "", target=target, not_measured=failures.get("_i19", "area not run")
        )
        med, spread = _measured(row)
        i19.append([row.title, today, row.target or target, med, spread, _verdict(row), row.note])
    lines += _table(
        [
            "Figure",
            "Issue's figure",
            "Target",
            "Measured (median)",
            "Spread",
            "Result",
            "Notes",
        ],
        i19,
    )
    lines.append("")

    lat = [r for r in rows if r.section == "latency"]
    lines += ["## Request latency per method at 1,000 files", ""]
    if lat:
        lines.append(
            "Client round trip over stdio, sequential, probe positions of the generated "
            "workspace, the probed files open, index complete."
        )
        lines.append("")
        tab = []
        for r in lat:
            s = r.summary
            if s is None:
                continue
            tab.append(
                [
                    f"`{r.title}`",
                    fmt(percentile(r.samples, 50), 3),
                    fmt(percentile(r.samples, 99), 3),
                    fmt(s.hi, 3),
                    str(s.n),
                    r.note,
                ]
            )
        lines += _table(["Method", "p50 ms", "p99 ms", "max ms", "n", "Notes"], tab)
    else:
        lines.append("not measured (" + failures.get("requests", "suite not run") + ")")
    lines.append("")

    def section(
        name: str, title: str, intro: str = "", required: dict[str, str] | None = None
    ) -> None:
        sel = [r for r in rows if r.section == name]
        have = {r.key for r in sel}
        for key, t in (required or {}).items():
            if key not in have:
                sel.append(Row(key, t, "", not_measured="suite failed or not run", section=name))
        if not sel:
            return
        lines.extend([f"## {title}", ""])
        if intro:
            lines.extend([intro, ""])
        tab = []
        for r in sel:
            med, spread = _measured(r)
            extra = f" (goal {r.goal})" if r.goal else ""
            tab.append([r.title + extra, med, spread, _verdict(r), r.note])
        lines.extend(_table(["Figure", "Median", "Spread", "Result", "Notes"], tab))
        lines.append("")

    section("further", "Parser and editing", required=FURTHER)
    section(
        "comparisons",
        "Side by side (same run)",
        "Ratios from measurements interleaved in one run, so that they hold on a noisy machine.",
    )
    section("detail", "Other measurements")
    if failures:
        lines += ["## Failures", ""]
        for suite, err in failures.items():
            lines.append(f"- `{suite}`: {err}")
        lines.append("")
    lines += fuzz_section()
    lines += typing_section()
    lines += [
        "## How to reproduce",
        "",
        "```sh",
        ".venv/bin/python -m benchmarks          # full run (several minutes)",
        ".venv/bin/python -m benchmarks --quick  # under 2 minutes on 2 cores",
        "```",
        "",
        "One module per area (`benchmarks/parser.py`, `editing.py`, `indexing.py`, "
        "`requests.py`, `connections.py`, `lifecycle.py`, `websocket.py`) measures and declares "
        "its rows; each also runs alone (`python -m benchmarks.parser --quick`). "
        "`--only AREA[,AREA]` runs some of them. The end-to-end figures go through "
        "`benchmarks/harness.py`; the report is written by `benchmarks/report.py`.",
        "",
        "The tree-sitter rows need the `bench` extra (`pip install -e '.[bench]'`: the "
        "`tree-sitter` package) and a grammar built by the reader: "
        "`--tree-sitter-lib PATH` (or `RHOLANG_TREE_SITTER_LIB`), `--tree-sitter-symbol` "
        "(default `tree_sitter_rholang`)." + (f" This run: {ts_note}." if ts_note else ""),
        "",
    ]
    return "\n".join(lines)


def write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def to_json(rows: list[Row], **meta: Any) -> dict[str, Any]:
    return {**meta, "rows": [r.to_json() for r in rows]}
