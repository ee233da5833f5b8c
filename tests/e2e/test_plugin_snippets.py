"""The README's snippets for formatter/checker plug-ins, read from the README.

* conform.nvim: the Lua snippet runs in a real Neovim against a stand-in ``conform`` module
  that records the options; the formatter runs as conform runs it (``tests/nvim/plugin_snippets.lua``).
* efm-langserver: the YAML's ``format-command`` and ``lint-command`` run through a shell with
  ``${INPUT}`` expanded and the text on stdin, as efm runs them; the checker's output is
  parsed with the YAML's ``lint-formats`` (Vim errorformats, which efm implements) by Neovim.
The plug-ins themselves are not installed: what is tested is what they would run and parse.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from tests.e2e.readme_snippets import snippet
from tests.e2e.test_neovim import find_nvim, nvim_version

yaml = pytest.importorskip("yaml")  # pyyaml comes with pre-commit (test extra)
NVIM = find_nvim()
SCRIPT = Path(__file__).resolve().parents[1] / "nvim" / "plugin_snippets.lua"
BIN = Path(sys.executable).parent
UGLY = 'new stdout(`rho:io:stdout`) in {\nstdout!("😀")|stdot!("typo")\n}\n'
PRETTY = 'new stdout(`rho:io:stdout`) in {\n  stdout!("😀") | stdot!("typo")\n}\n'

pytestmark = [
    pytest.mark.timeout(60),
    pytest.mark.skipif(not (BIN / "rholang-lsp").exists(), reason="CLI not installed"),
]


def env_with_cli() -> dict[str, str]:
    return {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}


def efm_config() -> dict[str, str | list[str] | bool]:
    config = yaml.safe_load(snippet("yaml", "[efm-langserver]"))
    (tool,) = config["languages"]["rholang"]
    return tool  # type: ignore[no-any-return]


def run_efm_command(command: str, path: Path, text: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command.replace("${INPUT}", str(path)),
        shell=True,
        input=text,
        capture_output=True,
        text=True,
        env=env_with_cli(),
        timeout=30,
        check=False,
    )


def test_efm_format_and_lint_commands(tmp_path: Path) -> None:
    tool = efm_config()
    assert tool["format-stdin"] is True and tool["lint-stdin"] is True
    path = tmp_path / "buffer.rho"
    path.write_text("stale contents on disk {{{", encoding="utf-8")  # efm sends the buffer
    r = run_efm_command(str(tool["format-command"]), path, UGLY)
    assert (r.returncode, r.stdout) == (0, PRETTY), r
    r = run_efm_command(str(tool["lint-command"]), path, UGLY)
    assert r.returncode == 1 and tool["lint-ignore-exit-code"] is True
    assert r.stdout.startswith(f"{path}:2:"), r.stdout


@pytest.mark.skipif(NVIM is None or nvim_version(NVIM) < (0, 10), reason="needs Neovim >= 0.10")
def test_conform_snippet_and_efm_lint_formats(tmp_path: Path) -> None:
    assert NVIM is not None
    conform = tmp_path / "conform.lua"
    conform.write_text(snippet("lua", "[conform.nvim]"), encoding="utf-8")
    rho = tmp_path / "ugly.rho"
    rho.write_text(UGLY, encoding="utf-8")
    tool = efm_config()
    lint = run_efm_command(str(tool["lint-command"]), rho, UGLY)
    lint_output = tmp_path / "lint.txt"
    lint_output.write_text(lint.stdout, encoding="utf-8")
    out = tmp_path / "out.json"
    env = {
        **env_with_cli(),
        "CONFORM_SNIPPET": str(conform),
        "RHO_FILE": str(rho),
        "EFM_FORMATS": json.dumps(tool["lint-formats"]),
        "LINT_OUTPUT": str(lint_output),
        "OUT": str(out),
        "XDG_STATE_HOME": str(tmp_path / "state"),
    }
    subprocess.run(
        [NVIM, "--headless", "--clean", "-u", "NONE", "-i", "NONE", "-l", str(SCRIPT)],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=40,
        check=False,
    )
    r = json.loads(out.read_text(encoding="utf-8"))
    assert not r["errors"], r["errors"]
    assert r["formatters_by_ft"] == {"rholang": ["rholang"]}
    assert r["argv"] == ["rholang-lsp", "format", "-", "--stdin-filename", str(rho)]
    assert (r["format_code"], r["formatted"]) == (0, PRETTY)
    # the checker's lines as the editor lists them: file, line, column, type
    typo = [q for q in r["quickfix"] if "stdot" in q["text"]]
    col = len('stdout!("😀")|') + 1  # the text format counts code points, 1-based
    assert typo == [
        {"file": str(rho), "lnum": 2, "col": col, "type": "e", "text": typo[0]["text"]}
    ], r["quickfix"]
    assert typo[0]["text"].startswith("Unbound variable `stdot`"), typo
