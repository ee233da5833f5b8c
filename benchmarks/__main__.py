"""``python -m benchmarks [--quick] [--write] [--only AREA,...]``: run every area against the
real server (and in process where the figure is the parser's or the analysis's own).

One module per area measures and declares its report rows (``AREAS``; each also runs alone
with ``python -m benchmarks.<area>``). A full run writes BENCHMARKS.md; ``--quick`` writes
it only with ``--write`` (else the report goes to ``benchmarks-quick.md`` in the working
directory, and the committed figures stay). Not part of the test run. ``--only`` marks the
other areas' rows "not measured"; ``--json PATH`` also writes the raw samples.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import time
import traceback
from pathlib import Path

from benchmarks.common import (
    Context,
    Row,
    add_common_args,
    context_from_args,
    log_stderr,
)
from benchmarks.harness import ROOT, machine_info
from benchmarks.report import render, to_json, write
from benchmarks.treesitter import NoGrammar

#: The areas, in the order they run (module ``benchmarks.<area>``).
AREAS: tuple[str, ...] = (
    "parser",
    "editing",
    "indexing",
    "lifecycle",
    "connections",
    "websocket",
    "requests",
)


async def run_areas(ctx: Context, names: list[str]) -> tuple[list[Row], dict[str, str]]:
    rows: list[Row] = []
    failures: dict[str, str] = {}
    for name in names:
        mod = importlib.import_module(f"benchmarks.{name}")
        t0 = time.perf_counter()
        ctx.say(f"== {name}")
        try:
            rows += await mod.run(ctx)
        except Exception as e:  # noqa: BLE001 - reported, the other areas still run
            traceback.print_exc()
            failures[name] = f"{type(e).__name__}: {e}"
        ctx.say(f"== {name} done in {time.perf_counter() - t0:.1f}s")
    return rows, failures


def report_path(out: Path | None, *, quick: bool, write: bool) -> Path:
    """Where the report goes: a quick run leaves the committed BENCHMARKS.md alone unless told."""
    if out is not None:
        return out
    return Path("benchmarks-quick.md") if quick and not write else ROOT / "BENCHMARKS.md"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    add_common_args(ap)
    ap.add_argument("--only", help=f"comma-separated areas among {', '.join(AREAS)}")
    ap.add_argument(
        "--out",
        type=Path,
        help="report path (default: BENCHMARKS.md; with --quick, benchmarks-quick.md unless --write)",
    )
    ap.add_argument(
        "--write", action="store_true", help="with --quick: overwrite BENCHMARKS.md all the same"
    )
    ap.add_argument("--json", type=Path, help="also write the raw samples as JSON here")
    ap.add_argument(
        "--tree-sitter-source",
        default="",
        help="how the grammar given with --tree-sitter-lib was built (repository, commit, "
        "compiler and flags), quoted in the report",
    )
    args = ap.parse_args(argv)
    args.out = report_path(args.out, quick=args.quick, write=args.write)
    names = list(AREAS)
    if args.only:
        names = [n.strip() for n in args.only.split(",") if n.strip()]
        unknown = [n for n in names if n not in AREAS]
        if unknown:
            ap.error(f"unknown area(s): {', '.join(unknown)}")

    log = log_stderr
    ctx = context_from_args(args, log)
    machine = machine_info()
    log("machine: " + "; ".join(f"{k} {v}" for k, v in machine.items()))
    ts_note = ""
    try:
        ts_note = ctx.tree_sitter().describe()
        if args.tree_sitter_source:
            ts_note += f", built from {args.tree_sitter_source}"
    except NoGrammar as e:
        log(str(e))
    t0 = time.perf_counter()
    try:
        rows, failures = asyncio.run(run_areas(ctx, names))
    finally:
        ctx.cleanup()
    seconds = time.perf_counter() - t0
    for name in AREAS:
        if name not in names:
            failures.setdefault(name, "not run (--only)")
    command = "python -m benchmarks" + (" --quick" if args.quick else "")
    if args.only:
        command += f" --only {args.only}"
    text = render(
        rows,
        machine=machine,
        quick=args.quick,
        seed=args.seed,
        seconds=seconds,
        command=command,
        failures=failures,
        ts_note=ts_note,
    )
    write(args.out, text)
    if args.json:
        args.json.write_text(
            json.dumps(
                to_json(rows, machine=machine, quick=args.quick, seed=args.seed, failures=failures),
                indent=1,
                default=str,
            ),
            encoding="utf-8",
        )
    log(
        f"wrote {args.out} in {seconds:.0f}s"
        + (f" ({len(failures)} area failure(s))" if failures else "")
    )
    return 1 if any(not v.startswith("not run") for v in failures.values()) else 0


if __name__ == "__main__":
    raise SystemExit(main())
