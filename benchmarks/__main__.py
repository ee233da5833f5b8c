"""``python -m benchmarks [--quick] [--write]``: run every suite against the real server.

A full run writes BENCHMARKS.md; ``--quick`` writes it only with ``--write`` (else the report
goes to ``benchmarks-quick.md`` in the working directory, and the committed figures stay).
Not part of the test run. ``--only lifecycle,websocket`` runs some suites (the
report then marks the others' rows "not measured"); ``--json PATH`` also writes
the raw samples.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import sys
import time
import traceback
from pathlib import Path

from benchmarks.harness import ROOT, machine_info
from benchmarks.report import render, to_json, write
from benchmarks.suite_common import SEED, Context, Row

SUITES: tuple[str, ...] = (
    "components",
    "lifecycle",
    "connections",
    "websocket",
    "requests",
    "editing",
)


async def run_suites(ctx: Context, names: list[str]) -> tuple[list[Row], dict[str, str]]:
    rows: list[Row] = []
    failures: dict[str, str] = {}
    for name in names:
        mod = importlib.import_module(f"benchmarks.suite_{name}")
        t0 = time.perf_counter()
        ctx.say(f"== suite {name}")
        try:
            rows += await mod.run(ctx)
        except Exception as e:  # noqa: BLE001 - reported, the other suites still run
            traceback.print_exc()
            failures[name] = f"{type(e).__name__}: {e}"
        ctx.say(f"== suite {name} done in {time.perf_counter() - t0:.1f}s")
    return rows, failures


def report_path(out: Path | None, *, quick: bool, write: bool) -> Path:
    """Where the report goes: a quick run leaves the committed BENCHMARKS.md alone unless told."""
    if out is not None:
        return out
    return Path("benchmarks-quick.md") if quick and not write else ROOT / "BENCHMARKS.md"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    ap.add_argument("--quick", action="store_true", help="fewer repetitions (< 2 min on 2 cores)")
    ap.add_argument("--only", help=f"comma-separated suites among {', '.join(SUITES)}")
    ap.add_argument(
        "--out",
        type=Path,
        help="report path (default: BENCHMARKS.md; with --quick, benchmarks-quick.md unless --write)",
    )
    ap.add_argument(
        "--write", action="store_true", help="with --quick: overwrite BENCHMARKS.md all the same"
    )
    ap.add_argument("--json", type=Path, help="also write the raw samples as JSON here")
    ap.add_argument("--seed", type=int, default=SEED)
    args = ap.parse_args(argv)
    args.out = report_path(args.out, quick=args.quick, write=args.write)
    names = list(SUITES)
    if args.only:
        names = [n.strip() for n in args.only.split(",") if n.strip()]
        unknown = [n for n in names if n not in SUITES]
        if unknown:
            ap.error(f"unknown suite(s): {', '.join(unknown)}")

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    ctx = Context.create(args.quick, seed=args.seed, log=log)
    machine = machine_info()
    log("machine: " + "; ".join(f"{k} {v}" for k, v in machine.items()))
    t0 = time.perf_counter()
    try:
        rows, failures = asyncio.run(run_suites(ctx, names))
    finally:
        ctx.cleanup()
    seconds = time.perf_counter() - t0
    for name in SUITES:
        if name not in names:
            failures.setdefault(name, "not run (--only)")
    command = "python -m benchmarks" + (" --quick" if args.quick else "")
    text = render(
        rows,
        machine=machine,
        quick=args.quick,
        seed=args.seed,
        seconds=seconds,
        command=command,
        failures=failures,
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
        + (f" ({len(failures)} suite failure(s))" if failures else "")
    )
    return 1 if any(not v.startswith("not run") for v in failures.values()) else 0


if __name__ == "__main__":
    raise SystemExit(main())
