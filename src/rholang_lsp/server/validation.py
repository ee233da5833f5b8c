"""Diagnostic providers: the built-in analysis and a running node, chosen per server and session.

Two providers stand behind the publisher (``server/diagnostics.py``):

* ``BuiltinProvider``: this package's parser and semantic checks, synchronous, on every
  version. It always runs first: syntax diagnostics come from it at once, and it is the
  fallback whenever the node cannot answer.
* ``NodeProvider``: one per node address, shared by every session of the process (one gRPC
  channel). It sends a complete program (no syntax error) to the node's ``lsp.Lsp/Validate``
  and maps the answer to offsets. Called off the keystroke path: debounced per document,
  cancelled when superseded, bounded by a timeout, awaited on the loop (grpc does the I/O on
  its own threads). It tracks the node's health: after a failure (unreachable, timeout) it
  stops calling the node for a backoff that doubles from 1 s to 30 s, then probes again;
  each outage has a number so a session warns its user once per outage, not per keystroke.

Which provider judges a session's documents: ``ValidatorSettings`` (server-wide from the CLI,
``--validator-backend``, ``--rnode-address/--rnode-port``, ``--no-rnode``; per workspace from
the client's ``rholang.validator`` setting). With a node, ``mode`` says how its verdict meets
the built-in one: ``replace`` (default) drops the built-in semantic *errors* and keeps the
node's (built-in syntax diagnostics and warnings/hints stay: the node does not lint);
``merge`` keeps both. Every diagnostic's ``source`` says who found it (``rholang-parser``,
``rholang-semantic``, or ``rnode`` / ``rnode/<the node's source>``).
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Any, Final, Protocol

import msgspec
from msgspec.structs import replace

from rholang_lsp.node.address import NodeAddress, parse_address, parse_backend
from rholang_lsp.server import embedded
from rholang_lsp.server.indexing import session_snapshot
from rholang_lsp.server.positions import foreign_offsets

if TYPE_CHECKING:
    from rholang_lsp.node.client import NodeClient, NodeDiagnostic
    from rholang_lsp.server.positions import LineIndex
    from rholang_lsp.server.server import Server
    from rholang_lsp.server.session import Session
    from rholang_lsp.syntax.diagnostic import Diagnostic
    from rholang_lsp.workspace.documents import TextDocument

MODES: Final = ("replace", "merge")
COLUMN_UNITS: Final = ("utf-16", "utf-8", "utf-32")  # the node's column units
SYNTAX_SOURCE: Final = "rholang-parser"
SEMANTIC_SOURCE: Final = "rholang-semantic"
NODE_SOURCE: Final = "rnode"
VALIDATE_METRIC: Final = "node:lsp.Lsp/Validate"
EVAL_METRIC: Final = "node:repl.Repl/Eval"
BACKOFF_FIRST: Final = 1.0
BACKOFF_MAX: Final = 30.0


class ValidatorSettings(msgspec.Struct, frozen=True):
    """Who judges a session's documents, and how to talk to the node."""

    node: NodeAddress | None = None  # None: the built-in checker alone
    eval_node: NodeAddress | None = None  # where rholang.evaluate runs (defaults to ``node``)
    mode: str = "replace"
    columns: str = "utf-16"  # the node's column units: JVM node utf-16, Rust node utf-8
    timeout: float = 5.0  # seconds per Validate call
    debounce: float = 0.15  # seconds after the built-in run before asking the node
    eval_timeout: float = 60.0

    @property
    def evaluation_node(self) -> NodeAddress | None:
        return self.eval_node or self.node

    @property
    def backend(self) -> str:
        return self.node.backend if self.node is not None else "builtin"


def settings_from_cli(
    *,
    validator_backend: str | None,
    rnode_address: str | None,
    rnode_port: int | None,
    no_rnode: bool,
    columns: str = "utf-16",
    timeout: float = 5.0,
    mode: str = "replace",
    debounce: float = 0.15,
) -> ValidatorSettings:
    """Server-wide settings from the flags (already checked by the CLI).

    ``--validator-backend`` wins; else ``--rnode-address/--rnode-port`` (either one) names
    the node, unless ``--no-rnode``; else the built-in checker. A node named only by
    ``--rnode-address/--rnode-port`` next to ``--validator-backend rust`` still serves
    ``rholang.evaluate``.
    """
    node = parse_backend(validator_backend) if validator_backend else None
    named = None
    if (rnode_address or rnode_port) and not no_rnode:
        named = NodeAddress(rnode_address or "localhost", rnode_port or 40402)
    if validator_backend is None:
        node = named
    return ValidatorSettings(
        node=node, eval_node=named, columns=columns, timeout=timeout, mode=mode, debounce=debounce
    )


