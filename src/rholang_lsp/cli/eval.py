"""``rholang-lsp eval FILE --node HOST:PORT``: run a Rholang file on a node and print its output.

Sends the file to the node's ``repl.Repl/Eval`` (this runs the program on that node) and
writes the node's output to stdout. Exit status: 0 output printed, 1 the node could not be
reached or answered with a failure, or the ``[node]`` extra is missing, 2 usage error.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from rholang_lsp.node.address import (
    DEFAULT_NODE_HOST,
    DEFAULT_NODE_PORT,
    MISSING_EXTRA,
    NodeAddress,
    parse_address,
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="the Rholang file to run ('-' for stdin)")
    parser.add_argument(
        "--node",
        metavar="HOST:PORT",
        default=f"{DEFAULT_NODE_HOST}:{DEFAULT_NODE_PORT}",
        help="the node's gRPC address, grpc: prefix optional (default %(default)s)",
    )
    parser.add_argument(
        "--timeout", type=float, default=60.0, metavar="SECONDS", help="default %(default)s"
    )
    parser.add_argument(
        "--unmatched-sends-only",
        action="store_true",
        help="ask the node to print only the sends left unmatched",
    )


def validate(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    try:
        args.address = parse_address(args.node.removeprefix("grpc://").removeprefix("grpc:"))
    except ValueError as e:
        parser.error(f"--node: {e}")
    if args.timeout <= 0:
        parser.error("--timeout must be positive")


def run(args: argparse.Namespace) -> int:
    if args.file == "-":
        program = sys.stdin.read()
    else:
        path = Path(args.file)
        try:
            program = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            print(f"rholang-lsp eval: cannot read {args.file}: {e}", file=sys.stderr)
            return 1
    try:
        from rholang_lsp.node.client import NodeClient, NodeUnavailable
    except ImportError:
        print(f"rholang-lsp eval: {MISSING_EXTRA.split(';')[0]}", file=sys.stderr)
        return 1
    address: NodeAddress = args.address

    async def go() -> str:
        client = NodeClient(address)
        try:
            return await client.evaluate(
                program, timeout=args.timeout, unmatched_sends_only=args.unmatched_sends_only
            )
        finally:
            await client.close()

    try:
        output = asyncio.run(go())
    except NodeUnavailable as e:
        print(f"rholang-lsp eval: {e}", file=sys.stderr)
        return 1
    sys.stdout.write(output if output.endswith("\n") or not output else output + "\n")
    return 0
