"""``serve``: run the language server on stdio, TCP, a Unix socket or WebSocket."""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import os
import signal
import stat
import sys
from collections.abc import Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from rholang_lsp.cli.version import VersionAction
from rholang_lsp.protocol.framing import DEFAULT_MAX_BODY
from rholang_lsp.transports.stream import DEFAULT_MAX_OUTBOUND
from rholang_lsp.workspace.documents import DEFAULT_MAX_DOCUMENT_CHARS as DEFAULT_MAX_DOCUMENT

if TYPE_CHECKING:
    from rholang_lsp.server.server import Server
    from rholang_lsp.server.validation import ValidatorSettings

TRACE: Final = 5
LOG_LEVELS: Final = {
    "error": logging.ERROR,
    "warn": logging.WARNING,
    "info": logging.INFO,
    "debug": logging.DEBUG,
    "trace": TRACE,
}
TEST_HANDLERS_ENV: Final = "RHOLANG_LSP_TEST_HANDLERS"
DEFAULT_HOST: Final = "127.0.0.1"
METRICS_REFRESH: Final = 15.0  # seconds between session memory estimates (--metrics-port)
#: Generation-0 threshold of the cyclic GC while serving (CPython's default: 700). Parsing and
#: binding allocate many long-lived tree/model objects; with the default the collector runs so
#: often (and promotes into full collections) that it dominates: on the 2,000-line benchmark
#: file, didChange -> publishDiagnostics p99 ~96-132 ms -> ~56-66 ms, didOpen -> publish
#: ~97-167 ms -> ~77-83 ms, and completion's worst case after a keystroke ~54-76 ms -> ~18-25 ms
#: (its p99 unchanged, ~15-17 ms). ``gc.freeze()`` after the first analysis showed no gain.
GC_GEN0_THRESHOLD: Final = 10_000

