"""``rholang-lsp format PATH... [--check] [--diff] [--indent N | --tabs] [--line-width N]``.

Formats ``*.rho`` files in place (folders are searched recursively) and ends with a summary
on stderr ("2 files reformatted, 40 unchanged"). ``-`` reads a program from standard input
and writes the formatted program to standard output (editor format-on-save plug-ins);
``--stdin-filename`` names it in messages. Files with syntax errors are never changed.

Exit status:
  0  done (also with ``--diff`` alone: it only shows the changes)
  1  ``--check``: a file would change; any mode: a file has syntax errors or is not UTF-8
  2  usage error, missing or unreadable path, device, folder without ``.rho`` files
"""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

from rholang_lsp.cli import inputs
from rholang_lsp.features.formatting import (
    DEFAULT_LINE_WIDTH,
    MAX_INDENT_WIDTH,
    MAX_LINE_WIDTH,
    FormatOptions,
    format_text,
)
from rholang_lsp.syntax.line_index import LineIndex

EXIT_STATUS = """\
exit status:
  0  done (also with --diff alone: it only shows the changes)
  1  --check: a file would change; any mode: a file has syntax errors or is not UTF-8
  2  usage error, missing or unreadable path, device, folder without .rho files
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = EXIT_STATUS
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="files or folders (all *.rho inside); - reads standard input, writes standard output",
    )
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if a file would change"
    )
    parser.add_argument(
        "--diff",
        action="store_true",
        help="print a unified diff; write nothing (exit 0 without --check)",
    )
    parser.add_argument(
        "--indent", type=int, default=None, metavar="N", help="spaces per level (default 2)"
    )
    parser.add_argument("--tabs", action="store_true", help="indent with tabs")
    parser.add_argument(
        "--line-width",
        type=int,
        default=DEFAULT_LINE_WIDTH,
        metavar="N",
        help=f"wrap lines longer than N columns (default {DEFAULT_LINE_WIDTH}; 0: never wrap)",
    )
    parser.add_argument(
        "--stdin-filename", metavar="PATH", help="the name of the file read from - (for messages)"
    )


def validate(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    if args.indent is not None and args.tabs:
        parser.error("--indent N and --tabs exclude each other (tabs are one per level)")
    if args.indent is not None and not 0 <= args.indent <= MAX_INDENT_WIDTH:
        parser.error(f"--indent must be between 0 and {MAX_INDENT_WIDTH}")
    if not 0 <= args.line_width <= MAX_LINE_WIDTH:
        parser.error(f"--line-width must be between 0 and {MAX_LINE_WIDTH}")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _decode(name: str, data: bytes) -> str | None:
    """The text, or None after reporting where the file stops being UTF-8 (as ``check`` does)."""
    if inputs.is_binary(data):
        print(
            f"{name}:1:1: error: binary file (contains NUL bytes), not formatted", file=sys.stderr
        )
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start].decode("utf-8", errors="replace")
        line, col = LineIndex(before).position(len(before), "utf-32")
        print(
            f"{name}:{line + 1}:{col + 1}: error: file is not valid UTF-8, not formatted",
            file=sys.stderr,
        )
        return None


def run(args: argparse.Namespace) -> int:
    found = inputs.collect(list(args.paths))
    status = 0
    for problem in found.problems:
        print(f"rholang-lsp format: {problem}", file=sys.stderr)
        status = 2
    if found.empty and not found.problems:
        print("rholang-lsp format: no .rho files to format", file=sys.stderr)
        return 2
    indent = 2 if args.indent is None else args.indent
    options = FormatOptions(
        tab_size=indent, insert_spaces=not args.tabs, line_width=args.line_width
    )
    changed = unchanged = failed = 0
    sources: list[tuple[str, Path | None]] = [(str(p), p) for p in found.files]
    if found.stdin:
        sources.append((inputs.display_name(args.stdin_filename), None))
    for name, path in sources:
        try:
            raw = inputs.read_stdin() if path is None else path.read_bytes()
        except OSError as e:
            print(f"rholang-lsp format: {name}: cannot read ({e.strerror or e})", file=sys.stderr)
            status = 2
            continue
        text = _decode(name, raw)
        out = None if text is None else format_text(text, options)
        if text is not None and out is None:
            print(f"{name}: syntax errors, not formatted", file=sys.stderr)
        if out is None:
            failed += 1
            status = max(status, 1)
            if path is None and not (args.check or args.diff):
                sys.stdout.buffer.write(raw)  # a filter gives its input back unchanged
            continue
        assert text is not None
        if path is None and not (args.check or args.diff):
            sys.stdout.write(out)
        if out == text:
            unchanged += 1
            continue
        changed += 1
        if args.diff:
            sys.stdout.writelines(
                difflib.unified_diff(
                    text.splitlines(keepends=True),
                    out.splitlines(keepends=True),
                    fromfile=name,
                    tofile=name,
                )
            )
        if args.check:
            if not args.diff:
                print(f"would reformat {name}")
            status = max(status, 1)
        elif not args.diff and path is not None:
            path.write_bytes(out.encode("utf-8"))
    would = args.check or args.diff
    summary = [
        f"{_plural(changed, 'file')} {'would be reformatted' if would else 'reformatted'}",
        f"{unchanged} {'already formatted' if would else 'unchanged'}",
    ]
    if failed:
        summary.append(f"{failed} not formatted (errors above)")
    print(f"rholang-lsp format: {', '.join(summary)}", file=sys.stderr)
    return status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="rholang-lsp format",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_arguments(parser)
    args = parser.parse_args(argv)
    validate(parser, args)
    return run(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
