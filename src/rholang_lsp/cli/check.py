"""``rholang-lsp check PATH... [--format text|json|github|sarif] [--target rnode|f1r3fly]``.

``-`` reads the program from standard input (``--stdin-filename`` names it in messages), for
editor plug-ins such as ALE, conform.nvim, none-ls or efm-langserver.

Exit status: 0 without error-severity diagnostics, 1 with errors, 2 on usage errors,
missing or unreadable paths, devices, and folders without any ``.rho`` file.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rholang_lsp.cli import inputs, reports
from rholang_lsp.features.diagnostics import document_diagnostics
from rholang_lsp.syntax.diagnostic import Diagnostic, Severity
from rholang_lsp.syntax.line_index import LineIndex
from rholang_lsp.workspace.analysis import AnalysisCache
from rholang_lsp.workspace.index import WorkspaceIndex
from rholang_lsp.workspace.snapshot import SimpleDocument, Snapshot

STDIN_URI = "untitled:stdin"


EXIT_STATUS = """\
exit status:
  0  no error-severity diagnostics
  1  errors found
  2  usage error, missing or unreadable path, device, folder without .rho files
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = EXIT_STATUS
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="files or folders (all *.rho inside, recursively); - reads standard input",
    )
    parser.add_argument(
        "--format",
        choices=reports.FORMATS,
        default="text",
        help="text (path:line:col: severity: message), json (0-based UTF-16 ranges), github "
        "(workflow annotations) or sarif (SARIF 2.1.0 for code scanning); default: text",
    )
    parser.add_argument(
        "--target",
        choices=("rnode", "f1r3fly"),
        default="f1r3fly",
        help="dialect to check against (default: f1r3fly)",
    )
    parser.add_argument(
        "--stdin-filename",
        metavar="PATH",
        help="the name of the file read from - (shown in messages; other files see it there)",
    )


def _one(start: int, message: str, code: str) -> Diagnostic:
    return Diagnostic(start, start + 1, Severity.WARNING, message, code, "rholang-lsp")


def _decode(data: bytes) -> tuple[str, list[Diagnostic]]:
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        text = data.decode("utf-8", errors="replace")
        pos = len(data[: exc.start].decode("utf-8", errors="replace"))
        return text, [_one(pos, "file is not valid UTF-8", "invalid-utf8")]


def run(args: argparse.Namespace) -> int:
    found = inputs.collect(list(args.paths))
    problems = list(found.problems)
    if found.empty and not problems:
        problems.append("no .rho files to check")
    # name shown, text, diagnostics found while reading; keyed by URI so that stdin
    # named after a file on disk stands for that file.
    texts: dict[str, tuple[str, str, list[Diagnostic]]] = {}
    binary: list[str] = []
    sources: list[tuple[str, str, bytes]] = []
    for path in found.files:
        try:
            sources.append((path.resolve().as_uri(), str(path), path.read_bytes()))
        except OSError as exc:
            problems.append(f"{path}: cannot read ({exc.strerror or exc})")
    if found.stdin:
        name = inputs.display_name(args.stdin_filename)
        uri = Path(args.stdin_filename).resolve().as_uri() if args.stdin_filename else STDIN_URI
        sources.append((uri, name, inputs.read_stdin()))
    for uri, name, data in sources:
        if inputs.is_binary(data):
            binary.append(name)
            texts.pop(uri, None)
            continue
        text, extra = _decode(data)
        texts[uri] = (name, text, extra)
    # Pass 1: analyse every file and index them together, so that cross-file checks
    # (arity of global contracts, hints towards a contract in another file) see the
    # whole set, as the server sees a workspace.
    documents = {uri: SimpleDocument(uri, text) for uri, (_, text, _) in texts.items()}
    index = WorkspaceIndex()
    snapshot = Snapshot(
        documents, index, cache=AnalysisCache(capacity=len(documents) + 1), target=args.target
    )
    for uri in documents:
        analysis = snapshot.analysis(uri)
        if analysis is not None:
            index.update(uri, analysis.summary)
    # Pass 2: diagnostics, in path order.
    records: list[reports.Record] = []
    for name in binary:
        records.append(
            reports.Record(name, 0, 0, 0, 0, 1, "error", "binary-file", "rholang-lsp",
                           "binary file (contains NUL bytes), not checked")
        )  # fmt: skip
    for uri, (name, text, extra) in texts.items():
        diags = extra + document_diagnostics(text, target=args.target, uri=uri, snapshot=snapshot)
        lines = LineIndex(text)
        for d in diags:
            sl, sc16 = lines.position(d.start)
            el, ec16 = lines.position(d.end)
            _, scol = lines.position(d.start, "utf-32")
            records.append(
                reports.Record(
                    name,
                    sl,
                    sc16,
                    el,
                    ec16,
                    scol + 1,
                    d.severity.label,
                    d.code,
                    d.source,
                    d.message,
                )
            )
    sys.stdout.write(reports.RENDER[args.format](records))
    for msg in problems:
        sys.stderr.write(f"rholang-lsp check: {msg}\n")
    if args.format != "json" and args.format != "sarif":
        counts = {s.label: 0 for s in Severity}
        for r in records:
            counts[r.severity] += 1
        sys.stderr.write(
            f"rholang-lsp check: {len(texts) + len(binary)} file(s), {counts['error']} error(s), "
            f"{counts['warning']} warning(s), {counts['information']} info, "
            f"{counts['hint']} hint(s)\n"
        )
    if problems:
        return 2
    return 1 if any(r.severity == "error" for r in records) else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="rholang-lsp check", description="Check Rholang files and print diagnostics."
    )
    add_arguments(parser)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors
        return int(exc.code) if isinstance(exc.code, int) else 2
    return run(args)


if __name__ == "__main__":
    raise SystemExit(main())
