"""Benchmark harness: start the real server as a subprocess, talk to it as a client.

* :class:`ServerProcess` starts ``python -m rholang_lsp.cli.main serve`` over one
  transport (``stdio``, ``tcp``, ``unix``, ``ws``), waits for its "listening on"
  log line, reads its RSS with psutil and stops it.
* :class:`LspClient` is a small asyncio LSP client over a :class:`Connection`:
  ``Content-Length`` framing over pipes/TCP/Unix sockets (:class:`StreamConnection`)
  or one JSON message (or a JSON array when the server batches) per WebSocket frame
  (:class:`WsConnection`, the ``websockets`` client). It answers the server's own
  requests (progress tokens, capability registration, configuration), records
  notifications with their arrival time and can wait for one.
* :func:`machine_info` names the machine; :func:`summarize` turns samples into
  median and spread.

Nothing here imports the server: the client is independent of the code it measures.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import platform
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import msgspec

from rholang_lsp.compiled import build_name

Transport = Literal["stdio", "tcp", "unix", "ws"]
TRANSPORTS: tuple[Transport, ...] = ("stdio", "tcp", "unix", "ws")

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
SERVER_CMD: tuple[str, ...] = (sys.executable, "-m", "rholang_lsp.cli.main", "serve")
LISTENING = re.compile(
    rb"listening on (?:tcp://(?P<host>[\d.]+):(?P<port>\d+)|unix:(?P<path>\S+)"
    rb"|(?P<url>ws://[\w.\[\]:-]+))"
)

_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder()


class LspError(Exception):
    """The server answered a request with an error object."""

    def __init__(self, code: int, message: str, data: Any = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.data = data


# --------------------------------------------------------------------------- machine


def machine_info() -> dict[str, str]:
    """Cores, CPU model, memory, OS and Python of this machine (for the report header)."""
    info: dict[str, str] = {}
    logical = os.cpu_count() or 0
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        usable = logical
    physical: int | None = None
    total_mem: int | None = None
    try:
        import psutil

        physical = psutil.cpu_count(logical=False)
        total_mem = int(psutil.virtual_memory().total)
    except Exception:  # noqa: BLE001 - optional
        pass
    model = platform.processor() or ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    info["cores"] = f"{usable} usable ({logical} logical, {physical or '?'} physical)"
    info["cpu"] = model or "unknown"
    if total_mem:
        info["memory"] = f"{total_mem / 2**30:.1f} GiB"
    info["os"] = f"{platform.system()} {platform.release()} ({platform.machine()})"
    info["python"] = f"{platform.python_implementation()} {platform.python_version()}"
    info["build"] = build_name()  # compiled (mypyc) or pure Python: --compiled
    return info


# --------------------------------------------------------------------------- statistics


@dataclass(frozen=True)
class Summary:
    """Median and spread of repeated measurements."""

    n: int
    median: float
    lo: float  # minimum
    hi: float  # maximum
    p10: float
    p90: float
    mean: float

    def to_json(self) -> dict[str, float | int]:
        return {
            "n": self.n,
            "median": self.median,
            "min": self.lo,
            "max": self.hi,
            "p10": self.p10,
            "p90": self.p90,
            "mean": self.mean,
        }


def percentile(values: Sequence[float], p: float) -> float:
    """Linear-interpolated percentile (``p`` in 0..100) of ``values`` (non-empty)."""
    s = sorted(values)
    if not s:
        raise ValueError("no values")
    if len(s) == 1:
        return s[0]
    k = (len(s) - 1) * p / 100.0
    f = int(k)
    c = min(f + 1, len(s) - 1)
    return s[f] + (s[c] - s[f]) * (k - f)


def summarize(values: Iterable[float]) -> Summary:
    vals = list(values)
    if not vals:
        raise ValueError("no values to summarize")
    return Summary(
        n=len(vals),
        median=statistics.median(vals),
        lo=min(vals),
        hi=max(vals),
        p10=percentile(vals, 10),
        p90=percentile(vals, 90),
        mean=statistics.fmean(vals),
    )


# --------------------------------------------------------------------------- connections


class Connection:
    """A message-body pipe to the server (framing is the subclass's business)."""

    async def send(self, body: bytes) -> None:
        raise NotImplementedError

    def send_nowait(self, body: bytes) -> None:
        """Queue a body without waiting for buffer space (pipelining, backpressure tests)."""
        raise NotImplementedError

    async def recv(self) -> list[bytes] | None:
        """The next message bodies (several when the server batched them); None at EOF."""
        raise NotImplementedError

    async def close(self) -> None:
        raise NotImplementedError

    def abort(self) -> None:
        """Drop the connection at once (TCP reset), without a closing handshake."""
        raise NotImplementedError

    @property
    def bytes_received(self) -> int:
        return 0


class StreamConnection(Connection):
    """LSP base protocol (``Content-Length``) over an asyncio stream pair."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self._received = 0

    @staticmethod
    def frame(body: bytes) -> bytes:
        return b"Content-Length: %d\r\n\r\n%b" % (len(body), body)

    async def send(self, body: bytes) -> None:
        self.writer.write(self.frame(body))
        await self.writer.drain()

    def send_nowait(self, body: bytes) -> None:
        self.writer.write(self.frame(body))

    async def recv(self) -> list[bytes] | None:
        try:
            header = await self.reader.readuntil(b"\r\n\r\n")
            length = -1
            for line in header.split(b"\r\n"):
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value.strip())
            if length < 0:
                raise ConnectionError(f"frame without Content-Length: {header[:100]!r}")
            body = await self.reader.readexactly(length)
        except (asyncio.IncompleteReadError, ConnectionError, OSError):
            return None
        self._received += len(header) + length
        return [body]

    async def close(self) -> None:
        if not self.writer.is_closing():
            if self.writer.transport.get_write_buffer_size() > 0:
                self.writer.transport.abort()  # a peer that does not read: do not wait
            else:
                self.writer.close()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.writer.wait_closed(), 5)

    def abort(self) -> None:
        self.writer.transport.abort()

    @property
    def bytes_received(self) -> int:
        return self._received


def _counting_client_class() -> Any:
    from websockets.asyncio.client import ClientConnection

    class CountingClientConnection(ClientConnection):
        """Counts bytes read from the socket (after the TCP stack, before inflate)."""

        wire_in = 0

        def data_received(self, data: bytes) -> None:
            self.wire_in += len(data)
            super().data_received(data)

    return CountingClientConnection


class WsConnection(Connection):
    """JSON-RPC over WebSocket: one message (or a JSON array, when batched) per frame."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.frames_received = 0
        self.messages_received = 0
        self._received = 0

    @classmethod
    async def open(
        cls,
        url: str,
        *,
        batch: bool = False,
        deflate: bool = False,
        max_queue: int | None = 1024,
    ) -> WsConnection:
        from websockets.asyncio.client import connect
        from websockets.typing import Subprotocol

        ws = await connect(
            url,
            subprotocols=[Subprotocol("lsp-batch" if batch else "lsp-json")],
            compression="deflate" if deflate else None,
            max_size=None,
            max_queue=max_queue,
            ping_interval=None,
            create_connection=_counting_client_class(),
        )
        return cls(ws)

    @property
    def wire_bytes_received(self) -> int:
        return int(getattr(self.ws, "wire_in", 0))

    async def send(self, body: bytes) -> None:
        await self.ws.send(body.decode("utf-8"))

    def send_nowait(self, body: bytes) -> None:
        # websockets has no non-blocking send; callers of send_nowait on WS use tasks
        raise NotImplementedError("use send() on WebSocket connections")

    async def recv(self) -> list[bytes] | None:
        from websockets.exceptions import ConnectionClosed

        try:
            data = await self.ws.recv(decode=False)
        except ConnectionClosed:
            return None
        self.frames_received += 1
        self._received += len(data)
        stripped = data.lstrip()
        if stripped[:1] == b"[":
            items = msgspec.json.decode(data, type=list[msgspec.Raw])
            self.messages_received += len(items)
            return [bytes(i) for i in items]
        self.messages_received += 1
        return [data]

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.ws.close(), 5)

    def abort(self) -> None:
        self.ws.transport.abort()

    @property
    def bytes_received(self) -> int:
        return self._received


