"""Without the ``[node]`` extra: the node flags and settings give one clear message and the
server runs with the built-in checker; ``rholang-lsp eval`` says what to install.

The extra is hidden from the server's interpreter by a ``sitecustomize`` on ``PYTHONPATH``
that makes ``import grpc`` / ``import google.protobuf`` fail as if not installed (the
subprocess checks that it does). Runs whether or not the extra is installed here.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

pytestmark = pytest.mark.timeout(60)

HIDER = """
import importlib.abc, sys

class _NoNodeExtra(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "grpc" or name.startswith(("grpc.", "grpc_")) or name.startswith("google.protobuf"):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, _NoNodeExtra())
"""
MISSING = "pip install 'rholang-language-server[node]'"
URI = "file:///tmp/no-extra/a.rho"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "sitecustomize.py").write_text(HIDER)
    out = dict(os.environ)
    out["PYTHONPATH"] = os.pathsep.join(
        [str(tmp_path), *filter(None, [os.environ.get("PYTHONPATH")])]
    )
    return out


def test_the_extra_is_really_hidden(env: dict[str, str]) -> None:
    code = "import importlib.util as u; import grpc"
    run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert run.returncode == 1 and "No module named 'grpc'" in run.stderr


def test_flags_print_one_clear_message_and_the_server_runs(env: dict[str, str]) -> None:
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "rholang_lsp.cli.main",
            "serve",
            "--stdio",
            "--validator-backend",
            "grpc:127.0.0.1:40402",
            "--no-index-cache",
        ],
        env=env,
        input="",  # a pipe that ends at once: the server starts, then sees the client gone
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert run.stderr.count(MISSING) == 1, run.stderr
    assert "Traceback" not in run.stderr


def test_eval_says_what_to_install(env: dict[str, str], tmp_path: Path) -> None:
    program = tmp_path / "a.rho"
    program.write_text("Nil\n")
    run = subprocess.run(
        [sys.executable, "-m", "rholang_lsp.cli.main", "eval", str(program), "--node", "h:1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert run.returncode == 1
    assert MISSING in run.stderr and "Traceback" not in run.stderr


@pytest.fixture
async def client(env: dict[str, str]) -> AsyncIterator[LanguageClient]:
    command = [sys.executable, "-m", "rholang_lsp.cli.main", "serve", "--stdio"]
    config = ClientServerConfig(server_command=[*command, "--no-index-cache"], server_env=env)
    lsp = await config.start()
    assert isinstance(lsp, LanguageClient)
    await lsp.initialize_session(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(),
            initialization_options={"rholang": {"validator": "grpc:127.0.0.1:40402"}},
        )
    )
    yield lsp
    try:
        await asyncio.wait_for(lsp.shutdown_session(), 10)
    finally:
        await lsp.stop()


async def test_a_node_setting_warns_once_and_builtin_diagnostics_flow(
    client: LanguageClient,
) -> None:
    text = "new x in { x!(undefinedName) }"
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=URI, language_id="rholang", version=1, text=text
            )
        )
    )
    for version in range(2, 5):
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=URI, version=version),
                content_changes=[
                    types.TextDocumentContentChangeWholeDocument(text=text + " " * version)
                ],
            )
        )

    async def last_version_checked() -> None:
        while True:
            params = await client.wait_for_notification("textDocument/publishDiagnostics")
            if params.version == 4:
                return

    await asyncio.wait_for(last_version_checked(), 15)
    diags = client.diagnostics[URI]
    assert [d.source for d in diags] == ["rholang-semantic"]  # the built-in verdict
    warned = [m.message for m in client.messages if MISSING in m.message]
    assert len(warned) == 1, client.messages
