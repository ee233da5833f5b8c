"""Shared fixtures: start the real server as a subprocess on any transport."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

import pytest

#: Set by ``tests/test_compiled_build.py`` for its run of the suites against the compiled build
#: (``benchmarks/compiled.py``): the session refuses to start unless the modules listed in
#: ``rholang_lsp.compiled`` really are the compiled ones, and tests marked ``pure_python``
#: (they replace attributes of syntax classes, which compiled classes do not allow) are
#: skipped with that reason.
EXPECT_COMPILED = os.environ.get("RHOLANG_LSP_EXPECT_COMPILED") == "1"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "pure_python(reason): needs the interpreted syntax modules (patches their classes); "
        "skipped in the run against the compiled build",
    )
    if EXPECT_COMPILED:
        from benchmarks.compiled import BuildFailed, check_running_compiled

        try:
            check_running_compiled()
        except BuildFailed as e:
            raise pytest.UsageError(str(e)) from None


def pytest_report_header(config: pytest.Config) -> str:
    from rholang_lsp.compiled import build_name

    return f"rholang_lsp build: {build_name()}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not EXPECT_COMPILED:
        return
    for item in items:
        marker = item.get_closest_marker("pure_python")
        if marker is not None:
            why = marker.args[0] if marker.args else "needs the interpreted syntax modules"
            item.add_marker(pytest.mark.skip(reason=f"compiled build: {why}"))


SERVER_CMD = [sys.executable, "-m", "rholang_lsp.cli.main", "serve"]
# "listening on tcp://127.0.0.1:PORT", "... ws://127.0.0.1:PORT" (or ws://[::1]:PORT), "... unix:PATH"
LISTENING = re.compile(
    rb"listening on (?:(?P<scheme>tcp|ws)://(?:\[(?P<host6>[0-9a-fA-F:.]+)\]|(?P<host>[\w.-]+))"
    rb":(?P<port>\d+)|unix:(?P<path>\S+))"
)


@dataclass
class ServerProcess:
    proc: asyncio.subprocess.Process
    host: str = ""
    port: int = 0
    path: str = ""
    scheme: str = ""  # "tcp" or "ws" for a port, "" for a Unix socket
    stderr_lines: list[bytes] = field(default_factory=list)

    @property
    def url(self) -> str:
        """``ws://127.0.0.1:PORT`` (WebSocket), ``tcp://...`` or ``unix:PATH``."""
        if self.path:
            return f"unix:{self.path}"
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}:{self.port}"

    async def stop(self) -> int:
        if self.proc.returncode is None:
            self.proc.terminate()
        return await asyncio.wait_for(self.proc.wait(), 10)


async def _pump_stderr(sp: ServerProcess, ready: asyncio.Future[None]) -> None:
    assert sp.proc.stderr is not None
    while line := await sp.proc.stderr.readline():
        sp.stderr_lines.append(line)
        sys.stderr.write(line.decode(errors="replace"))
        m = LISTENING.search(line)
        if m and not ready.done():
            if m["port"]:
                sp.host = (m["host"] or m["host6"]).decode()
                sp.port = int(m["port"])
                sp.scheme = m["scheme"].decode()
            else:
                sp.path = m["path"].decode()
            ready.set_result(None)
    if not ready.done():
        ready.set_exception(RuntimeError("server exited before listening"))


SpawnServer = Callable[..., Awaitable[ServerProcess]]


@pytest.fixture
async def spawn_server() -> AsyncIterator[SpawnServer]:
    """``await spawn_server("--socket", "--port", "0")``: a listening server subprocess."""
    started: list[tuple[ServerProcess, asyncio.Task[None]]] = []

    async def spawn(*args: str) -> ServerProcess:
        proc = await asyncio.create_subprocess_exec(
            *SERVER_CMD,
            *args,
            "--test-handlers",
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        sp = ServerProcess(proc)
        ready: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        pump = asyncio.create_task(_pump_stderr(sp, ready))
        started.append((sp, pump))
        await asyncio.wait_for(ready, 15)
        return sp

    yield spawn
    for sp, pump in started:
        await sp.stop()
        await asyncio.wait_for(pump, 5)


class MemoryTransport:
    """In-memory ``MessageTransport``: ``inbox`` feeds ``read_message``; sends go to ``peer_inbox``."""

    def __init__(
        self, name: str, inbox: asyncio.Queue[bytes | None], peer_inbox: asyncio.Queue[bytes | None]
    ) -> None:
        self.name = name
        self.inbox = inbox
        self.peer_inbox = peer_inbox
        self.sent: list[bytes] = []
        self.closed = False

    @property
    def peer(self) -> str:
        return self.name

    async def read_message(self) -> bytes | None:
        if self.closed:
            return None
        body = await self.inbox.get()
        if body is None:
            self.closed = True
        return body

    def send(self, body: bytes, *, flush: bool = False) -> None:
        from rholang_lsp.protocol.transport import TransportClosed

        if self.closed:
            raise TransportClosed(self.name)
        self.sent.append(body)
        self.peer_inbox.put_nowait(body)

    async def drain(self) -> None:
        return None

    async def close(self) -> None:
        if not self.closed:
            self.closed = True
            self.inbox.put_nowait(None)
            self.peer_inbox.put_nowait(None)


@pytest.fixture
def memory_pair() -> Callable[[], tuple[MemoryTransport, MemoryTransport]]:
    """Factory of two connected in-memory transports (client side, server side)."""

    def make() -> tuple[MemoryTransport, MemoryTransport]:
        a: asyncio.Queue[bytes | None] = asyncio.Queue()
        b: asyncio.Queue[bytes | None] = asyncio.Queue()
        return MemoryTransport("client", a, b), MemoryTransport("server", b, a)

    return make
