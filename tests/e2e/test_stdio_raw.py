"""stdio with the raw JSON-RPC client: malformed input, cancellation, exit codes."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator

import pytest

from rholang_lsp.protocol.client import JsonRpcClient
from rholang_lsp.protocol.messages import ResponseError
from rholang_lsp.transports.stream import StreamTransport

CMD = [
    sys.executable,
    "-m",
    "rholang_lsp.cli.main",
    "serve",
    "--test-handlers",
    "--log-level",
    "warn",
]


class Proc:
    def __init__(self, proc: asyncio.subprocess.Process, client: JsonRpcClient) -> None:
        self.proc = proc
        self.client = client


@pytest.fixture
async def stdio() -> AsyncIterator[Proc]:
    proc = await asyncio.create_subprocess_exec(
        *CMD, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE
    )
    assert proc.stdout is not None and proc.stdin is not None
    client = JsonRpcClient(StreamTransport(proc.stdout, proc.stdin, peer="server"))
    yield Proc(proc, client)
    await client.close()
    if proc.returncode is None:
        proc.kill()
    await proc.wait()


async def test_malformed_json_then_valid_request(stdio: Proc) -> None:
    c = stdio.client
    await c.request("initialize", {"capabilities": {}})
    c.send_raw(b'{"jsonrpc":"2.0","id":')
    assert (await c.request("rholang/ping", 5))["pong"] == 5


async def test_cancellation_returns_32800(stdio: Proc) -> None:
    c = stdio.client
    await c.request("initialize", {"capabilities": {}})
    rid, fut = c.endpoint.send_request("rholang/_test/sleep", {"seconds": 30})
    assert (await c.request("rholang/ping"))[
        "pong"
    ] is None  # the sleep is running, others answered
    c.notify("$/cancelRequest", {"id": rid})
    with pytest.raises(ResponseError) as e:
        await asyncio.wait_for(fut, 5)
    assert e.value.code == -32800


async def test_exit_code_zero_after_shutdown(stdio: Proc) -> None:
    c = stdio.client
    await c.request("initialize", {"capabilities": {}})
    await c.request("shutdown")
    c.notify("exit")
    assert await asyncio.wait_for(stdio.proc.wait(), 10) == 0


async def test_exit_code_one_without_shutdown(stdio: Proc) -> None:
    c = stdio.client
    await c.request("initialize", {"capabilities": {}})
    c.notify("exit")
    assert await asyncio.wait_for(stdio.proc.wait(), 10) == 1


async def test_sigterm_graceful(stdio: Proc) -> None:
    await stdio.client.request("initialize", {"capabilities": {}})
    stdio.proc.terminate()
    assert await asyncio.wait_for(stdio.proc.wait(), 10) == 1  # ended without shutdown


async def test_client_process_gone_exits() -> None:
    sleeper = await asyncio.create_subprocess_exec(
        sys.executable, "-c", "import sys; sys.stdin.read()", stdin=asyncio.subprocess.PIPE
    )
    proc = await asyncio.create_subprocess_exec(
        *CMD,
        "--client-process-id",
        str(sleeper.pid),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stdin is not None
    client = JsonRpcClient(StreamTransport(proc.stdout, proc.stdin, peer="server"))
    await client.request("initialize", {"capabilities": {}})
    assert sleeper.stdin is not None
    sleeper.stdin.close()
    await sleeper.wait()
    assert await asyncio.wait_for(proc.wait(), 10) == 1
    await client.close()
