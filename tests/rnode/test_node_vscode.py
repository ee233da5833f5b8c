"""The node provider through VS Code's JSON-RPC stack (``tests/node/client.js``:
vscode-jsonrpc + vscode-languageserver-protocol) against the real server over stdio and the
fake node: the node's diagnostics at their UTF-16 columns after a non-BMP character, the code
lens, and ``rholang.evaluate`` with its output message.

Skips without ``node``, ``tests/node/node_modules`` or the ``[node]`` extra."""

from __future__ import annotations

import asyncio
import json
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("grpc", reason="the [node] extra is not installed")

from tests.rnode.fake_node import FakeNode  # noqa: E402

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

URI = "file:///tmp/rnode-vscode/a.rho"
TEXT = 'new stdout(`rho:io:stdout`) in {\n  /* \N{GRINNING FACE} */ stdout!("hi") | stdout!(badName)\n}\n'


async def test_vscode_client_gets_node_diagnostics_lens_and_evaluation(
    fake_node: FakeNode, tmp_path: Path
) -> None:
    scenario = {
        "document": {"uri": URI, "languageId": "rholang", "version": 1, "text": TEXT},
        "waitForSource": "rnode",
        "codeLens": True,
        "executeCommand": {"command": "rholang.evaluate", "arguments": [URI]},
        "timeoutMs": 20000,
    }
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(scenario))
    server = [sys.executable, "-m", "rholang_lsp.cli.main", "serve", "--stdio"]
    server += ["--no-index-cache", "--log-level", "warn"]
    server += ["--validator-backend", f"grpc:{fake_node.address}"]
    assert NODE is not None
    proc = await asyncio.create_subprocess_exec(
        NODE,
        str(NODE_DIR / "client.js"),
        "--scenario",
        str(path),
        "--stdio",
        "--",
        *server,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await asyncio.wait_for(proc.communicate(), 45)
    t: dict[str, Any] = json.loads(out)
    assert proc.returncode == 0 and not t["errors"], t.get("errors")
    assert t["capabilities"]["executeCommandProvider"]["commands"] == ["rholang.evaluate"]
    node = [d for d in t["sourcedDiagnostics"]["diagnostics"] if d["source"].startswith("rnode")]
    line = TEXT.split("\n")[1]
    start = len(line[: line.index("badName")].encode("utf-16-le")) // 2
    assert [(d["range"], d["message"]) for d in node] == [
        (
            {
                "start": {"line": 1, "character": start},
                "end": {"line": 1, "character": start + len("badName")},
            },
            "Unbound variable: badName",
        )
    ]
    lens = t["codeLens"]
    assert len(lens) == 1 and lens[0]["command"]["command"] == "rholang.evaluate"
    assert lens[0]["command"]["arguments"] == [URI]
    assert lens[0]["range"]["start"] == {"line": 0, "character": 0}
    assert t["executeCommand"]["output"] == "hi\n"
    shown = [m for m in t["messages"] if m["method"] == "window/showMessage"]
    assert any(m["message"].endswith(": hi") for m in shown), shown
    assert fake_node.evaluated == [TEXT]
