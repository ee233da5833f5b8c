"""The multi-process deployment of the README, run for real: two server processes
sharing one index cache directory behind nginx (``deploy/nginx.conf``, ports
substituted). Skipped when nginx is not installed (``apt-get install nginx-light``).

Two WebSocket clients connect through the proxy at once, land on the two backends
(``least_conn``; told apart by the pid in ``rholang/metrics``), index the same root
into the same cache directory and both answer ``workspace/symbol``; the cache file
they leave is whole and valid.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import socket
import sys
from pathlib import Path
from typing import Any

import pytest

from rholang_lsp.workspace.cache import IndexCache

pytestmark = [
    pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed"),
    pytest.mark.timeout(120),
]
websockets_client = pytest.importorskip("websockets.asyncio.client")

CONF = Path(__file__).resolve().parents[2] / "deploy" / "nginx.conf"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _wait_listening(port: int, timeout: float = 30) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        try:
            _, w = await asyncio.open_connection("127.0.0.1", port)
            w.close()
            return
        except OSError:
            if loop.time() > deadline:
                raise
            await asyncio.sleep(0.05)


class WsClient:
    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.next_id = 0

    async def request(self, method: str, params: Any = None) -> Any:
        self.next_id += 1
        rid = self.next_id
        await self.ws.send(
            json.dumps({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        )
        while True:
            msg = json.loads(await self.ws.recv())
            if msg.get("id") == rid and "method" not in msg:
                assert "error" not in msg, msg
                return msg["result"]
            if "method" in msg and "id" in msg:  # a server->client request: answer null
                await self.ws.send(json.dumps({"jsonrpc": "2.0", "id": msg["id"], "result": None}))

    async def notify(self, method: str, params: Any) -> None:
        await self.ws.send(json.dumps({"jsonrpc": "2.0", "method": method, "params": params}))


async def test_two_backends_behind_nginx_share_one_cache(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    root.mkdir()
    for i in range(30):
        (root / f"f{i:02}.rho").write_text(f'contract @"shared{i}"(x) = {{ x!({i}) }}\n' * 10)
    cache_dir = tmp_path / "cache"
    front, b1, b2 = _free_port(), _free_port(), _free_port()
    conf = CONF.read_text().replace("7700", str(front))
    conf = conf.replace("7701", str(b1)).replace("7702", str(b2))
    (tmp_path / "nginx.conf").write_text(conf)
    (tmp_path / "logs").mkdir()
    procs: list[asyncio.subprocess.Process] = []
    try:
        for port in (b1, b2):
            procs.append(
                await asyncio.create_subprocess_exec(
                    sys.executable, "-m", "rholang_lsp.cli.main", "serve", "--websocket",
                    "--port", str(port), "--index-cache-dir", str(cache_dir),
                    "--index-workers", "1",
                    stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL,
                    stderr=asyncio.subprocess.DEVNULL,
                )
            )  # fmt: skip
        procs.append(
            await asyncio.create_subprocess_exec(
                "nginx", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"),
                "-g", f"daemon off; pid {tmp_path / 'nginx.pid'}; error_log stderr warn;",
                stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.DEVNULL,
            )
        )  # fmt: skip
        for port in (b1, b2, front):
            await _wait_listening(port)
        connect = websockets_client.connect
        async with (
            connect(f"ws://127.0.0.1:{front}/", max_size=None) as w1,
            connect(f"ws://127.0.0.1:{front}/", max_size=None) as w2,
        ):
            clients = [WsClient(w1), WsClient(w2)]
            init = {
                "processId": None,
                "capabilities": {},
                "workspaceFolders": [{"uri": root.as_uri(), "name": "ws"}],
            }
            for c in clients:
                await c.request("initialize", init)
                await c.notify("initialized", {})
            pids = {(await c.request("rholang/metrics"))["pid"] for c in clients}
            assert len(pids) == 2  # one connection on each backend
            for c in clients:
                hits = await c.request("workspace/symbol", {"query": "shared17"})
                assert any(h["name"] == '@"shared17"' or "shared17" in h["name"] for h in hits)
        cache = IndexCache(root, directory=cache_dir)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 30
        while len(cache.load()) != 30:  # the backends save a little after indexing
            assert loop.time() < deadline, "no whole cache file was written"
            await asyncio.sleep(0.1)
    finally:
        for p in procs:
            if p.returncode is None:
                p.terminate()
        for p in procs:
            try:
                await asyncio.wait_for(p.wait(), 10)
            except TimeoutError:
                p.kill()
