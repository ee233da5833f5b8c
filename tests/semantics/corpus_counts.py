"""Diagnostics on the shared corpus, per file under the file's dialect, counted per code.

The dialect of a file is the node it was written for: ``rnode-only`` files and the RChain
community sources are RNode programs, ``rholang-rs-only`` files and the F1R3FLY sources are
F1R3FLY programs (``dialect``). "Accepted" files are those a reference grammar accepts as
Rholang 1.x (categories ``valid``, ``rnode-only``, ``rholang-rs-only``).

Used by ``test_corpus_semantics.py`` and as a measurement tool::

    python -m tests.semantics.corpus_counts                 # table of counts per code
    python -m tests.semantics.corpus_counts --json out.json # the same, machine-readable
    python -m tests.semantics.corpus_counts --diff before.json  # before/after per code
    python -m tests.semantics.corpus_counts --list CODE     # every hit of one code

Syntax diagnostics are included (source ``rholang-parser``); cross-file hints are not
(each file is analysed alone, as the node deploys it).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from rholang_lsp.semantics.diagnostics import semantic_diagnostics
from rholang_lsp.syntax import parse
from rholang_lsp.syntax.diagnostic import Diagnostic

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus"
ACCEPTED = frozenset({"valid", "rnode-only", "rholang-rs-only"})
_F1R3FLY_SOURCES = ("f1r3node/", "f1r3node-rust/", "rholang-rs/")


@dataclass(frozen=True, slots=True)
class Hit:
    path: str
    line: int
    severity: str
    code: str
    text: str
    message: str


def rows() -> list[dict[str, str]]:
    with (CORPUS / "MANIFEST.tsv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def dialect(row: dict[str, str]) -> str:
    """The target a corpus file was written for."""
    if row["category"] == "rnode-only":
        return "rnode"
    if row["category"] == "rholang-rs-only":
        return "f1r3fly"
    return "f1r3fly" if row["path"].startswith(_F1R3FLY_SOURCES) else "rnode"


def diagnostics(path: str, target: str) -> tuple[str, list[Diagnostic]]:
    text = (CORPUS / path).read_text(encoding="utf-8", errors="replace")
    res = parse(text, target=target)
    out = list(res.diagnostics)
    out.extend(semantic_diagnostics(res, uri="file:///corpus/" + path, target=target))
    return text, out


def hits(*, accepted_only: bool = True) -> list[Hit]:
    out: list[Hit] = []
    for row in rows():
        if accepted_only and row["category"] not in ACCEPTED:
            continue
        text, diags = diagnostics(row["path"], dialect(row))
        for d in diags:
            out.append(
                Hit(
                    row["path"],
                    text.count("\n", 0, d.start) + 1,
                    d.severity.label,
                    d.code or "",
                    text[d.start : d.end],
                    d.message,
                )
            )
    return out


def counts(found: list[Hit]) -> dict[str, dict[str, int]]:
    """{severity: {code: count}} plus the number of files per code under ``files``."""
    by: dict[str, Counter[str]] = {}
    files: dict[str, set[str]] = {}
    for h in found:
        by.setdefault(h.severity, Counter())[h.code] += 1
        files.setdefault(f"{h.severity}:{h.code}", set()).add(h.path)
    out: dict[str, dict[str, int]] = {s: dict(sorted(c.items())) for s, c in sorted(by.items())}
    out["files"] = {k: len(v) for k, v in sorted(files.items())}
    return out


def _table(c: dict[str, dict[str, int]], before: dict[str, dict[str, int]] | None) -> str:
    lines = [
        "| severity | code | count | files |"
        if before is None
        else "| severity | code | before | after | files before | files after |",
        "|---|---|---:|---:|" if before is None else "|---|---|---:|---:|---:|---:|",
    ]
    sevs = sorted(
        {s for s in c if s != "files"} | ({s for s in before if s != "files"} if before else set())
    )
    for sev in sevs:
        codes = sorted(set(c.get(sev, {})) | (set(before.get(sev, {})) if before else set()))
        for code in codes:
            key = f"{sev}:{code}"
            if before is None:
                lines.append(f"| {sev} | {code} | {c[sev][code]} | {c['files'][key]} |")
            else:
                lines.append(
                    f"| {sev} | {code} | {before.get(sev, {}).get(code, 0)} | "
                    f"{c.get(sev, {}).get(code, 0)} | {before['files'].get(key, 0)} | "
                    f"{c['files'].get(key, 0)} |"
                )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="corpus_counts", description=__doc__.split("\n")[0])
    ap.add_argument("--all", action="store_true", help="every corpus file, not only accepted ones")
    ap.add_argument("--json", metavar="FILE", help="write the counts as JSON")
    ap.add_argument("--diff", metavar="FILE", help="compare with counts written by --json")
    ap.add_argument("--list", metavar="CODE", help="print every hit of CODE")
    args = ap.parse_args(argv)
    found = hits(accepted_only=not args.all)
    if args.list:
        for h in found:
            if h.code == args.list:
                print(f"{h.path}:{h.line}\t{h.severity}\t{h.text!r}\t{h.message}")
        return 0
    c = counts(found)
    if args.json:
        Path(args.json).write_text(json.dumps(c, indent=1) + "\n", encoding="utf-8")
    before = json.loads(Path(args.diff).read_text(encoding="utf-8")) if args.diff else None
    sys.stdout.write(_table(c, before) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
