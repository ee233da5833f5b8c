"""``rholang-lsp check PATH... [--format text|json] [--target rnode|f1r3fly]``.

Exit status: 0 without error-severity diagnostics, 1 with errors, 2 on usage errors
or unreadable/nonexistent paths.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from rholang_lsp.features.diagnostics import document_diagnostics
from rholang_lsp.syntax.diagnostic import Diagnostic, Severity
from rholang_lsp.syntax.line_index import LineIndex
from rholang_lsp.workspace.analysis import AnalysisCache
from rholang_lsp.workspace.index import WorkspaceIndex
from rholang_lsp.workspace.snapshot import SimpleDocument, Snapshot


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths", nargs="+", metavar="PATH", help="files or folders (all *.rho inside, recursively)"
    )
    parser.add_argument(
        "--format", choices=("text", "json"), default="text", help="output format (default: text)"
    )
    parser.add_argument(
        "--target",
        choices=("rnode", "f1r3fly"),
        default="f1r3fly",
        help="dialect to check against (default: f1r3fly)",
    )


def _collect(paths: list[str]) -> tuple[list[Path], list[str]]:
    files: list[Path] = []
    problems: list[str] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            files.extend(sorted(x for x in p.rglob("*.rho") if x.is_file()))
        elif p.is_file():
            files.append(p)
        else:
            problems.append(f"{raw}: no such file or directory")
    return files, problems


def run(args: argparse.Namespace) -> int:
    files, problems = _collect(list(args.paths))
    records: list[dict[str, object]] = []
    lines_out: list[str] = []
    has_error = False
    # Pass 1: read and analyse every file, and index them together, so that
    # cross-file checks (arity of global contracts, hints towards a contract
    # in another file) see the whole set, as the server sees a workspace.
    texts: dict[str, tuple[Path, str, list[Diagnostic]]] = {}
    for path in files:
        try:
            data = path.read_bytes()
        except OSError as exc:
            problems.append(f"{path}: cannot read ({exc.strerror or exc})")
            continue
        try:
            text = data.decode("utf-8")
            extra: list[Diagnostic] = []
        except UnicodeDecodeError as exc:
            text = data.decode("utf-8", errors="replace")
            pos = len(data[: exc.start].decode("utf-8", errors="replace"))
            extra = [
                Diagnostic(
                    pos,
                    pos + 1,
                    Severity.WARNING,
                    "file is not valid UTF-8",
                    "invalid-utf8",
                    "rholang-lsp",
                )
            ]
        texts[path.resolve().as_uri()] = (path, text, extra)
    documents = {uri: SimpleDocument(uri, text) for uri, (_, text, _) in texts.items()}
    index = WorkspaceIndex()
    snapshot = Snapshot(
        documents,
        index,
        cache=AnalysisCache(capacity=len(documents) + 1),
        target=args.target,
    )
    for uri in documents:
        analysis = snapshot.analysis(uri)
        if analysis is not None:
            index.update(uri, analysis.summary)
    counts = {severity: 0 for severity in Severity}
    # Pass 2: diagnostics, in path order.
    for uri, (path, text, extra) in texts.items():
        diags = extra + document_diagnostics(text, target=args.target, uri=uri, snapshot=snapshot)
        lines = LineIndex(text)
        for d in diags:
            counts[d.severity] += 1
            sl, sc16 = lines.position(d.start)
            el, ec16 = lines.position(d.end)
            if d.severity == Severity.ERROR:
                has_error = True
            if args.format == "text":
                _, scol = lines.position(d.start, "utf-32")
                lines_out.append(f"{path}:{sl + 1}:{scol + 1}: {d.severity.label}: {d.message}")
            else:
                records.append(
                    {
                        "path": str(path),
                        "range": {
                            "start": {"line": sl, "character": sc16},
                            "end": {"line": el, "character": ec16},
                        },
                        "severity": d.severity.label,
                        "code": d.code,
                        "source": d.source,
                        "message": d.message,
                    }
                )
    if args.format == "json":
        sys.stdout.write(json.dumps(records, indent=2, ensure_ascii=False) + "\n")
    elif lines_out:
        sys.stdout.write("\n".join(lines_out) + "\n")
    for msg in problems:
        sys.stderr.write(f"rholang-lsp check: {msg}\n")
    if args.format == "text":
        sys.stderr.write(
            f"rholang-lsp check: {len(texts)} file(s), {counts[Severity.ERROR]} error(s), "
            f"{counts[Severity.WARNING]} warning(s), {counts[Severity.INFORMATION]} info, "
            f"{counts[Severity.HINT]} hint(s)\n"
        )
    if problems:
        return 2
    return 1 if has_error else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="rholang-lsp check", description="Check Rholang files for syntax errors."
    )
    add_arguments(parser)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors
        return int(exc.code) if isinstance(exc.code, int) else 2
    return run(args)


if __name__ == "__main__":
    raise SystemExit(main())