# --------------------------------------------------------------------------- server process


@dataclass
class ServerProcess:
    """The real server as a subprocess."""

    proc: asyncio.subprocess.Process
    transport: Transport
    host: str = ""
    port: int = 0
    path: str = ""
    url: str = ""
    stderr_lines: list[bytes] = field(default_factory=list)
    started_at: float = 0.0
    ready_seconds: float = 0.0
    _pump: asyncio.Task[None] | None = None
    _tmpdir: tempfile.TemporaryDirectory[str] | None = None
    _stdio_taken: bool = False

    @classmethod
    async def start(
        cls,
        transport: Transport,
        *args: str,
        log_level: str = "info",
        cache_dir: Path | None = None,
        env: dict[str, str] | None = None,
        timeout: float = 30.0,
        echo_stderr: bool = False,
    ) -> ServerProcess:
        """Start ``serve`` over ``transport`` with extra CLI ``args``; wait until it listens.

        ``cache_dir``: the on-disk index cache directory (``RHOLANG_LSP_CACHE_DIR``);
        by default a throw-away one, so that benchmarks never touch the user's cache.
        stdio servers count as ready when they log "session started" (at log level
        info or lower), so that timings exclude interpreter start-up.
        """
        tmp: tempfile.TemporaryDirectory[str] | None = None
        if log_level not in ("trace", "debug", "info"):
            log_level = "info"  # the "listening on" / "session started" lines are info
        if transport == "stdio":
            targs = ["--stdio"]
        elif transport == "tcp":
            targs = ["--socket", "--port", "0"]
        elif transport == "ws":
            targs = ["--websocket", "--port", "0"]
        else:
            tmp = tempfile.TemporaryDirectory(prefix="rho-bench-sock-")
            targs = ["--pipe", os.path.join(tmp.name, "lsp.sock")]
        full_env = dict(os.environ)
        if full_env.get("RHOLANG_LSP_EXPECT_COMPILED") != "1":
            # --compiled put its build first on PYTHONPATH: this checkout's src would shadow it
            src = str(ROOT / "src")
            full_env["PYTHONPATH"] = src + os.pathsep + full_env.get("PYTHONPATH", "")
        if cache_dir is None:
            if tmp is None:
                tmp = tempfile.TemporaryDirectory(prefix="rho-bench-")
            cache_dir = Path(tmp.name) / "cache"
        full_env["RHOLANG_LSP_CACHE_DIR"] = str(cache_dir)
        if env:
            full_env.update(env)
        t0 = time.perf_counter()
        proc = await asyncio.create_subprocess_exec(
            *SERVER_CMD,
            *targs,
            "--log-level",
            log_level,
            "--no-color",
            *args,
            stdin=asyncio.subprocess.PIPE if transport == "stdio" else asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE if transport == "stdio" else asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
            env=full_env,
            limit=1 << 20,
        )
        sp = cls(proc, transport, started_at=t0, _tmpdir=tmp)
        ready: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        sp._pump = asyncio.create_task(sp._pump_stderr(ready, echo_stderr))
        try:
            await asyncio.wait_for(asyncio.shield(ready), timeout)
        except BaseException:
            await sp.stop()
            raise
        sp.ready_seconds = time.perf_counter() - t0
        return sp

    async def _pump_stderr(self, ready: asyncio.Future[None], echo: bool) -> None:
        assert self.proc.stderr is not None
        while line := await self.proc.stderr.readline():
            self.stderr_lines.append(line)
            if echo:
                sys.stderr.write(line.decode(errors="replace"))
            if not ready.done() and self.transport == "stdio" and b"session started" in line:
                ready.set_result(None)
            elif not ready.done() and (m := LISTENING.search(line)):
                if m["port"]:
                    self.host, self.port = m["host"].decode(), int(m["port"])
                elif m["path"]:
                    self.path = m["path"].decode()
                else:
                    self.url = m["url"].decode()
                ready.set_result(None)
        if not ready.done():
            tail = b"".join(self.stderr_lines[-20:]).decode(errors="replace")
            ready.set_exception(RuntimeError(f"server exited before listening:\n{tail}"))

    def log_text(self) -> str:
        return b"".join(self.stderr_lines).decode(errors="replace")

    def rss(self) -> int:
        """Resident set size of the server process, in bytes (psutil)."""
        import psutil

        return int(psutil.Process(self.proc.pid).memory_info().rss)

    def uss(self) -> int | None:
        """Unique set size (Linux; may need privileges): None when unavailable."""
        import psutil

        try:
            return int(psutil.Process(self.proc.pid).memory_full_info().uss)
        except Exception:  # noqa: BLE001 - optional
            return None

    async def connect(
        self,
        *,
        batch: bool = False,
        deflate: bool = False,
        limit: int = 1 << 22,
        max_queue: int | None = 1024,
    ) -> Connection:
        """A new connection (stdio: the process's pipes, once)."""
        if self.transport == "stdio":
            if self._stdio_taken:
                raise RuntimeError("stdio serves one client")
            self._stdio_taken = True
            assert self.proc.stdout is not None and self.proc.stdin is not None
            return StreamConnection(self.proc.stdout, self.proc.stdin)
        if self.transport == "tcp":
            r, w = await asyncio.open_connection(self.host, self.port, limit=limit)
            return StreamConnection(r, w)
        if self.transport == "unix":
            r, w = await asyncio.open_unix_connection(self.path, limit=limit)
            return StreamConnection(r, w)
        return await WsConnection.open(self.url, batch=batch, deflate=deflate, max_queue=max_queue)

    async def client(self, **kw: Any) -> LspClient:
        return LspClient(await self.connect(**kw))

    async def stop(self, timeout: float = 10.0) -> int | None:
        if self.proc.returncode is None:
            if self.transport == "stdio" and self.proc.stdin is not None:
                with contextlib.suppress(Exception):
                    self.proc.stdin.close()
            with contextlib.suppress(ProcessLookupError):
                self.proc.terminate()
        try:
            await asyncio.wait_for(self.proc.wait(), timeout)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                self.proc.kill()
            await self.proc.wait()
        if self._pump is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._pump, 5)
        if self._tmpdir is not None:
            self._tmpdir.cleanup()
        return self.proc.returncode


