"""``rholang-lsp format PATH... [--check] [--diff] [--indent N] [--tabs]``.

Formats ``*.rho`` files in place (folders are searched recursively). ``--check``
writes nothing and exits 1 when a file would change; ``--diff`` prints a unified
diff instead of writing. Files with syntax errors are never changed (reported,
exit 1). Exit 2 on unreadable or missing paths.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

from rholang_lsp.features.formatting import FormatOptions, format_text


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files or folders (all *.rho inside)")
    parser.add_argument("--check", action="store_true", help="exit 1 if a file would change; write nothing")
    parser.add_argument("--diff", action="store_true", help="print a unified diff; write nothing")
    parser.add_argument("--indent", type=int, default=2, metavar="N", help="spaces per level (default 2)")
    parser.add_argument("--tabs", action="store_true", help="indent with tabs")


def _files(paths: list[str]) -> tuple[list[Path], list[str]]:
    out: list[Path] = []
    missing: list[str] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            out.extend(sorted(path.rglob("*.rho")))
        elif path.is_file():
            out.append(path)
        else:
            missing.append(p)
    return out, missing


def run(args: argparse.Namespace) -> int:
    files, missing = _files(list(args.paths))
    status = 0
    for m in missing:
        print(f"{m}: no such file or directory", file=sys.stderr)
        status = 2
    options = FormatOptions(tab_size=max(int(args.indent), 0), insert_spaces=not args.tabs)
    changed = 0
    for path in files:
        try:
            raw = path.read_bytes()
            text = raw.decode("utf-8")
        except (OSError, UnicodeDecodeError) as e:
            print(f"{path}: cannot read: {e}", file=sys.stderr)
            status = 2
            continue
        out = format_text(text, options)
        if out is None:
            print(f"{path}: syntax errors, not formatted", file=sys.stderr)
            status = max(status, 1)
            continue
        if out == text:
            continue
        changed += 1
        if args.diff:
            sys.stdout.writelines(
                difflib.unified_diff(
                    text.splitlines(keepends=True),
                    out.splitlines(keepends=True),
                    fromfile=str(path),
                    tofile=str(path),
                )
            )
        if args.check:
            if not args.diff:
                print(f"would reformat {path}")
            status = max(status, 1)
        elif not args.diff:
            path.write_bytes(out.encode("utf-8"))
            print(f"reformatted {path}", file=sys.stderr)
    if args.check and changed == 0 and status == 0:
        print(f"{len(files)} file(s) already formatted", file=sys.stderr)
    return status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="rholang-lsp format", description=__doc__)
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
