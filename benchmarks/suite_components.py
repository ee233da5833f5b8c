"""Component figures: parser throughput in process (``bench_parser.run``, on the shared
corpus and on the generated workspace, median of runs), and raw request throughput of the
real server over stdio and TCP (``bench_throughput.run``: ``rholang/ping``, sequential and
pipelined)."""

from __future__ import annotations

import time

from benchmarks import bench_parser, bench_throughput
from benchmarks.suite_common import Context, Row


def _parse_generated(ctx: Context, files: int, runs: int) -> tuple[list[float], int]:
    from rholang_lsp.syntax import parse

    info = ctx.workspace(files)
    texts = [p.read_text(encoding="utf-8") for p in info.files]
    size = sum(len(t.encode("utf-8")) for t in texts)
    rates = []
    for _ in range(runs):
        t0 = time.perf_counter()
        for t in texts:
            parse(t)
        rates.append(size / 1e6 / (time.perf_counter() - t0))
    return rates, size


async def run(ctx: Context) -> list[Row]:
    ctx.say("parser throughput (in process)")
    res = bench_parser.run(ctx.quick)
    rows: list[Row] = []
    corpus = res.get("corpus")
    if corpus:
        rows.append(
            Row(
                "parse_corpus",
                f"parse throughput, shared corpus ({corpus['files']} files, "
                f"{corpus['bytes'] / 1e6:.2f} MB), full parse",
                "MB/s",
                [corpus["mb_per_s"]],
                section="further",
                note=f"median of {res['runs']} runs",
            )
        )
    else:
        rows.append(
            Row(
                "parse_corpus",
                "parse throughput, shared corpus",
                "MB/s",
                section="further",
                not_measured="../shared/corpus not found next to the checkout",
            )
        )
    rates, size = _parse_generated(ctx, 1000, ctx.reps(2, 5))
    rows.append(
        Row(
            "parse_generated",
            f"parse throughput, generated workspace (1,000 files, {size / 1e6:.2f} MB)",
            "MB/s",
            rates,
            section="further",
        )
    )
    for nlines, f in sorted(res.get("files", {}).items()):
        if nlines >= 1000:
            rows.append(
                Row(
                    "parse_2000",
                    f"full parse / incremental reparse, {nlines}-line file",
                    "ms",
                    [f["parse_ms"]],
                    section="further",
                    note=(
                        f"in-block edit reparse {f['reparse_ms']:.2f} ms "
                        f"({'incremental' if f['incremental'] else 'full fallback'})"
                    ),
                )
            )
    ctx.say("transport throughput (bench_throughput: rholang/ping over stdio and TCP)")
    for transport, mode, n, rate, us in await bench_throughput.run(
        ctx.reps(500, 2000), ctx.reps(5000, 20000), ctx.reps(2, 3)
    ):
        rows.append(
            Row(
                f"throughput_{transport}_{mode}",
                f"rholang/ping over {transport}, {mode} ({n:,} requests, best run)",
                "req/s",
                [rate],
                section="detail",
                digits=0,
                note=f"{us:.1f} µs/request",
            )
        )
    return rows
