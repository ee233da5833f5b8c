"""A SIGKILLed server leaves no indexer process behind (issue 20, finding 8).

The real server over stdio indexes a workspace with its forkserver worker pool;
then it is killed with SIGKILL (no cleanup of its own can run). Every process it
started (the forkserver and the workers, found with psutil before the kill) must
be gone within a few seconds: each worker watches the server's pid (and start
time) and exits when it is gone.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="Linux process semantics")


def _send(proc: subprocess.Popen[bytes], msg: dict[str, object]) -> None:
    body = json.dumps(msg).encode()
    assert proc.stdin is not None
    proc.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
    proc.stdin.flush()


def _wait_for(cond: object, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():  # type: ignore[operator]
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def test_sigkilled_server_leaves_no_workers(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    root.mkdir()
    for i in range(40):
        (root / f"f{i:02}.rho").write_text(f'contract @"c{i}"(x) = {{ x!({i}) }}\n' * 30)
    env = {**os.environ, "RHOLANG_LSP_CACHE_DIR": str(tmp_path / "cache")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "rholang_lsp.cli.main", "serve", "--stdio"],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    try:
        _send(
            proc,
            {
                "jsonrpc": "2.0",
                "id": 1,
                "method": "initialize",
                "params": {
                    "processId": None,
                    "capabilities": {},
                    "workspaceFolders": [{"uri": root.as_uri(), "name": "ws"}],
                },
            },
        )
        _send(proc, {"jsonrpc": "2.0", "method": "initialized", "params": {}})
        server = psutil.Process(proc.pid)
        # the forkserver and at least one worker under it
        _wait_for(lambda: len(server.children(recursive=True)) >= 2, 60, "the worker pool")
        started = server.children(recursive=True)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)

    def all_gone() -> bool:
        return not any(p.is_running() and p.status() != psutil.STATUS_ZOMBIE for p in started)

    _wait_for(all_gone, 15, f"processes {[p.pid for p in started]} to exit")