def settings_from_client(base: ValidatorSettings, raw: Any) -> tuple[ValidatorSettings, str]:
    """Apply a client's ``rholang.validator`` value to ``base``.

    Accepts a backend string (``"builtin"``, ``"grpc:HOST:PORT"``) or an object with
    ``backend``, ``mode``, ``columns``, ``timeout``, ``evalNode``. Returns the new settings
    and a problem description ("" when all was understood); what is wrong is left as in
    ``base``.
    """
    if raw is None:
        return base, ""
    if isinstance(raw, str):
        raw = {"backend": raw}
    if not isinstance(raw, dict):
        return base, "rholang.validator: expected a string or an object"
    out = base
    problems = []
    backend = raw.get("backend")
    if backend is not None:
        try:
            if not isinstance(backend, str):
                raise ValueError("expected a string")
            out = replace(out, node=parse_backend(backend))
        except ValueError as e:
            problems.append(f"rholang.validator.backend: {e}")
    mode = raw.get("mode")
    if mode is not None:
        if mode in MODES:
            out = replace(out, mode=mode)
        else:
            problems.append(f"rholang.validator.mode: {mode!r} is not one of {', '.join(MODES)}")
    columns = raw.get("columns")
    if columns is not None:
        if columns in COLUMN_UNITS:
            out = replace(out, columns=columns)
        else:
            problems.append(
                f"rholang.validator.columns: {columns!r} is not one of {', '.join(COLUMN_UNITS)}"
            )
    timeout = raw.get("timeout")
    if timeout is not None:
        if isinstance(timeout, int | float) and not isinstance(timeout, bool) and timeout > 0:
            out = replace(out, timeout=float(timeout))
        else:
            problems.append("rholang.validator.timeout: expected a positive number of seconds")
    eval_node = raw.get("evalNode")
    if eval_node is not None:
        try:
            if not isinstance(eval_node, str):
                raise ValueError("expected a string")
            out = replace(out, eval_node=parse_address(eval_node.removeprefix("grpc:")))
        except ValueError as e:
            problems.append(f"rholang.validator.evalNode: {e}")
    return out, "; ".join(problems)


# ---------------------------------------------------------------------------- providers


class DiagnosticProvider(Protocol):
    """A source of diagnostics for one document's text (offsets into that text)."""

    name: str


class BuiltinProvider:
    """This package's analysis: syntax + semantics from the session's snapshot, and the
    embedded MeTTa regions (synchronous; in the session's worker)."""

    name = "builtin"

    def diagnose(
        self, session: Session, doc: TextDocument, text: str, target: str
    ) -> tuple[list[Diagnostic], bool]:
        """The diagnostics of ``text`` (``doc``'s current text), and whether it is a complete
        Rholang program (no syntax error: the only kind a node is asked to judge)."""
        uri = doc.uri
        snap = session_snapshot(session, uri)
        try:
            if embedded.is_metta_document(uri, doc.language_id):
                diags: list[Diagnostic] = []  # a .metta file: its MeTTa diagnostics alone
                complete = False
            else:
                from rholang_lsp.features.diagnostics import document_diagnostics, soften_unfinished

                diags = document_diagnostics(text, target=target, uri=uri, snapshot=snap)
                complete = not has_syntax_errors(diags)
                diags = soften_unfinished(diags, doc.last_edit_end)
            # embedded MeTTa: detection runs here, after the edit, off the request path
            diags += embedded.diagnostics(session, uri, snap)
            return diags, complete
        finally:
            del snap  # release the analyses it pinned (next edits reparse in place)


BUILTIN: Final = BuiltinProvider()


class ProviderDown(Exception):
    """The node failed recently; not asked again before ``retry_at`` (monotonic seconds)."""

    def __init__(self, retry_at: float, reason: str) -> None:
        super().__init__(reason)
        self.retry_at = retry_at