@contextlib.asynccontextmanager
async def running_server(transport: Transport, *args: str, **kw: Any) -> Any:
    sp = await ServerProcess.start(transport, *args, **kw)
    try:
        yield sp
    finally:
        await sp.stop()


# --------------------------------------------------------------------------- client


@dataclass
class Notification:
    method: str
    params: Any
    at: float  # time.perf_counter() on arrival


class LspClient:
    """A minimal LSP client: requests with futures, notifications recorded and awaitable."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._ids = itertools.count(1)
        self._pending: dict[int | str, asyncio.Future[Any]] = {}
        self._sent_at: dict[int | str, float] = {}
        self.notifications: list[Notification] = []
        self.server_requests: list[tuple[str, Any]] = []
        self._waiters: list[tuple[str, Callable[[Any], bool], asyncio.Future[Notification]]] = []
        self.closed = asyncio.Event()
        self.auto_answer: dict[str, Callable[[Any], Any]] = {
            "window/workDoneProgress/create": lambda p: None,
            "client/registerCapability": lambda p: None,
            "client/unregisterCapability": lambda p: None,
            "workspace/configuration": lambda p: [None] * len((p or {}).get("items", [])),
            "window/showMessageRequest": lambda p: None,
            "workspace/applyEdit": lambda p: {"applied": False},
        }
        self._reader = asyncio.create_task(self._read_loop())

    # ------------------------------------------------------------------ reading

    async def _read_loop(self) -> None:
        try:
            while (bodies := await self.conn.recv()) is not None:
                now = time.perf_counter()
                for body in bodies:
                    self._handle(_decoder.decode(body), now)
        except Exception as e:  # noqa: BLE001 - reported to waiters
            self._fail_all(e)
        finally:
            self.closed.set()
            self._fail_all(ConnectionError("connection closed"))

    def _fail_all(self, exc: BaseException) -> None:
        for fut in self._pending.values():
            if not fut.done():
                fut.set_exception(exc)
        self._pending.clear()
        for _, _, w in self._waiters:
            if not w.done():
                w.set_exception(exc)
        self._waiters.clear()

    def _handle(self, msg: dict[str, Any], now: float) -> None:
        method = msg.get("method")
        if method is None:
            fut = self._pending.pop(msg.get("id"), None)  # type: ignore[arg-type]
            if fut is not None and not fut.done():
                fut.set_result((msg, now))
            return
        if "id" in msg:
            self.server_requests.append((method, msg.get("params")))
            answer = self.auto_answer.get(method)
            if answer is None:
                reply: dict[str, Any] = {
                    "jsonrpc": "2.0",
                    "id": msg["id"],
                    "error": {"code": -32601, "message": f"benchmark client: no {method}"},
                }
            else:
                reply = {"jsonrpc": "2.0", "id": msg["id"], "result": answer(msg.get("params"))}
            asyncio.ensure_future(self._send_quietly(_encoder.encode(reply)))
            return
        note = Notification(method, msg.get("params"), now)
        self.notifications.append(note)
        if self._waiters:
            keep = []
            for m, pred, fut in self._waiters:
                if fut.done():
                    continue
                if m == method and pred(note.params):
                    fut.set_result(note)
                else:
                    keep.append((m, pred, fut))
            self._waiters = keep

    async def _send_quietly(self, body: bytes) -> None:
        with contextlib.suppress(Exception):
            await self.conn.send(body)

    # ------------------------------------------------------------------ sending

    def _request_body(self, method: str, params: Any) -> tuple[int, bytes]:
        rid = next(self._ids)
        msg: dict[str, Any] = {"jsonrpc": "2.0", "id": rid, "method": method}
        if params is not None:
            msg["params"] = params
        return rid, _encoder.encode(msg)

    async def send_request(
        self, method: str, params: Any = None
    ) -> tuple[int, asyncio.Future[Any]]:
        """Send a request; return its id and a future of ``(message, arrival time)``."""
        rid, body = self._request_body(method, params)
        fut: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending[rid] = fut
        await self.conn.send(body)
        return rid, fut

    async def request_timed(
        self, method: str, params: Any = None, *, timeout: float = 60.0
    ) -> tuple[Any, float]:
        """Result and round-trip seconds (send to arrival of the response); raises LspError."""
        t0 = time.perf_counter()
        _, fut = await self.send_request(method, params)
        msg, at = await asyncio.wait_for(fut, timeout)
        err = msg.get("error")
        if err is not None:
            raise LspError(err.get("code", 0), err.get("message", ""), err.get("data"))
        return msg.get("result"), at - t0

    async def request(self, method: str, params: Any = None, *, timeout: float = 60.0) -> Any:
        result, _ = await self.request_timed(method, params, timeout=timeout)
        return result

    async def notify(self, method: str, params: Any = None) -> None:
        msg: dict[str, Any] = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            msg["params"] = params
        await self.conn.send(_encoder.encode(msg))

    async def cancel(self, rid: int) -> None:
        await self.notify("$/cancelRequest", {"id": rid})

    def wait_for(
        self,
        method: str,
        predicate: Callable[[Any], bool] | None = None,
        *,
        since: int = 0,
    ) -> asyncio.Future[Notification]:
        """A future of the first notification ``method`` (from index ``since``) matching."""
        pred = predicate or (lambda _p: True)
        fut: asyncio.Future[Notification] = asyncio.get_running_loop().create_future()
        for note in self.notifications[since:]:
            if note.method == method and pred(note.params):
                fut.set_result(note)
                return fut
        if self.closed.is_set():
            fut.set_exception(ConnectionError("connection closed"))
            return fut
        self._waiters.append((method, pred, fut))
        return fut

    # ------------------------------------------------------------------ LSP helpers

    async def initialize(
        self,
        root: Path | None = None,
        *,
        progress: bool = True,
        watch: bool = False,
        extra_capabilities: dict[str, Any] | None = None,
        initialized: bool = True,
        timeout: float = 60.0,
    ) -> tuple[Any, float]:
        """``initialize`` (+ ``initialized``); returns the result and its round-trip seconds."""
        caps: dict[str, Any] = {
            "general": {"positionEncodings": ["utf-16"]},
            "window": {"workDoneProgress": progress},
            "workspace": {
                "workspaceFolders": True,
                "didChangeWatchedFiles": {"dynamicRegistration": watch},
            },
            "textDocument": {
                "publishDiagnostics": {"versionSupport": True},
                "synchronization": {"didSave": True},
            },
        }
        if extra_capabilities:
            caps.update(extra_capabilities)
        params: dict[str, Any] = {"processId": None, "capabilities": caps}
        if root is not None:
            uri = root.resolve().as_uri()
            params["rootUri"] = uri
            params["workspaceFolders"] = [{"uri": uri, "name": root.name}]
        result, seconds = await self.request_timed("initialize", params, timeout=timeout)
        if initialized:
            await self.notify("initialized", {})
        return result, seconds

    async def open(self, path: Path, text: str | None = None, version: int = 1) -> str:
        uri = path.resolve().as_uri()
        if text is None:
            text = path.read_text(encoding="utf-8")
        await self.notify(
            "textDocument/didOpen",
            {
                "textDocument": {
                    "uri": uri,
                    "languageId": "rholang",
                    "version": version,
                    "text": text,
                }
            },
        )
        return uri

    async def stop_reading(self) -> None:
        """Stop reading from the server (a slow client: the server's output backs up)."""
        self._reader.cancel()
        with contextlib.suppress(BaseException):
            await self._reader

    async def shutdown(self, timeout: float = 10.0) -> None:
        """``shutdown`` + ``exit`` and close (errors ignored: the process may be gone)."""
        with contextlib.suppress(Exception):
            await self.request("shutdown", timeout=timeout)
            await self.notify("exit")
        await self.close()

    async def abort(self) -> None:
        """Reset the connection (a client that vanished)."""
        self.conn.abort()
        await self.close()

    async def close(self) -> None:
        await self.conn.close()
        self._reader.cancel()
        with contextlib.suppress(BaseException):
            await self._reader


def progress_kinds(client: LspClient) -> list[str]:
    """The ``kind`` of every ``$/progress`` notification received so far, in order."""
    out = []
    for n in client.notifications:
        if n.method == "$/progress" and isinstance(n.params, dict):
            value = n.params.get("value")
            if isinstance(value, dict):
                out.append(str(value.get("kind")))
    return out


def is_progress_end(params: Any) -> bool:
    return (
        isinstance(params, dict)
        and isinstance(params.get("value"), dict)
        and params["value"].get("kind") == "end"
    )


async def wait_indexed(client: LspClient, timeout: float = 300.0) -> float:
    """Wait until ``rholang/indexingStatus`` says settled; return the seconds waited.

    Waits for the end of ``$/progress`` between checks (a client that gets no
    progress, e.g. one joining a root already being indexed, re-checks every 0.25 s).
    """
    t0 = time.perf_counter()
    deadline = t0 + timeout
    since = 0
    while True:
        status = await client.request("rholang/indexingStatus", timeout=timeout)
        if isinstance(status, dict) and status.get("settled"):
            return time.perf_counter() - t0
        if time.perf_counter() > deadline:
            raise TimeoutError("workspace not indexed in time")
        end = client.wait_for("$/progress", is_progress_end, since=since)
        since = len(client.notifications)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(end, 0.25)


def file_uri(path: Path) -> str:
    return path.resolve().as_uri()


__all__ = [
    "CORPUS",
    "Connection",
    "LspClient",
    "LspError",
    "Notification",
    "ROOT",
    "ServerProcess",
    "StreamConnection",
    "Summary",
    "TRANSPORTS",
    "Transport",
    "WsConnection",
    "file_uri",
    "is_progress_end",
    "machine_info",
    "percentile",
    "progress_kinds",
    "running_server",
    "summarize",
    "wait_indexed",
]
