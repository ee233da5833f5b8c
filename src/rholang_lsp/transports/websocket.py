"""WebSocket transport (``--websocket --port N [--host H]``).

The handshake (origin and token checks, subprotocol choice) is in
``ws_handshake``; frames <-> message bodies here; JSON-RPC bodies the transport
writes itself (batch arrays, parse errors) come from ``protocol.batch``.

One ``websockets`` connection per LSP session; each connection becomes a
``WebSocketTransport`` handed to ``server.serve(transport)``.

Framings (chosen per connection, answered in the same framing):

* **JSON mode** (default): one JSON-RPC message per TEXT frame, no headers.
  This is the ``vscode-ws-jsonrpc`` / ``monaco-languageclient`` convention:
  such clients ``JSON.parse`` each frame, cannot read binary frames and do not
  understand JSON-RPC batch arrays. Inbound frames may be text or binary.
* **JSON batch mode** (opt-in, subprotocol ``lsp-batch``): as JSON mode, but
  when several messages are queued the server sends them as one JSON array per
  TEXT frame (a frame with a single message carries the bare object).
* **Stream mode**: LSP base protocol (``Content-Length`` header + body) carried
  in BINARY frames whose boundaries mean nothing, as the reference Rust server
  (tokio-tungstenite byte-stream adapter) and its clients do. Output is always
  coalesced.

Detection: subprotocol ``lsp-stream`` -> stream; ``lsp-batch`` / ``lsp-json``
-> JSON (batched / not). Without a subprotocol, the first data frame decides:
payload starting with ``Content-`` (``Content-Length``/``Content-Type``, any
case, text or binary frame) -> stream; a BINARY frame not starting with ``{``
or ``[`` -> stream (e.g. a header split over frames); anything else -> JSON
(including binary frames holding JSON, as pygls-style clients send; we answer
those with TEXT frames).

Batching: flush when 16 KiB are queued or 5 ms after the oldest queued
message, whichever comes first, and at once for ``send(..., flush=True)``
(responses to requests) so request latency does not grow.

Backpressure: the outbound queue is bounded per connection. Above
``outbound_high_water`` the transport stops reading from the client (so the
client's requests stop producing output); past ``outbound_limit`` the
connection is dropped (TCP abort, logged). Other connections are unaffected.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import enum
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from websockets.asyncio.server import Server as _WsServer
from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.extensions.base import ServerExtensionFactory
from websockets.frames import DATA_OPCODES, Frame, Opcode
from websockets.http11 import Request, Response
from websockets.protocol import Event

from rholang_lsp.metrics import Metrics
from rholang_lsp.protocol.batch import join_batch, parse_error
from rholang_lsp.protocol.framing import DEFAULT_MAX_BODY
from rholang_lsp.protocol.transport import MessageTransport, TransportClosed
from rholang_lsp.transports.stream import set_socket_options
from rholang_lsp.transports.ws_deflate import ThresholdDeflateFactory, ThresholdPerMessageDeflate
from rholang_lsp.transports.ws_framing import (
    ContentLengthDecoder,
    FramingError,
    MessageTooLarge,
    encode_header,
)
from rholang_lsp.transports.ws_handshake import (
    SUBPROTOCOL_BATCH,
    SUBPROTOCOL_JSON,
    SUBPROTOCOL_STREAM,
    check_handshake,
    origin_allowed,
    select_subprotocol,
)

__all__ = [
    "WebSocketOptions",
    "WebSocketTransport",
    "WebSocketServer",
    "SessionServer",
    "Framing",
    "serve_websocket",
    "origin_allowed",
    "SUBPROTOCOL_STREAM",
    "SUBPROTOCOL_BATCH",
    "SUBPROTOCOL_JSON",
]

log = logging.getLogger("rholang_lsp.transports.websocket")

KiB = 1024
MiB = 1024 * KiB

_PARSE_ERROR_UTF8 = parse_error("Parse error: message is not valid UTF-8")

CLOSE_INVALID_DATA = 1007
CLOSE_MESSAGE_TOO_BIG = 1009


class SessionServer(Protocol):
    """What the transport needs from the LSP server: one session per transport."""

    async def serve(self, transport: MessageTransport) -> None: ...


class Framing(enum.Enum):
    JSON = "json"
    STREAM = "stream"


@dataclass(frozen=True, slots=True)
class WebSocketOptions:
    """Configuration of the WebSocket listener; one instance per server."""

    port: int = 0
    """TCP port; 0 picks a free one (see ``WebSocketServer.port``)."""
    host: str = "127.0.0.1"
    """Interface to bind. Loopback by default: the server has no TLS and
    exposes the workspace, so binding elsewhere is an explicit choice."""
    allowed_origins: Sequence[str] = ()
    """Extra ``Origin`` values accepted besides loopback http(s) origins
    (``--allow-origin``, repeatable). Exact match after lower-casing and
    dropping a trailing ``/``; an entry ending in ``*`` is a prefix match
    (``vscode-webview://*``); ``*`` alone accepts any origin. Requests without
    an ``Origin`` header (non-browser clients) are always accepted."""
    auth_token: str | None = None
    """If set, clients must present it as ``?token=...`` (browsers cannot set
    headers) or ``Authorization: Bearer ...``; otherwise the handshake is
    refused with 401."""
    compression: bool = True
    """Offer/accept permessage-deflate when the client asks for it."""
    compression_threshold: int = 1 * KiB
    """With compression negotiated, messages smaller than this many bytes are
    sent uncompressed (RSV1 clear; RFC 7692 allows it). 0 compresses all."""
    max_message_size: int = DEFAULT_MAX_BODY
    """Largest inbound message (JSON mode: WebSocket message; stream mode:
    ``Content-Length``). Larger -> close 1009 with the sizes in the reason."""
    outbound_high_water: int = 8 * MiB
    """Queued outbound bytes above which the transport stops reading from the
    client until the queue drains below ``outbound_low_water``."""
    outbound_low_water: int | None = None
    """Resume reading below this; default ``outbound_high_water // 4``."""
    outbound_limit: int = 64 * MiB
    """Hard bound on queued outbound bytes; past it the connection is dropped
    as a slow reader. (A single message larger than this on an otherwise empty
    queue is still sent.)"""
    batch_flush_size: int = 16 * KiB
    """Batching: send a frame as soon as this many bytes are queued."""
    batch_flush_delay: float = 0.005
    """Batching: longest time (s) a queued message waits for companions."""
    ping_interval: float | None = 20.0
    """Seconds between keepalive pings; ``None`` disables them."""
    ping_timeout: float | None = 20.0
    """A peer that does not answer a ping within this many seconds is dropped
    (its session ends). ``None`` waits forever."""
    close_timeout: float = 5.0
    """Bound on flushing queued output and on the closing handshake."""
    open_timeout: float = 10.0
    """Bound on the opening handshake."""
    write_limit: int = 64 * KiB
    """High-water mark of the socket write buffer (websockets ``write_limit``)."""
    json_batching: bool = False
    """Batch JSON-mode output even without the ``lsp-batch`` subprotocol.
    Only for clients known to accept arrays (benchmarks, custom clients)."""

    @property
    def low_water(self) -> int:
        if self.outbound_low_water is not None:
            return self.outbound_low_water
        return self.outbound_high_water // 4


# --------------------------------------------------------------------------- connection


class _LspServerConnection(ServerConnection):
    """``ServerConnection`` that records what the transport needs and the
    library does not expose: the opcode of the first data frame (text vs
    binary is lost by ``recv(decode=False)``), data frames and wire bytes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.first_data_opcode: Opcode | None = None
        self.data_frames_received = 0
        self.wire_bytes_received = 0
        self.accepted_at = self.loop.time()
        self._quickack: Callable[[], None] | None = None

    def process_event(self, event: Event) -> None:
        if isinstance(event, Frame) and event.opcode in DATA_OPCODES:
            self.data_frames_received += 1
            if self.first_data_opcode is None and event.opcode is not Opcode.CONT:
                self.first_data_opcode = event.opcode
        super().process_event(event)

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        self._quickack = set_socket_options(transport)

    def data_received(self, data: bytes) -> None:
        self.wire_bytes_received += len(data)
        super().data_received(data)
        # TCP_QUICKACK on every read: a client with Nagle on that sends header and body as
        # two frames (stream mode, tokio-tungstenite) would otherwise wait ~40 ms per request.
        if self._quickack is not None:
            self._quickack()


def _peer_of(ws: ServerConnection) -> str:
    addr = ws.remote_address
    if isinstance(addr, tuple) and len(addr) >= 2:
        host = str(addr[0])
        return f"ws://[{host}]:{addr[1]}" if ":" in host else f"ws://{host}:{addr[1]}"
    return f"ws://{addr}"


# --------------------------------------------------------------------------- transport


class WebSocketTransport:
    """One WebSocket connection as a ``MessageTransport``.

    Counters (public attributes, for ``rholang_lsp.metrics``):
    ``frames_received`` (data frames, fragments included), ``messages_received``,
    ``bytes_received`` (payload after decompression), ``frames_sent``,
    ``messages_sent``, ``bytes_sent`` (payload before compression),
    ``messages_per_frame`` (Counter: messages in a frame -> frames),
    ``peak_outbound_bytes``, ``invalid_utf8``, ``dropped``; compression
    counters via ``compression_stats()``; all of it via ``stats()``.
    """

    def __init__(
        self,
        ws: ServerConnection,
        options: WebSocketOptions,
        metrics: Metrics | None = None,
    ) -> None:
        self._ws = ws
        self._opts = options
        self._metrics = metrics
        self._deflate: ThresholdPerMessageDeflate | None = None
        for ext in ws.protocol.extensions:
            if isinstance(ext, ThresholdPerMessageDeflate):
                self._deflate = ext
        # Stream mode: a chunk is reported to metrics when the next one arrives,
        # with the number of messages completed in between.
        self._chunk_bytes = 0
        self._chunk_msgs = 0
        self._chunk_open = False
        self._loop = asyncio.get_running_loop()
        self._peer = _peer_of(ws)

        self._framing: Framing | None = None
        self._batching = options.json_batching
        self._decoder: ContentLengthDecoder | None = None

        # Outbound queue.
        self._pending: collections.deque[bytes] = collections.deque()
        self._queued_bytes = 0  # bytes in _pending
        self._inflight_bytes = 0  # bytes of the frame being sent
        self._enqueued = 0  # messages ever queued
        self._taken = 0  # messages ever taken into frames
        self._urgent_upto = 0  # flush everything up to this message number now
        self._oldest_at = 0.0  # loop time the oldest unsent message was queued
        self._timer: asyncio.TimerHandle | None = None
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._read_ok = asyncio.Event()  # cleared while over the high-water mark
        self._read_ok.set()
        self._closed = False  # no more sends
        self._close_started = False

        # Counters.
        self.frames_received = 0
        self.messages_received = 0
        self.bytes_received = 0
        self.frames_sent = 0
        self.messages_sent = 0
        self.bytes_sent = 0
        self.messages_per_frame: collections.Counter[int] = collections.Counter()
        self.peak_outbound_bytes = 0
        self.invalid_utf8 = 0
        self.dropped = False

        sub = ws.subprotocol
        if sub == SUBPROTOCOL_STREAM:
            self._set_framing(Framing.STREAM)
        elif sub == SUBPROTOCOL_BATCH:
            self._batching = True
            self._set_framing(Framing.JSON)
        elif sub == SUBPROTOCOL_JSON:
            self._set_framing(Framing.JSON)

        self._writer = self._loop.create_task(self._write_loop(), name=f"ws-writer {self._peer}")

    # ------------------------------------------------------------------ info

    @property
    def peer(self) -> str:
        return self._peer

    @property
    def framing(self) -> Framing | None:
        """``None`` until the first frame (or the subprotocol) decides."""
        return self._framing

    @property
    def batching(self) -> bool:
        return self._batching

    @property
    def outbound_bytes(self) -> int:
        return self._queued_bytes + self._inflight_bytes

    @property
    def connection(self) -> ServerConnection:
        return self._ws

    def compression_stats(self) -> dict[str, int] | None:
        """Payload bytes before/after compression, if permessage-deflate is in use."""
        ext = self._deflate
        if ext is not None:
            return {
                "out_bytes_raw": ext.out_bytes_raw,
                "out_bytes_wire": ext.out_bytes_wire,
                "out_frames_compressed": ext.out_frames_compressed,
                "out_frames_plain": ext.out_frames_plain,
                "in_bytes_wire": ext.in_bytes_wire,
                "in_bytes_raw": ext.in_bytes_raw,
            }
        return None

    def stats(self) -> dict[str, int]:
        out = {
            "frames_received": self.frames_received,
            "messages_received": self.messages_received,
            "bytes_received": self.bytes_received,
            "frames_sent": self.frames_sent,
            "messages_sent": self.messages_sent,
            "bytes_sent": self.bytes_sent,
            "peak_outbound_bytes": self.peak_outbound_bytes,
            "invalid_utf8": self.invalid_utf8,
            "dropped": int(self.dropped),
        }
        if isinstance(self._ws, _LspServerConnection):
            out["wire_bytes_received"] = self._ws.wire_bytes_received
        comp = self.compression_stats()
        if comp:
            out.update({f"deflate_{k}": v for k, v in comp.items()})
        return out

    # ------------------------------------------------------------------ framing

    def _set_framing(self, framing: Framing) -> None:
        self._framing = framing
        if framing is Framing.STREAM:
            self._batching = True
            self._decoder = ContentLengthDecoder(self._opts.max_message_size)
        log.debug("%s: %s framing, batching=%s", self._peer, framing.value, self._batching)
        self._wake.set()

    def _detect(self, first: bytes) -> None:
        head = first.lstrip()[:16].lower()
        opcode = getattr(self._ws, "first_data_opcode", None)
        if head.startswith(b"content-"):
            self._set_framing(Framing.STREAM)
        elif opcode is Opcode.BINARY and head[:1] not in (b"{", b"["):
            self._set_framing(Framing.STREAM)
        else:
            self._set_framing(Framing.JSON)

    # ------------------------------------------------------------------ reading

    async def read_message(self) -> bytes | None:
        while True:
            decoder = self._decoder
            if decoder is not None:
                try:
                    body = decoder.next_message()
                except MessageTooLarge as exc:
                    log.warning("%s: %s; closing (1009)", self._peer, exc)
                    await self._fail(CLOSE_MESSAGE_TOO_BIG, f"message too big: {exc}")
                    return None
                except FramingError as exc:
                    log.warning("%s: invalid LSP base protocol: %s; closing", self._peer, exc)
                    await self._fail(CLOSE_INVALID_DATA, f"invalid LSP header: {exc}")
                    return None
                if body is not None:
                    self._chunk_msgs += 1
                    if self._valid_utf8(body):
                        self.messages_received += 1
                        return body
                    continue
            if self.dropped:
                return None
            if not self._read_ok.is_set():
                # Backpressure: the client is not reading what we send, so we
                # stop reading what it sends (its requests would add output).
                await self._read_ok.wait()
                continue
            try:
                data = await self._ws.recv(decode=False)
            except ConnectionClosed as exc:
                self._report_chunk()
                self._connection_lost(exc)
                return None
            self.bytes_received += len(data)
            if isinstance(self._ws, _LspServerConnection):
                self.frames_received = self._ws.data_frames_received
            else:
                self.frames_received += 1
            if self._framing is None:
                if not data.strip():
                    continue
                self._detect(data)
            if self._decoder is not None:
                self._report_chunk()
                self._chunk_open = True
                self._chunk_bytes = len(data)
                self._decoder.feed(data)
                continue
            if self._metrics is not None:
                self._metrics.ws_frame_received(1, len(data))
            if not data.strip():
                log.debug("%s: empty frame skipped", self._peer)
                continue
            if not self._valid_utf8(data):
                continue
            self.messages_received += 1
            return data

    def _report_chunk(self) -> None:
        if self._chunk_open and self._metrics is not None:
            self._metrics.ws_frame_received(self._chunk_msgs, self._chunk_bytes)
        self._chunk_open = False
        self._chunk_msgs = 0
        self._chunk_bytes = 0

    def _valid_utf8(self, body: bytes) -> bool:
        try:
            body.decode("utf-8")
        except UnicodeDecodeError as exc:
            self.invalid_utf8 += 1
            log.warning("%s: message is not valid UTF-8 (%s); answered -32700", self._peer, exc)
            with contextlib.suppress(TransportClosed):
                self.send(_PARSE_ERROR_UTF8, flush=True)
            return False
        return True

    async def _fail(self, code: int, reason: str) -> None:
        self._closed = True
        self._read_ok.set()
        with contextlib.suppress(Exception):
            await self._ws.close(code, reason[:120])

    # ------------------------------------------------------------------ writing

    def send(self, body: bytes, *, flush: bool = False) -> None:
        if self._closed:
            raise TransportClosed(f"{self._peer}: transport closed")
        n = len(body)
        pending = self._pending
        if not pending:
            self._oldest_at = self._loop.time()
        pending.append(body)
        self._queued_bytes += n
        self._enqueued += 1
        self._idle.clear()
        total = self._queued_bytes + self._inflight_bytes
        if total > self.peak_outbound_bytes:
            self.peak_outbound_bytes = total
        if total > self._opts.outbound_high_water:
            if total > self._opts.outbound_limit and total > n:
                self._drop(total)
                raise TransportClosed(f"{self._peer}: dropped (slow reader)")
            self._read_ok.clear()
        if flush:
            self._urgent_upto = self._enqueued
            self._wake.set()
        elif (
            not self._batching
            or len(pending) == 1
            or self._queued_bytes >= self._opts.batch_flush_size
        ):
            self._wake.set()

    async def drain(self) -> None:
        if self._closed and self._writer.done():
            return
        await self._idle.wait()

    def _drop(self, total: int) -> None:
        log.warning(
            "%s: client is not reading; %d bytes queued > limit %d; dropping the connection",
            self._peer,
            total,
            self._opts.outbound_limit,
        )
        self.dropped = True
        self._closed = True
        self._pending.clear()
        self._queued_bytes = 0
        self._idle.set()
        self._read_ok.set()
        self._writer.cancel()
        # The peer is not reading, so a close frame would sit behind megabytes
        # of unread data: abort the TCP connection. recv() then raises
        # ConnectionClosed and read_message() returns None.
        transport = self._ws.transport
        if transport is not None:
            transport.abort()

    def _connection_lost(self, exc: BaseException | None) -> None:
        if not self._closed:
            log.debug("%s: connection closed (%s)", self._peer, exc)
        self._closed = True
        self._pending.clear()
        self._queued_bytes = 0
        self._inflight_bytes = 0
        self._idle.set()
        self._read_ok.set()
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _take_frame(self) -> tuple[bytes, int, bool]:
        """Pop the next frame's worth of messages: (payload, messages, is_text)."""
        pending = self._pending
        limit = self._opts.batch_flush_size
        if self._framing is Framing.STREAM:
            parts: list[bytes] = []
            size = 0
            count = 0
            while pending and (count == 0 or size + len(pending[0]) + 32 <= limit):
                body = pending.popleft()
                header = encode_header(len(body))
                parts.append(header)
                parts.append(body)
                size += len(header) + len(body)
                count += 1
                self._queued_bytes -= len(body)
            return b"".join(parts), count, False
        first = pending.popleft()
        self._queued_bytes -= len(first)
        if not self._batching or not pending or len(first) + len(pending[0]) + 3 > limit:
            return first, 1, True
        items = [first]
        size = len(first) + 2
        while pending and size + len(pending[0]) + 1 <= limit:
            body = pending.popleft()
            self._queued_bytes -= len(body)
            items.append(body)
            size += len(body) + 1
        return join_batch(items), len(items), True

    async def _write_loop(self) -> None:
        opts = self._opts
        low_water = opts.low_water
        try:
            while True:
                if not self._pending or self._framing is None:
                    if not self._pending:
                        self._idle.set()
                    self._wake.clear()
                    await self._wake.wait()
                    continue
                if (
                    self._batching
                    and self._urgent_upto <= self._taken
                    and self._queued_bytes < opts.batch_flush_size
                    and not self._close_started
                ):
                    deadline = self._oldest_at + opts.batch_flush_delay
                    if self._loop.time() < deadline:
                        if self._timer is None:
                            self._timer = self._loop.call_at(deadline, self._wake.set)
                        self._wake.clear()
                        await self._wake.wait()
                        continue
                if self._timer is not None:
                    self._timer.cancel()
                    self._timer = None
                frame, count, text = self._take_frame()
                self._taken += count
                # Leftovers keep the old deadline (_oldest_at): they never wait longer.
                self._inflight_bytes = len(frame)
                deflate = self._deflate
                wire_before = deflate.out_bytes_wire if deflate is not None else 0
                await self._ws.send(frame, text=text)
                self._inflight_bytes = 0
                if self._metrics is not None:
                    wire = (
                        deflate.out_bytes_wire - wire_before if deflate is not None else len(frame)
                    )
                    self._metrics.ws_frame_sent(count, len(frame), wire)
                self.frames_sent += 1
                self.messages_sent += count
                self.bytes_sent += len(frame)
                self.messages_per_frame[count] += 1
                if not self._read_ok.is_set() and self._queued_bytes <= low_water:
                    self._read_ok.set()
        except ConnectionClosed as exc:
            self._connection_lost(exc)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("%s: writer failed", self._peer)
            self._connection_lost(None)
            with contextlib.suppress(Exception):
                await self._ws.close(1011, "internal error")

    # ------------------------------------------------------------------ closing

    async def close(self) -> None:
        if self._close_started:
            return
        self._close_started = True
        if not self._closed:
            self._closed = True
            self._urgent_upto = self._enqueued
            self._wake.set()
            try:
                async with asyncio.timeout(self._opts.close_timeout):
                    await self._idle.wait()
            except TimeoutError:
                log.warning(
                    "%s: queued output not flushed within %.1f s",
                    self._peer,
                    self._opts.close_timeout,
                )
        self._writer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._writer
        self._connection_lost(None)
        with contextlib.suppress(Exception):
            await self._ws.close()


# --------------------------------------------------------------------------- server


class WebSocketServer:
    """The listener. ``async with WebSocketServer(server, options) as ws:``"""

    def __init__(
        self,
        server: SessionServer,
        options: WebSocketOptions,
        metrics: Metrics | None = None,
    ) -> None:
        self._server = server
        self._opts = options
        self._metrics = metrics
        self._ws_server: _WsServer | None = None
        self.transports: set[WebSocketTransport] = set()
        self.connections_total = 0
        self.handshakes_refused = 0

    @property
    def port(self) -> int:
        assert self._ws_server is not None, "not started"
        sock = next(iter(self._ws_server.sockets))
        return int(sock.getsockname()[1])

    @property
    def url(self) -> str:
        host = self._opts.host
        if ":" in host:
            host = f"[{host}]"
        return f"ws://{host}:{self.port}"

    async def start(self) -> None:
        opts = self._opts
        extensions: list[ServerExtensionFactory] | None = None
        if opts.compression:
            extensions = [ThresholdDeflateFactory(threshold=opts.compression_threshold)]
        self._ws_server = await serve(
            self._handle,
            opts.host,
            opts.port,
            compression=None,  # the factory above replaces the default
            extensions=extensions,
            select_subprotocol=select_subprotocol,
            process_request=self._process_request,
            open_timeout=opts.open_timeout,
            ping_interval=opts.ping_interval,
            ping_timeout=opts.ping_timeout,
            close_timeout=opts.close_timeout,
            max_size=(opts.max_message_size, None),
            write_limit=opts.write_limit,
            create_connection=_LspServerConnection,
            server_header=None,
        )
        log.info("listening on %s", self.url)

    async def close(self) -> None:
        if self._ws_server is not None:
            self._ws_server.close()
            await self._ws_server.wait_closed()

    async def serve_forever(self) -> None:
        assert self._ws_server is not None, "not started"
        await self._ws_server.serve_forever()

    async def __aenter__(self) -> WebSocketServer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def _process_request(self, connection: ServerConnection, request: Request) -> Response | None:
        response = check_handshake(
            connection, request, self._opts.allowed_origins, self._opts.auth_token
        )
        if response is not None:
            self.handshakes_refused += 1
        return response

    async def _handle(self, ws: ServerConnection) -> None:
        transport = WebSocketTransport(ws, self._opts, self._metrics)
        self.transports.add(transport)
        self.connections_total += 1
        if self._metrics is not None:
            accepted = getattr(ws, "accepted_at", ws.loop.time())
            self._metrics.connection_opened("ws", ws.loop.time() - accepted)
        log.info("%s: connected (subprotocol=%s)", transport.peer, ws.subprotocol)
        try:
            await self._server.serve(transport)
        except Exception:
            log.exception("%s: session failed", transport.peer)
        finally:
            await transport.close()
            self.transports.discard(transport)
            if self._metrics is not None:
                self._metrics.connection_closed("ws")
            log.info("%s: disconnected %s", transport.peer, transport.stats())


async def serve_websocket(
    server: SessionServer,
    options: WebSocketOptions,
    *,
    on_ready: Callable[[str], None] | None = None,
    metrics: Metrics | None = None,
) -> None:
    """Serve LSP sessions over WebSocket until cancelled.

    ``on_ready`` (optional) receives the listening URL, e.g. to print the port
    when ``options.port`` is 0. ``metrics`` (optional) receives per-frame and
    per-connection counts (``ws_frame_sent``/``ws_frame_received``,
    ``connection_opened("ws")``/``connection_closed("ws")``).
    """
    async with WebSocketServer(server, options, metrics) as ws_server:
        if on_ready is not None:
            on_ready(ws_server.url)
        await ws_server.serve_forever()