_log = logging.getLogger("rholang_lsp.cli")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--stdio", action="store_true", help="serve on stdin/stdout (default)")
    mode.add_argument("--socket", action="store_true", help="serve on TCP (needs --port)")
    mode.add_argument("--pipe", metavar="PATH", help="serve on the Unix socket PATH")
    mode.add_argument("--websocket", action="store_true", help="serve on WebSocket (needs --port)")
    parser.add_argument("--port", type=int, help="TCP/WebSocket port (0 = any free port)")
    parser.add_argument("--host", default=DEFAULT_HOST, help="listen address (default %(default)s)")
    parser.add_argument(
        "--client-process-id",
        "--clientProcessId",
        dest="client_process_id",
        type=int,
        metavar="PID",
        help="exit when this process exits",
    )
    parser.add_argument("--log-level", choices=list(LOG_LEVELS), default="info")
    parser.add_argument("--no-color", action="store_true", help="no ANSI colours in logs")
    parser.add_argument(
        "--wire-log",
        nargs="?",
        const="-",
        metavar="PATH",
        help="log every message in and out (default: stderr)",
    )
    parser.add_argument(
        "--auth-token",
        metavar="T",
        help=(
            "TCP/Unix: the first message must be $/authenticate {token}; WebSocket: checked at"
            " the handshake (?token=T or Authorization: Bearer T), 401 otherwise"
        ),
    )
    parser.add_argument(
        "--allow-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help=(
            "WebSocket: also accept this browser Origin (repeatable; 'prefix*' matches a"
            " prefix, '*' any); loopback http(s) origins are always accepted"
        ),
    )
    parser.add_argument(
        "--no-ws-compression",
        action="store_true",
        help="WebSocket: do not negotiate permessage-deflate",
    )
    parser.add_argument(
        "--max-message-bytes",
        "--ws-max-message-size",
        dest="max_message_bytes",
        type=int,
        default=DEFAULT_MAX_BODY,
        metavar="BYTES",
        help="largest inbound message on every transport: stdio/TCP/Unix skip it and answer"
        " an error, WebSocket closes with 1009 (default %(default)s)",
    )
    parser.add_argument(
        "--max-document-bytes",
        type=int,
        default=DEFAULT_MAX_DOCUMENT,
        metavar="N",
        help="open documents longer than N characters are kept but not analysed"
        " (one diagnostic says so; default %(default)s)",
    )
    parser.add_argument(
        "--target",
        choices=("f1r3fly", "rnode"),
        default="f1r3fly",
        help="dialect to check against: F1R3FLY's (default) or RNode's; "
        "a client may choose per connection with initializationOptions.target",
    )
    parser.add_argument(
        "--diagnostics-debounce",
        type=float,
        default=0.08,
        metavar="SECONDS",
        help="delay before re-analysing a changed document (default %(default)s)",
    )
    parser.add_argument("--index-cache-dir", metavar="PATH", help="workspace index cache directory")
    parser.add_argument(
        "--index-workers", type=int, metavar="N", help="background indexing worker processes"
    )
    node = parser.add_argument_group(
        "validation and evaluation on a running RNode / F1R3FLY node (needs the [node] extra;"
        " the flag names are those of the Rust server, for compatibility with its clients)"
    )
    node.add_argument(
        "--validator-backend",
        metavar="builtin|rust|grpc:HOST:PORT",
        default=os.environ.get("RHOLANG_VALIDATOR_BACKEND"),
        help="who judges documents: the built-in checker ('builtin'; 'rust' means the same) or"
        " a node's gRPC Lsp service; env RHOLANG_VALIDATOR_BACKEND",
    )
    node.add_argument(
        "--rnode-address",
        metavar="HOST",
        default=os.environ.get("RHOLANG_ADDRESS_NODE"),
        help="a node's host (default port 40402): validates and evaluates unless"
        " --validator-backend says otherwise; env RHOLANG_ADDRESS_NODE",
    )
    node.add_argument(
        "--rnode-port",
        type=int,
        metavar="PORT",
        default=_env_int("RHOLANG_PORT_NODE"),
        help="a node's gRPC port (default host localhost); env RHOLANG_PORT_NODE",
    )
    node.add_argument("--no-rnode", action="store_true", help="ignore --rnode-address/--rnode-port")
    node.add_argument(
        "--validator-mode",
        choices=("replace", "merge"),
        default="replace",
        help="the node's errors replace the built-in semantic errors (default) or are added",
    )
    node.add_argument(
        "--node-columns",
        choices=("utf-16", "utf-8"),
        default="utf-16",
        help="units of the node's columns: utf-16 for the JVM node (default), utf-8 for the"
        " Rust node",
    )
    node.add_argument(
        "--node-timeout",
        type=float,
        default=5.0,
        metavar="SECONDS",
        help="longest wait for one Validate answer (default %(default)s)",
    )
    node.add_argument(
        "--node-debounce",
        type=float,
        default=0.15,
        metavar="SECONDS",
        help="quiet time after the built-in check before asking the node (default %(default)s)",
    )
    parser.add_argument("--test-handlers", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--idle-timeout",
        type=float,
        metavar="SECONDS",
        help="exit after SECONDS with no connection; keep unused workspaces warm that long",
    )
    parser.add_argument(
        "--no-index-cache", action="store_true", help="do not use the persistent index cache"
    )
    parser.add_argument(
        "--max-outbound-bytes",
        type=int,
        default=DEFAULT_MAX_OUTBOUND,
        metavar="N",
        help="drop a stdio/TCP/Unix-socket client whose unsent output passes N bytes "
        "(it stopped reading; default %(default)s)",
    )
    parser.add_argument(
        "--queue-timeout",
        type=float,
        default=10.0,
        metavar="SECONDS",
        help="longest wait of a workspace request during indexing (default %(default)s)",
    )
    parser.add_argument(
        "--metrics-port",
        type=int,
        metavar="N",
        help="serve Prometheus metrics on http://HOST:N/metrics (0 = any free port)",
    )
    parser.add_argument(
        "--metrics-host",
        default=DEFAULT_HOST,
        help="address of the metrics endpoint (default %(default)s)",
    )
    parser.add_argument(
        "--no-metrics", action="store_true", help="do not record metrics (to measure their cost)"
    )
    parser.add_argument("--version", action=VersionAction)


def _env_int(name: str) -> int | None:
    value = os.environ.get(name)
    try:
        return int(value) if value else None
    except ValueError:
        return None


def validator_settings(args: argparse.Namespace) -> ValidatorSettings:
    """The server-wide validator from the flags; the built-in one, with one clear log line,
    when a node is named but the [node] extra is missing."""
    from rholang_lsp.node.address import MISSING_EXTRA
    from rholang_lsp.server.validation import ValidatorSettings, settings_from_cli

    settings = settings_from_cli(
        validator_backend=args.validator_backend,
        rnode_address=args.rnode_address,
        rnode_port=args.rnode_port,
        no_rnode=args.no_rnode,
        columns=args.node_columns,
        timeout=args.node_timeout,
        mode=args.validator_mode,
        debounce=args.node_debounce,
    )
    if settings.node is None and settings.eval_node is None:
        return settings
    try:
        import rholang_lsp.node.client  # noqa: F401
    except ImportError as e:
        _log.error("node named by the flags: %s (%s)", MISSING_EXTRA, e)
        return ValidatorSettings()
    if settings.node is not None:
        _log.info(
            "validator: node %s (%s columns, %s mode)",
            settings.node.target,
            settings.columns,
            settings.mode,
        )
    elif settings.eval_node is not None:
        _log.info("evaluation on node %s; validation built in", settings.eval_node.target)
    return settings


