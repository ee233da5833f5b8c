"""Definition into a registry contract's read-only description in a real headless Neovim
(issue 14). Neovim does not implement `workspace/textDocumentContent` in core yet (an open
pull request), so ``tests/nvim/registry_document.lua`` configures it as nvim-jdtls does for
`jdt://`: a `BufReadCmd` on `rholang-registry://*` asks `rholang/registryContract`; the client
declares it with ``experimental.rholangRegistryDocuments``. The BufReadCmd is README.md's. Skipped without Neovim 0.11+."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest
from tests.e2e.readme_snippets import snippet
from tests.e2e.test_neovim import NVIM, VERSION

SCRIPT = Path(__file__).resolve().parents[1] / "nvim" / "registry_document.lua"
SERVER_STDIO = [sys.executable, "-m", "rholang_lsp.cli.main", "serve", "--stdio"]
TEXT = """new rl(`rho:registry:lookup`), MakeMintCh, mintCh in {
  rl!(`rho:rchain:makeMint`, *MakeMintCh) |
  for (@(_, MakeMint) <- MakeMintCh) {
    @MakeMint!(*mintCh)
  }
}
"""

pytestmark = [
    pytest.mark.timeout(60),
    pytest.mark.skipif(NVIM is None or VERSION < (0, 11), reason="needs Neovim 0.11+"),
]


async def test_definition_opens_the_registry_document(tmp_path: Path) -> None:
    assert NVIM is not None
    rho = tmp_path / "mint.rho"
    rho.write_text(TEXT, encoding="utf-8")
    out = tmp_path / "result.json"
    lua = tmp_path / "registry_documents.lua"
    lua.write_text(snippet("lua", "Registry documents (0.11+)"), encoding="utf-8")
    line = 1
    col = TEXT.split("\n")[line].index("rho:rchain:makeMint") + 4
    env = {
        **os.environ,
        "RHO_FILE": str(rho),
        "RHO_ROOT": str(tmp_path),
        "LSP_CMD": json.dumps(SERVER_STDIO),
        "DEF_LINE": str(line),
        "DEF_COL": str(col),
        "README_SNIPPET": str(lua),
        "OUT": str(out),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
    }
    proc = await asyncio.create_subprocess_exec(
        NVIM,
        "--headless",
        "--clean",
        "-u",
        "NONE",
        "-i",
        "NONE",
        "-l",
        str(SCRIPT),
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
    )
    await asyncio.wait_for(proc.wait(), 45)
    r: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    assert not r["errors"], r["errors"][0]
    assert r["server_schemes"] == ["rholang-registry"]
    (loc,) = r["definition"]
    assert loc["uri"] == "rholang-registry:///rho/rchain/makeMint.rho"
    assert r["buffer"] == loc["uri"]
    assert 'contract thisPurse(@"split", @amount, return)' in r["text"]
    assert r["modifiable"] is False
    assert r["cursor"][0] == loc["range"]["start"]["line"] + 1
    assert r["line"].strip().startswith("contract MakeMint(return)")
