"""Console scripts.

* ``rholang-language-server [flags]`` -> ``server_main``: the server (stdio unless a
  transport flag is given).
* ``rholang-lsp <command> ...`` -> ``main``: ``serve`` (same flags), ``check``.
  A command module exposes ``add_arguments(parser)`` and ``run(args) -> int``
  and is imported only when chosen; add ``index`` / ``format`` to ``COMMANDS``.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import sys
from collections.abc import Sequence
from typing import Final

from rholang_lsp.cli.version import VersionAction

# name -> (module, one-line help). Each module: add_arguments(parser), run(args) -> int.
COMMANDS: Final = {
    "serve": ("rholang_lsp.cli.serve", "run the language server"),
    "check": ("rholang_lsp.cli.check", "check Rholang files and print diagnostics"),
    "index": ("rholang_lsp.cli.index", "index a folder the way the server does"),
    "format": ("rholang_lsp.cli.format", "format Rholang files (--check, --diff for CI)"),
    "eval": ("rholang_lsp.cli.eval", "run a Rholang file on a node and print its output"),
}


def _gc_off_while_starting() -> None:
    """No cyclic GC while the modules load: start-up makes tens of thousands of objects
    that live as long as the process, and collecting them then only costs time (~3% of
    start-up, by instruction count). A command turns it back on once it is ready
    (``serve``: when its server exists; see ``GC_OFF_UNTIL_READY``), else before it runs."""
    gc.disable()


def server_main(argv: Sequence[str] | None = None) -> int:
    """``rholang-language-server``: the server, flags as in ``rholang-lsp serve``."""
    _gc_off_while_starting()
    from rholang_lsp.cli import serve

    parser = argparse.ArgumentParser(
        prog="rholang-language-server", description="Rholang language server (LSP)."
    )
    serve.add_arguments(parser)
    try:
        args = parser.parse_args(argv)
        serve.validate(parser, args)
        return serve.run(args)
    finally:
        gc.enable()


def main(argv: Sequence[str] | None = None) -> int:
    """``rholang-lsp``: subcommands."""
    argv = list(sys.argv[1:] if argv is None else argv)
    _gc_off_while_starting()
    parser = argparse.ArgumentParser(prog="rholang-lsp", description="Rholang language tools.")
    parser.add_argument("--version", action=VersionAction)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    chosen = next((a for a in argv if not a.startswith("-")), None)
    module = None
    cmd_parser: argparse.ArgumentParser | None = None
    for name, (module_name, help_text) in COMMANDS.items():
        this_parser = sub.add_parser(name, help=help_text, description=help_text)
        if name != chosen:
            continue
        cmd_parser = this_parser
        try:
            module = importlib.import_module(module_name)
        except ImportError as e:
            parser.error(f"command {name!r} is not available yet ({e})")
        module.add_arguments(this_parser)
    args, extra = parser.parse_known_args(argv)
    if args.command is None or module is None or cmd_parser is None:
        if extra:
            parser.error(f"unrecognized arguments: {' '.join(extra)}")
        gc.enable()
        parser.print_help(sys.stderr)
        return 2
    if extra:  # with the command's usage, not the top-level one
        cmd_parser.error(f"unrecognized arguments: {' '.join(extra)}")
    validate = getattr(module, "validate", None)
    if validate is not None:
        validate(cmd_parser, args)
    if not getattr(module, "GC_OFF_UNTIL_READY", False):
        gc.enable()
    try:
        code: int = module.run(args)
    finally:
        gc.enable()
    return code


if __name__ == "__main__":
    sys.exit(main())