def validate(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Usage errors exit 2 with a clear message."""
    if (args.socket or args.websocket) and args.port is None:
        parser.error("--socket and --websocket need --port N")
    if args.port is not None and not (args.socket or args.websocket):
        parser.error("--port is only meaningful with --socket or --websocket")
    if args.metrics_port is not None and not 0 <= args.metrics_port <= 65535:
        parser.error(f"--metrics-port {args.metrics_port}: not a valid port")
    if args.max_outbound_bytes < 1:
        parser.error("--max-outbound-bytes must be positive")
    if args.metrics_port is not None and args.no_metrics:
        parser.error("--metrics-port needs metrics (drop --no-metrics)")
    if args.port is not None and not 0 <= args.port <= 65535:
        parser.error(f"--port {args.port}: not a valid port")
    if args.max_message_bytes <= 0:
        parser.error("--max-message-bytes must be a positive number of bytes")
    if args.max_document_bytes <= 0:
        parser.error("--max-document-bytes must be a positive number")
    if args.validator_backend is not None:
        from rholang_lsp.node.address import parse_backend

        try:
            parse_backend(args.validator_backend)
        except ValueError as e:
            parser.error(f"--validator-backend must be builtin, rust or grpc:HOST:PORT ({e})")
    if args.rnode_port is not None and not 0 < args.rnode_port <= 65535:
        parser.error(f"--rnode-port {args.rnode_port}: not a valid port")
    if args.node_timeout <= 0:
        parser.error("--node-timeout must be positive")
    if args.node_debounce < 0:
        parser.error("--node-debounce must not be negative")


class _Formatter(logging.Formatter):
    COLORS: Final = {
        logging.ERROR: "\x1b[31m",
        logging.WARNING: "\x1b[33m",
        logging.INFO: "\x1b[32m",
        logging.DEBUG: "\x1b[2m",
    }

    def __init__(self, color: bool) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")
        self.color = color

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        if self.color:
            code = self.COLORS.get(record.levelno, self.COLORS[logging.DEBUG])
            return f"{code}{text}\x1b[0m"
        return text


def configure_logging(level: str, *, color: bool) -> None:
    logging.addLevelName(TRACE, "TRACE")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Formatter(color and sys.stderr.isatty()))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(LOG_LEVELS[level])


STDIN_HINT: Final = (
    "rholang-language-server: waiting for an LSP client on stdin (JSON-RPC with Content-Length"
    " headers).\nEditors start the server themselves; see README.md for editor set-up,"
    " --help for the flags,\nand `rholang-lsp check FILE` to check files from a shell."
    " Ctrl-C quits.\n"
)


def stdin_problem() -> str | None:
    """Why stdin cannot carry an LSP session, or None: a pipe, socket or terminal can."""
    try:
        st = os.fstat(sys.stdin.fileno())
    except (OSError, ValueError, AttributeError):
        return "stdin is closed: start the server from an LSP client (see --help)"
    mode = st.st_mode
    if stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode) or sys.stdin.isatty():
        return None
    what = "a regular file" if stat.S_ISREG(mode) else "a device"
    if stat.S_ISCHR(mode) and st.st_rdev == os.stat(os.devnull).st_rdev:
        what = "/dev/null"
    return (
        f"stdin is {what}, not a connection from an LSP client: exiting. An editor starts the"
        " server with pipes (--stdio), or use --socket/--pipe/--websocket (see --help)"
    )


def run(args: argparse.Namespace) -> int:
    """Start the server as configured by ``args`` (already validated); return the exit code."""
    configure_logging(args.log_level, color=not args.no_color and "NO_COLOR" not in os.environ)
    if not (args.socket or args.pipe or args.websocket):
        problem = stdin_problem()
        if problem is not None:
            _log.error("%s", problem)
            return 1
        if sys.stdin.isatty():
            sys.stderr.write(STDIN_HINT)
            sys.stderr.flush()
    _, gen1, gen2 = gc.get_threshold()
    gc.set_threshold(GC_GEN0_THRESHOLD, gen1, gen2)
    try:
        return asyncio.run(_serve(args))
    except KeyboardInterrupt:
        return 130


async def _until_stopped(server: Server, listener: Coroutine[Any, Any, None]) -> None:
    """Run a listening transport until it fails or the server stops (signal, client gone)."""
    task = asyncio.ensure_future(listener)
    stopped = asyncio.ensure_future(server.wait_stopped())
    try:
        await asyncio.wait({task, stopped}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopped.cancel()
        server.stop()  # closes every session before the listener goes away
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            pass


#: ``cli.main`` leaves the cyclic GC off until the server exists (``_serve`` turns it on).
GC_OFF_UNTIL_READY: Final = True


async def _serve(args: argparse.Namespace) -> int:
    from rholang_lsp.protocol.wirelog import WireLog
    from rholang_lsp.server.server import ServerOptions
    from rholang_lsp.server.watchdog import DEFAULT_THRESHOLD as DEFAULT_STALL_THRESHOLD
    from rholang_lsp.workspace.shared import BackendOptions

    stdio = not (args.socket or args.pipe or args.websocket)
    wire_log = WireLog.open(args.wire_log) if args.wire_log else None
    options = ServerOptions(
        diagnostics_debounce=args.diagnostics_debounce,
        diagnostics_target=args.target,
        test_handlers=args.test_handlers or os.environ.get(TEST_HANDLERS_ENV) == "1",
        watch_client_pid=stdio,
        wire_log=wire_log,
        metrics=not args.no_metrics,
        max_outbound_bytes=args.max_outbound_bytes,
        max_document_chars=args.max_document_bytes,
        backend=BackendOptions(
            workers=args.index_workers,
            use_cache=not args.no_index_cache,
            cache_dir=Path(args.index_cache_dir) if args.index_cache_dir else None,
            idle_timeout=args.idle_timeout,
            queue_timeout=args.queue_timeout,
        ),
        validator=validator_settings(args),
        stall_threshold=DEFAULT_STALL_THRESHOLD,
    )
    from rholang_lsp.server.server import Server

    server = Server(options)
    # GC was off since the command started (cli.main). What start-up made lives as long as
    # the process: freeze it, or the first collection would walk all of it at once.
    gc.freeze()
    gc.enable()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, server.stop)
        except (NotImplementedError, RuntimeError):  # pragma: no cover - Windows
            pass
    if args.client_process_id is not None:
        server.monitor_client_process(args.client_process_id)
    metrics_server = None
    refresher: asyncio.Task[None] | None = None
    if args.metrics_port is not None and server.metrics is not None:
        from rholang_lsp.metrics import start_metrics_server
        from rholang_lsp.server.memory import refresh_periodically

        try:
            metrics_server = start_metrics_server(
                server.metrics, args.metrics_port, host=args.metrics_host, token=args.auth_token
            )
        except OSError as e:
            _log.error("cannot serve metrics on %s:%d: %s", args.metrics_host, args.metrics_port, e)
            return 1
        _log.info("metrics on %s", metrics_server.url)
        refresher = asyncio.ensure_future(refresh_periodically(server, METRICS_REFRESH))
    if not stdio:
        server.backend.arm_idle_timer()  # --idle-timeout: exit if nobody connects
    try:
        if stdio:
            from rholang_lsp.transports.stdio import open_stdio_transport

            session = await server.run_session(
                await open_stdio_transport(
                    max_outbound=args.max_outbound_bytes, max_message=args.max_message_bytes
                )
            )
            return 0 if session.shutdown_received else 1
        if args.socket:
            from rholang_lsp.transports.tcp import serve_tcp

            listener = serve_tcp(
                server,
                args.host,
                args.port,
                auth_token=args.auth_token,
                max_outbound=args.max_outbound_bytes,
                max_message=args.max_message_bytes,
            )
        elif args.pipe:
            from rholang_lsp.transports.unix import SocketInUse, remove_stale_socket, serve_unix

            try:
                remove_stale_socket(args.pipe)
            except SocketInUse as e:
                _log.error("%s", e)
                return 1
            listener = serve_unix(
                server,
                args.pipe,
                auth_token=args.auth_token,
                max_outbound=args.max_outbound_bytes,
                max_message=args.max_message_bytes,
            )
        else:
            try:
                from rholang_lsp.transports.websocket import WebSocketOptions, serve_websocket
            except ImportError as e:
                _log.error("WebSocket transport unavailable: %s", e)
                return 1
            # The token is checked at the handshake: no $/authenticate wrapper here.
            ws_options = WebSocketOptions(
                port=args.port,
                host=args.host,
                auth_token=args.auth_token,
                allowed_origins=tuple(args.allow_origin),
                compression=not args.no_ws_compression,
                max_message_size=args.max_message_bytes,
            )
            metrics = getattr(server, "metrics", None)
            listener = serve_websocket(server, ws_options, metrics=metrics)
        await _until_stopped(server, listener)
        return 0
    except OSError as e:
        _log.error("cannot serve: %s", e)
        return 1
    finally:
        await server.aclose()  # logs the metrics summary line
        if refresher is not None:
            refresher.cancel()
        if metrics_server is not None:
            metrics_server.close()
        if wire_log is not None:
            wire_log.close()
