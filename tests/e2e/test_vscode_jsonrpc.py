"""VS Code's JSON-RPC stack as the client: ``tests/node/client.js`` (vscode-jsonrpc +
vscode-languageserver-protocol, ``ws`` for WebSocket with one JSON message per text frame as
monaco-languageclient sends) runs a scripted session against the real server over stdio, TCP,
a Unix socket and WebSocket, and prints a JSON transcript that is checked here.

Skips when ``node`` or ``tests/node/node_modules`` (``npm ci`` in ``tests/node``) are missing."""

from __future__ import annotations

import asyncio
import json
import shutil
import statistics
import sys
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import SpawnServer
from tests.e2e.real_clients import (
    Workspace,
    check_definition,
    check_diagnostics,
    check_hover,
    make_workspace,
    write_scenario,
)

NODE_DIR = Path(__file__).resolve().parents[1] / "node"
NODE = shutil.which("node")

pytestmark = [
    pytest.mark.timeout(60),
    pytest.mark.skipif(NODE is None, reason="node is not installed"),
    pytest.mark.skipif(
        not (NODE_DIR / "node_modules" / "vscode-jsonrpc").is_dir(),
        reason="tests/node/node_modules missing (run `npm ci` in tests/node)",
    ),
]

SERVER_STDIO = [sys.executable, "-m", "rholang_lsp.cli.main", "serve", "--stdio"]
COMMON_FLAGS = ["--no-index-cache", "--log-level", "warn"]


async def run_client(*args: str) -> dict[str, Any]:
    assert NODE is not None
    proc = await asyncio.create_subprocess_exec(
        NODE,
        str(NODE_DIR / "client.js"),
        *args,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await asyncio.wait_for(proc.communicate(), 45)
    transcript: dict[str, Any] = json.loads(out)
    assert proc.returncode == 0 and not transcript["errors"], transcript.get("errors")
    return transcript


def check_transcript(t: dict[str, Any], ws: Workspace) -> None:
    assert t["serverInfo"]["name"] == "rholang-language-server"
    caps = t["capabilities"]
    assert caps.get("positionEncoding", "utf-16") == "utf-16"
    assert caps["hoverProvider"] and caps["definitionProvider"]
    # server -> client requests were answered, and progress used only created tokens
    methods = [r["method"] for r in t["serverRequests"]]
    assert not [r for r in t["serverRequests"] if r.get("unhandled")], t["serverRequests"]
    assert "client/registerCapability" in methods
    assert all(p["created"] for p in t["progress"]), t["progress"]
    kinds = [p["kind"] for p in t["progress"]]
    if kinds:
        assert kinds[0] == "begin" and kinds[-1] == "end", kinds
    assert t["diagnostics"]["uri"] == ws.file_uri
    check_diagnostics(t["diagnostics"]["diagnostics"])
    check_hover(t["hover"])
    check_definition(t["definition"], ws.file_uri)
    assert t["shutdown"] is None
    assert t["connectionClosed"], "the server did not end the connection after exit"
    lat = t["hoverLatenciesMs"]
    print(
        f"vscode-jsonrpc over {t['transport']}: initialize {t['timingsMs']['initialize']:.1f} ms,"
        f" diagnostics {t['timingsMs']['diagnostics']:.1f} ms,"
        f" hover median {statistics.median(lat):.2f} ms (max {max(lat):.2f}) over {len(lat)}"
    )


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    return make_workspace(tmp_path)


async def test_stdio(workspace: Workspace, tmp_path: Path) -> None:
    scenario = write_scenario(workspace, tmp_path / "scenario.json", repeat=10)
    t = await run_client("--scenario", str(scenario), "--stdio", "--", *SERVER_STDIO, *COMMON_FLAGS)
    check_transcript(t, workspace)
    assert t["exitCode"] == 0


async def test_tcp(workspace: Workspace, tmp_path: Path, spawn_server: SpawnServer) -> None:
    srv = await spawn_server("--socket", "--port", "0", "--no-index-cache")
    scenario = write_scenario(workspace, tmp_path / "scenario.json", repeat=10)
    t = await run_client("--scenario", str(scenario), "--tcp", f"{srv.host}:{srv.port}")
    check_transcript(t, workspace)
    # vscode-jsonrpc writes header and body separately with Nagle on: without TCP_QUICKACK
    # re-armed on every read, each request waited for our 40 ms delayed ACK (44 ms hovers).
    latencies = t["hoverLatenciesMs"]
    assert statistics.median(latencies) < 20, latencies
    assert srv.proc.returncode is None  # the listener outlives its clients


async def test_unix_socket(workspace: Workspace, tmp_path: Path, spawn_server: SpawnServer) -> None:
    path = tmp_path / "lsp.sock"
    srv = await spawn_server("--pipe", str(path), "--no-index-cache")
    scenario = write_scenario(workspace, tmp_path / "scenario.json", repeat=10)
    t = await run_client("--scenario", str(scenario), "--unix", srv.path)
    check_transcript(t, workspace)


@pytest.mark.parametrize("token", [None, "s3cret"])
async def test_websocket_json_text_frames(
    workspace: Workspace, tmp_path: Path, spawn_server: SpawnServer, token: str | None
) -> None:
    flags = ["--websocket", "--port", "0", "--no-index-cache"]
    if token:
        flags += ["--auth-token", token]
    srv = await spawn_server(*flags)
    scenario = write_scenario(workspace, tmp_path / "scenario.json", repeat=10)
    url = srv.url + (f"/?token={token}" if token else "")
    t = await run_client("--scenario", str(scenario), "--ws", url)
    check_transcript(t, workspace)
    ws = t["ws"]
    # what monaco / vscode-ws-jsonrpc can read: one JSON object per TEXT frame
    assert ws["binaryFrames"] == 0 and ws["batchFrames"] == 0, ws
    assert ws["framesReceived"] >= 4
    assert "permessage-deflate" in ws["extensions"]