class NodeProvider:
    """A node's verdict, shared by all sessions that name this address."""

    def __init__(self, client: NodeClient, metrics: Any = None) -> None:
        self.client = client
        self.metrics = metrics  # node calls are recorded as "node:<service>/<method>"
        self.address = client.address
        self.name = client.address.backend
        self.up = True
        self.outage = 0  # number of the current (or last) outage
        self.last_error = ""
        self.retry_at = 0.0
        self._backoff = 0.0
        self.calls = 0  # Validate calls sent (tests and metrics)
        self.last_call_seconds = 0.0

    async def diagnose(
        self, text: str, index: LineIndex, columns: str, timeout: float
    ) -> list[Diagnostic]:
        """The node's diagnostics of ``text`` mapped to offsets.

        Raises ``ProviderDown`` while backing off, ``NodeUnavailable`` (and starts an outage)
        or ``NodeRefused`` (an ``error`` answer; the node itself is fine).
        """
        from rholang_lsp.node.client import NodeUnavailable

        now = time.monotonic()
        if not self.up and now < self.retry_at:
            raise ProviderDown(self.retry_at, self.last_error)
        self.calls += 1
        started = time.perf_counter()
        outcome = "error"
        try:
            found = await self.client.validate(text, timeout=timeout)
            outcome = "ok"
        except NodeUnavailable as e:
            self._failed(str(e))
            raise
        except asyncio.CancelledError:
            outcome = "cancelled"
            raise
        finally:
            self.last_call_seconds = time.perf_counter() - started
            self.record(VALIDATE_METRIC, self.last_call_seconds, outcome)
        self._succeeded()  # an ``error`` answer (NodeRefused) also proves the node is up
        units = columns if columns in COLUMN_UNITS else "utf-16"
        return [to_offsets(d, index, units) for d in found]

    def record(self, name: str, seconds: float, outcome: str) -> None:
        if self.metrics is not None:
            self.metrics.request_finished(name, seconds, outcome)

    def _failed(self, reason: str) -> None:
        self.last_error = reason
        if self.up:
            self.up = False
            self.outage += 1
            self._backoff = BACKOFF_FIRST
        else:
            self._backoff = min(self._backoff * 2, BACKOFF_MAX)
        self.retry_at = time.monotonic() + self._backoff

    def _succeeded(self) -> None:
        self.up = True
        self._backoff = 0.0
        self.retry_at = 0.0

    async def close(self) -> None:
        await self.client.close()


def to_offsets(d: NodeDiagnostic, index: LineIndex, units: str) -> Diagnostic:
    """A node diagnostic as offsets into the text the node judged (clamped to the text)."""
    from rholang_lsp.syntax.diagnostic import Diagnostic, Severity

    start, end = foreign_offsets(
        index, d.start_line, d.start_column, d.end_line, d.end_column, units
    )
    severity = Severity(d.severity + 1) if 0 <= d.severity <= 3 else Severity.ERROR
    source = f"{NODE_SOURCE}/{d.source}" if d.source else NODE_SOURCE
    return Diagnostic(start, end, severity, d.message, "node", source)


def keep_builtin(d: Diagnostic, mode: str) -> bool:
    """Whether a built-in diagnostic stays once the node has answered (module docstring)."""
    from rholang_lsp.syntax.diagnostic import Severity

    return mode == "merge" or not (d.source == SEMANTIC_SOURCE and d.severity == Severity.ERROR)


def has_syntax_errors(diags: list[Diagnostic]) -> bool:
    from rholang_lsp.syntax.diagnostic import Severity

    return any(d.source == SYNTAX_SOURCE and d.severity == Severity.ERROR for d in diags)


# ---------------------------------------------------------------------------- registry


def node_provider(server: Server, address: NodeAddress) -> NodeProvider | None:
    """The process's provider for ``address`` (created once); None without the ``[node]`` extra."""
    providers: dict[NodeAddress, NodeProvider] = server.node_providers
    provider = providers.get(address)
    if provider is None:
        try:
            from rholang_lsp.node.client import NodeClient
        except ImportError:
            return None
        provider = providers[address] = NodeProvider(NodeClient(address), server.metrics)
    return provider


async def close_providers(server: Server) -> None:
    providers: dict[NodeAddress, NodeProvider] = server.node_providers
    for provider in list(providers.values()):
        await provider.close()
    providers.clear()
