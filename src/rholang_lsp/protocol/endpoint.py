"""The JSON-RPC endpoint: one per connection, symmetric (used by server and test client).

It reads message bodies from a ``MessageTransport``, decodes them, routes
requests and notifications to a ``Dispatcher``, and answers. It knows nothing
of LSP lifecycle or of Rholang.

* A request whose handler returns an awaitable runs as its own Task, kept in a
  cancel map; ``$/cancelRequest`` cancels it and the answer is -32800. A handler
  that returns a plain value is answered inline (cheap; cannot be cancelled).
* Errors never end the connection: malformed JSON -> -32700 (id null),
  invalid message -> -32600, ``ResponseError`` raised by a handler -> its code,
  any other exception -> -32603 (logged with the traceback).
* Batch arrays are accepted and answered with an array.
* ``request()`` sends a request to the peer and awaits its answer (with timeout);
  ``notify()`` sends a notification.
* ``on_request_done(method, seconds, outcome)`` (optional) is called once per
  request from the peer with its handling time and ``"ok"``, ``"error"`` or
  ``"cancelled"`` (metrics); it must be cheap and must not raise. It is called
  after the response has been handed to the transport (``send``), so that
  recording never delays encoding or queueing an answer.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import logging
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any, Final, Literal, Protocol, TypeVar, cast

import msgspec
from msgspec import UNSET, Raw

from rholang_lsp.protocol.batch import join_batch
from rholang_lsp.protocol.messages import (
    INTERNAL_ERROR,
    INVALID_REQUEST,
    PARSE_ERROR,
    REQUEST_CANCELLED,
    CancelParams,
    ErrorObject,
    IdOnly,
    Message,
    OutError,
    OutNotification,
    OutNotificationNoParams,
    OutRequest,
    OutResult,
    RequestId,
    ResponseError,
)
from rholang_lsp.protocol.transport import MessageTooLarge, MessageTransport, TransportClosed
from rholang_lsp.protocol.wirelog import RECV, SEND, WireLog

T = TypeVar("T")

CANCEL_METHOD = "$/cancelRequest"
#: Messages in one batch array (each is answered; a longer batch is refused whole).
MAX_BATCH: Final = 1000
#: A batch array with more commas than ``MAX_BATCH`` (it may hold more items) must be
#: smaller than this to be decoded at all: decoding costs ~15 ms per MB on the loop, and
#: LSP clients do not batch.
MAX_BATCH_BYTES: Final = 256 * 1024
TOO_DEEP: Final = "Parse error: message nested too deeply"
#: Requests of one connection in progress (queued or running) before it is read no further.
MAX_PENDING: Final = 512
#: Messages handled back to back before the connection yields to the others.
YIELD_EVERY: Final = 16

_Response = OutResult | OutError
#: Prebuilt decoders: ``msgspec.json.decode(body, type=...)`` looks the type up on every call.
_decode_message = msgspec.json.Decoder(Message).decode
_decode_messages = msgspec.json.Decoder(list[Message]).decode
_decode_items = msgspec.json.Decoder(list[Raw]).decode
#: Results answered inline are usually one of these; anything else is asked ``isawaitable``
#: (an ABC check that costs more than the rest of the dispatch).
_PLAIN: Final = frozenset({dict, list, str, int, float, bool, type(None)})
RequestOutcome = Literal["ok", "error", "cancelled"]
#: ``(method, seconds, outcome)``, called once per request from the peer.
RequestObserver = Callable[[str, float, RequestOutcome], None]
#: ``(method, [seconds, ...])``: several requests of one method answered inline and "ok"
#: (the common case, reported in one call: per request it costs a fraction of the above).
RequestsObserver = Callable[[str, list[float]], None]


class Dispatcher(Protocol):
    """What the endpoint calls for incoming messages."""

    def dispatch_request(self, method: str, params: Raw, request_id: RequestId) -> Any:
        """Return the result, or an awaitable of it; raise ``ResponseError`` to answer an error."""
        ...

    def dispatch_notification(self, method: str, params: Raw) -> Awaitable[None] | None:
        """Handle a notification; an awaitable returned is run as a Task (fire and forget)."""
        ...


class Endpoint:
    """One JSON-RPC connection: dispatch, cancel map, outgoing requests."""

    #: The message the event loop is handling right now ("peer method"), for the
    #: loop-stall watchdog; None between messages. Process-wide: there is one loop.
    handling: str | None = None

    def __init__(
        self,
        transport: MessageTransport,
        dispatcher: Dispatcher,
        *,
        wire_log: WireLog | None = None,
        logger: logging.Logger | None = None,
        on_request_done: RequestObserver | None = None,
        on_requests_done: RequestsObserver | None = None,
    ) -> None:
        self.transport = transport
        # Both may be replaced (or set to None) at any time. Requests are observed while
        # ``request_observer`` is set; ``requests_observer``, if also set, is the same observer
        # taking the requests answered inline for one body in one call (cheaper).
        self.request_observer = on_request_done
        self.requests_observer = on_requests_done
        # Reported after sending: requests answered inline (errors one by one; "ok" as
        # parallel lists of methods and seconds, for ``requests_observer``).
        self._observed: list[tuple[str, float, RequestOutcome]] = []
        self._ok_methods: list[str] = []
        self._ok_seconds: list[float] = []
        self.dispatcher = dispatcher
        self.peer = transport.peer
        self._wire = wire_log
        self._log = logger or logging.getLogger(__name__)
        self._encoder = msgspec.json.Encoder()
        self._incoming: dict[RequestId, asyncio.Task[_Response]] = {}
        self._outgoing: dict[RequestId, asyncio.Future[Raw]] = {}
        self._background: set[asyncio.Task[Any]] = set()
        self._next_id = 0
        self._stopping = False
        self._closed = False

    # ------------------------------------------------------------------ run loop

    async def run(self) -> None:
        """Serve until the transport ends or ``stop()`` is called; then close the transport."""
        handled = 0
        try:
            while not self._stopping:
                # Fair service: a connection whose messages are already buffered would
                # otherwise be served without a pause; and a client that pipelines
                # without bound is read no further (TCP backpressure) until some answers.
                handled += 1
                if handled % YIELD_EVERY == 0:
                    await asyncio.sleep(0)
                if len(self._incoming) >= MAX_PENDING:
                    await asyncio.wait(
                        list(self._incoming.values()), return_when=asyncio.FIRST_COMPLETED
                    )
                try:
                    body = await self.transport.read_message()
                except MessageTooLarge as e:
                    self._refuse_too_large(e)
                    continue
                if body is None:
                    break
                self.handle_body(body)
        finally:
            await self._shutdown()

    def stop(self) -> None:
        """End ``run()`` after the current message (e.g. on LSP ``exit``)."""
        self._stopping = True
        # Wake a read that may be blocked: closing the transport ends read_message().
        if not self._closed:
            self._spawn(self.transport.close())

    @property
    def closed(self) -> bool:
        return self._closed

    async def _shutdown(self) -> None:
        self._closed = True
        for task in list(self._incoming.values()):
            task.cancel()
        for fut in self._outgoing.values():
            if not fut.done():
                fut.set_exception(TransportClosed(f"connection to {self.peer} closed"))
        self._outgoing.clear()
        for task in list(self._background):
            task.cancel()
        try:
            await self.transport.close()
        except Exception:  # pragma: no cover - defensive
            self._log.exception("%s: error while closing the transport", self.peer)

    def _spawn(self, aw: Awaitable[Any]) -> None:
        task = asyncio.ensure_future(aw)
        self._background.add(task)
        task.add_done_callback(self._background_done)

    def _background_done(self, task: asyncio.Task[Any]) -> None:
        self._background.discard(task)
        if not task.cancelled() and (exc := task.exception()) is not None:
            self._log.error("%s: background task failed", self.peer, exc_info=exc)

    # ------------------------------------------------------------------ input

    def handle_body(self, body: bytes) -> None:
        """Handle one message body (object or batch array). Never raises."""
        if self._wire is not None:
            self._wire.record(self.peer, RECV, body)
        try:
            if not body.isascii():
                try:
                    body.decode("utf-8")
                except UnicodeDecodeError as e:
                    self._log.warning("%s: body is not UTF-8: %s", self.peer, e)
                    self._send_response(
                        self._error(None, PARSE_ERROR, f"Parse error: not UTF-8: {e}")
                    )
                    return
            if body.lstrip()[:1] == b"[":
                self._handle_batch(body)
                return
            try:
                msg = _decode_message(body)
            except msgspec.ValidationError as e:
                self._send_response(self._error(_recover_id(body), INVALID_REQUEST, str(e)))
                return
            except msgspec.DecodeError as e:
                self._log.warning("%s: malformed JSON: %s", self.peer, e)
                self._send_response(self._error(None, PARSE_ERROR, f"Parse error: {e}"))
                return
            except RecursionError:
                # msgspec stops at the interpreter's recursion limit (~1,000 levels), in
                # microseconds: the body is refused before any object is built.
                self._log.warning("%s: message nested too deeply", self.peer)
                self._send_response(self._error(None, PARSE_ERROR, TOO_DEEP))
                return
            Endpoint.handling = f"{self.peer} {msg.method or 'response'}"
            out = self._handle_message(msg)
            if out is None:
                return
            if isinstance(out, _Pending):
                # one callback answers and reports it (one more would cost a loop handle)
                out.task.add_done_callback(functools.partial(self._send_task_response, out))
            else:
                self._send_response(out)
        except Exception:  # pragma: no cover - a bug here must not kill the connection
            self._log.exception("%s: internal error while handling a message", self.peer)
        finally:
            Endpoint.handling = None
            if self._ok_methods or self._observed:
                self._report_observed()

    def _refuse_too_large(self, e: MessageTooLarge) -> None:
        """Answer a message the transport skipped for its size (the id only if its
        first bytes show it: the body was never buffered)."""
        rid = _id_from_head(e.head)
        self._log.warning("%s: %s (id %r)", self.peer, e, rid)
        self._send_response(
            self._error(rid, INVALID_REQUEST, f"{e} (the server's --max-message-bytes)")
        )

    def _handle_batch(self, body: bytes) -> None:
        if len(body) > MAX_BATCH_BYTES and body.count(b",") >= MAX_BATCH:
            self._send_response(
                self._error(
                    None,
                    INVALID_REQUEST,
                    f"batch of {len(body)} bytes with possibly more than {MAX_BATCH} messages",
                )
            )
            return
        # Fast path: every item is a valid message, decoded in one call. Otherwise the
        # items are decoded one by one so each invalid one gets its own error.
        msgs: list[Message] | None
        try:
            msgs = _decode_messages(body)
        except (msgspec.DecodeError, RecursionError):
            msgs = None
        if msgs is not None:
            items: list[Raw] | list[Message] = msgs
        else:
            try:
                items = _decode_items(body)
            except msgspec.DecodeError as e:
                self._send_response(self._error(None, PARSE_ERROR, f"Parse error: {e}"))
                return
            except RecursionError:
                self._send_response(self._error(None, PARSE_ERROR, TOO_DEEP))
                return
        if not items:
            self._send_response(self._error(None, INVALID_REQUEST, "empty batch"))
            return
        if len(items) > MAX_BATCH:
            self._send_response(
                self._error(None, INVALID_REQUEST, f"batch of {len(items)} > {MAX_BATCH} messages")
            )
            return
        outs: list[_Response | _Pending] = []
        handle = self._handle_message
        if msgs is not None:
            for msg in msgs:
                out = handle(msg)
                if out is not None:
                    outs.append(out)
        else:
            for raw in cast(list[Raw], items):
                try:
                    msg = _decode_message(raw)
                except msgspec.DecodeError as e:
                    outs.append(self._error(_recover_id(bytes(raw)), INVALID_REQUEST, str(e)))
                    continue
                except RecursionError:
                    outs.append(self._error(None, PARSE_ERROR, TOO_DEEP))
                    continue
                out = handle(msg)
                if out is not None:
                    outs.append(out)
        if not outs:
            return
        if all(not isinstance(o, _Pending) for o in outs):
            self._send_batch(cast(list[_Response], outs))
        else:
            self._spawn(self._finish_batch(outs))
            for o in outs:
                if isinstance(o, _Pending):
                    self._observe_pending(o)

    async def _finish_batch(self, outs: list[_Response | _Pending]) -> None:
        await asyncio.wait([o.task for o in outs if isinstance(o, _Pending)])
        if not self._closed:
            self._send_batch(
                [self._task_response(o) if isinstance(o, _Pending) else o for o in outs]
            )

    def _handle_message(self, msg: Message) -> _Response | _Pending | None:
        rid = msg.id
        if msg.jsonrpc is not UNSET and msg.jsonrpc != "2.0":
            return self._error(
                None if rid is UNSET else rid, INVALID_REQUEST, 'jsonrpc must be "2.0"'
            )
        method = msg.method
        if method is not UNSET:
            if rid is UNSET:
                self._handle_notification(method, msg.params)
                return None
            if rid is None:
                return self._error(
                    None, INVALID_REQUEST, "request id must be an integer or a string"
                )
            return self._handle_request(rid, method, msg.params)
        if rid is not UNSET and rid is not None and (msg.result or msg.error is not UNSET):
            self._handle_response(rid, msg)
            return None
        if rid is None and msg.error is not UNSET:
            self._log.warning("%s: peer reported an error: %s", self.peer, msg.error)
            return None
        return self._error(
            None if rid is UNSET else rid,
            INVALID_REQUEST,
            "not a request, notification or response",
        )

    def _handle_notification(self, method: str, params: Raw) -> None:
        if method == CANCEL_METHOD:
            try:
                cancel = msgspec.json.decode(params, type=CancelParams)
            except msgspec.DecodeError:
                self._log.warning("%s: invalid $/cancelRequest params", self.peer)
                return
            task = self._incoming.get(cancel.id)
            if task is not None:
                task.cancel()
            return
        try:
            result = self.dispatcher.dispatch_notification(method, params)
        except ResponseError as e:
            self._log.warning("%s: notification %s rejected: %s", self.peer, method, e.message)
            return
        except Exception:
            self._log.exception("%s: notification handler %s failed", self.peer, method)
            return
        if result is not None:
            self._spawn(result)

    def _handle_request(self, rid: RequestId, method: str, params: Raw) -> _Response | _Pending:
        observe = self.request_observer is not None
        t0 = time.perf_counter() if observe else 0.0
        try:
            result = self.dispatcher.dispatch_request(method, params, rid)
        except ResponseError as e:
            if observe:
                self._observed.append((method, time.perf_counter() - t0, _outcome_of_code(e.code)))
            return self._error(rid, e.code, e.message, e.data)
        except Exception as e:
            self._log.exception("%s: request handler %s failed", self.peer, method)
            if observe:
                self._observed.append((method, time.perf_counter() - t0, "error"))
            return self._error(rid, INTERNAL_ERROR, f"{method} failed: {type(e).__name__}: {e}")
        if result.__class__ not in _PLAIN and inspect.isawaitable(result):
            task = asyncio.ensure_future(self._await_request(rid, method, result))
            self._incoming[rid] = task
            pending = _Pending(rid, task, method if observe else None, t0)
            task.add_done_callback(functools.partial(self._forget, pending, result))
            return pending
        if observe:
            self._ok_seconds.append(time.perf_counter() - t0)
            self._ok_methods.append(method)
        return OutResult("2.0", rid, result)

    def _report_observed(self) -> None:
        """Hand the timings of the requests answered inline to the observer."""
        methods, seconds, observed = self._ok_methods, self._ok_seconds, self._observed
        done = self.request_observer
        if done is not None:
            many = self.requests_observer
            if many is not None and methods and methods.count(methods[0]) == len(methods):
                many(methods[0], seconds)
                self._ok_seconds = []
                methods.clear()
            else:
                for method, dt in zip(methods, seconds, strict=True):
                    done(method, dt, "ok")
                methods.clear()
                seconds.clear()
            for method, dt, outcome in observed:
                done(method, dt, outcome)
        else:
            methods.clear()
            seconds.clear()
        observed.clear()

    def _observe_pending(self, pending: _Pending) -> None:
        """Report a task-run request when it ends (after its response callback)."""
        done = self.request_observer
        if done is not None and pending.method is not None:
            pending.task.add_done_callback(
                functools.partial(_observe_task, done, pending.method, pending.t0)
            )

    async def _await_request(self, rid: RequestId, method: str, aw: Awaitable[Any]) -> _Response:
        try:
            return OutResult("2.0", rid, await aw)
        except ResponseError as e:
            return self._error(rid, e.code, e.message, e.data)
        except (asyncio.CancelledError, KeyboardInterrupt, SystemExit):
            raise
        except BaseException as e:
            self._log.exception("%s: request handler %s failed", self.peer, method)
            return self._error(rid, INTERNAL_ERROR, f"{method} failed: {type(e).__name__}: {e}")

    def _task_response(self, pending: _Pending) -> _Response:
        if pending.task.cancelled():
            return self._error(pending.rid, REQUEST_CANCELLED, "request cancelled")
        return pending.task.result()

    def _forget(self, pending: _Pending, aw: Any, _task: object) -> None:
        if self._incoming.get(pending.rid) is pending.task:
            del self._incoming[pending.rid]
        if inspect.iscoroutine(aw):
            aw.close()  # no-op if it ran; avoids "never awaited" if cancelled before starting

    def _send_task_response(self, pending: _Pending, _task: object = None) -> None:
        """Answer a task-run request when it ends, then report it to the observer."""
        if not self._closed:
            self._send_response(self._task_response(pending))
        done = self.request_observer
        if done is not None and pending.method is not None:
            _observe_task(done, pending.method, pending.t0, pending.task)

    def _handle_response(self, rid: RequestId, msg: Message) -> None:
        fut = self._outgoing.pop(rid, None)
        if fut is None:
            self._log.warning("%s: response to unknown request id %r", self.peer, rid)
            return
        if fut.done():
            return
        err = msg.error
        if isinstance(err, ErrorObject):
            fut.set_exception(ResponseError(err.code, err.message, err.data))
        else:
            fut.set_result(msg.result or Raw(b"null"))

    # ------------------------------------------------------------------ output

    def _error(self, rid: Any, code: int, message: str, data: Any = None) -> OutError:
        if not isinstance(rid, (int, str)) or isinstance(rid, bool):
            rid = None
        return OutError("2.0", rid, ErrorObject(code, message, data))

    def _encode_response(self, out: _Response) -> bytes:
        """Every request gets exactly one answer: a result that cannot be encoded
        (too deep, too big, not serialisable: any exception) becomes a -32603 error."""
        try:
            return self._encoder.encode(out)
        except Exception as e:  # RecursionError, MemoryError, TypeError, EncodeError, ...
            self._log.error(
                "%s: cannot encode the response to %r: %s: %s",
                self.peer,
                out.id,
                type(e).__name__,
                e,
            )
            message = f"result could not be encoded ({type(e).__name__}: {e})"[:500]
            return self._encoder.encode(self._error(out.id, INTERNAL_ERROR, message))

    def _send_response(self, out: _Response) -> None:
        self._send_bytes(self._encode_response(out), flush=True)

    def _send_batch(self, outs: list[_Response]) -> None:
        try:
            body = self._encoder.encode(outs)  # the whole array in one call
        except Exception:  # one answer cannot be encoded: each on its own (it becomes -32603)
            body = join_batch(self._encode_response(o) for o in outs)
        self._send_bytes(body, flush=True)

    def _send_bytes(self, body: bytes, *, flush: bool) -> None:
        if self._closed:
            return
        if self._wire is not None:
            self._wire.record(self.peer, SEND, body)
        try:
            self.transport.send(body, flush=flush)
        except TransportClosed:
            self._log.debug("%s: dropped a message, transport closed", self.peer)

    def notify(self, method: str, params: Any = UNSET) -> None:
        """Send a notification (queued; never blocks)."""
        if params is UNSET:
            body = self._encoder.encode(OutNotificationNoParams("2.0", method))
        else:
            body = self._encoder.encode(OutNotification("2.0", method, params))
        self._send_bytes(body, flush=False)

    def send_request(
        self, method: str, params: Any = None
    ) -> tuple[RequestId, asyncio.Future[Raw]]:
        """Send a request; return its id and a future of the raw result (low level)."""
        if self._closed:
            raise TransportClosed(f"connection to {self.peer} closed")
        rid = self._next_id
        self._next_id += 1
        fut: asyncio.Future[Raw] = asyncio.get_running_loop().create_future()
        self._outgoing[rid] = fut
        self._send_bytes(self._encoder.encode(OutRequest("2.0", rid, method, params)), flush=True)
        return rid, fut

    async def request(
        self,
        method: str,
        params: Any = None,
        *,
        timeout: float | None = 30.0,
        result_type: type[T] | Any = Any,
    ) -> T:
        """Send a request to the peer and await its result (decoded as ``result_type``).

        Raises ``ResponseError`` if the peer answers an error, ``TimeoutError``
        after ``timeout`` seconds (the peer is then sent ``$/cancelRequest``),
        ``TransportClosed`` if the connection ends first.
        """
        rid, fut = self.send_request(method, params)
        try:
            raw = await asyncio.wait_for(fut, timeout)
        except (TimeoutError, asyncio.CancelledError):
            self._outgoing.pop(rid, None)
            if not self._closed:
                self.notify(CANCEL_METHOD, {"id": rid})
            raise
        return cast(T, msgspec.json.decode(raw, type=result_type))

    @property
    def pending_requests(self) -> int:
        """Requests from the peer currently running (for tests and metrics)."""
        return len(self._incoming)


def _outcome_of_code(code: int) -> RequestOutcome:
    return "cancelled" if code == REQUEST_CANCELLED else "error"


def _observe_task(
    done: RequestObserver, method: str, t0: float, task: asyncio.Task[_Response]
) -> None:
    seconds = time.perf_counter() - t0
    outcome: RequestOutcome
    if task.cancelled():
        outcome = "cancelled"
    elif task.exception() is not None:
        outcome = "error"
    else:
        out = task.result()
        outcome = _outcome_of_code(out.error.code) if isinstance(out, OutError) else "ok"
    try:
        done(method, seconds, outcome)
    except Exception:  # pragma: no cover - an observer must never break a connection
        logging.getLogger(__name__).exception("request observer failed")


_HEAD_ID = re.compile(
    rb'^\s*\{\s*(?:"(?:jsonrpc|method)"\s*:\s*"[^"\\]*"\s*,\s*)*"id"\s*:\s*(-?\d{1,18}|"[^"\\]{0,200}")'
)


def _id_from_head(head: bytes) -> RequestId | None:
    """The id of a message from its first bytes, when it comes before any params
    (as clients write it); None otherwise."""
    m = _HEAD_ID.match(head)
    if m is None:
        return None
    value = m.group(1)
    return value[1:-1].decode("utf-8", "replace") if value[:1] == b'"' else int(value)


def _recover_id(body: bytes) -> Any:
    try:
        return msgspec.json.decode(body, type=IdOnly).id
    except (msgspec.DecodeError, RecursionError):
        return None


class _Pending:
    """A request being answered by a Task."""

    __slots__ = ("rid", "task", "method", "t0")

    def __init__(
        self,
        rid: RequestId,
        task: asyncio.Task[_Response],
        method: str | None = None,
        t0: float = 0.0,
    ) -> None:
        self.rid = rid
        self.task = task
        self.method = method  # set when the request is observed (metrics)
        self.t0 = t0
