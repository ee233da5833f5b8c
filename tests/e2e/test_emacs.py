"""The README's Emacs snippet, verbatim, in a real batch Emacs with eglot against the server.

``emacs --batch`` (site start-up files, no user init) activates the installed packages as an interactive start-up does
(``package-activate-all``: Debian's ``elpa-eglot`` on Emacs 28, built in from 29), loads the
snippet as the user's init file, then ``tests/emacs/session.el`` opens a ``.rho`` file in a
git project, waits (bounded, on conditions) for eglot to connect and for flymake to show the
server's diagnostics, asks for hover and jumps to a definition (xref), and writes JSON.
The server is the ``rholang-language-server`` on PATH (this environment's). Skipped
without Emacs or eglot.
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

EMACS = shutil.which("emacs")
SESSION = Path(__file__).resolve().parents[1] / "emacs" / "session.el"
BIN = Path(sys.executable).parent  # rholang-language-server of this environment

PROGRAM = """\
new stdout(`rho:io:stdout`), greeter in {
  contract greeter(@name, return) = {
    return!("Hello, " ++ name)
  } |
  greeter!("😀", *stdout) |
  stdot!("typo")
}
"""


def has_eglot() -> bool:
    if EMACS is None:
        return False
    probe = subprocess.run(
        [EMACS, "--batch", "--eval", "(progn (package-activate-all) (require 'eglot))"],
        capture_output=True,
        timeout=60,
        check=False,
    )
    return probe.returncode == 0


pytestmark = [
    pytest.mark.timeout(120),
    pytest.mark.skipif(
        not has_eglot(), reason="no Emacs with eglot (apt-get install emacs-nox elpa-eglot)"
    ),
    pytest.mark.skipif(
        not (BIN / "rholang-language-server").exists(), reason="server not installed"
    ),
]


def test_readme_eglot_snippet(tmp_path: Path) -> None:
    assert EMACS is not None
    init = tmp_path / "init.el"
    init.write_text(snippet("elisp", "**Emacs**"), encoding="utf-8")
    project = tmp_path / "project"
    (project / "src").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(project)], check=True, timeout=30)
    rho = project / "src" / "main.rho"
    rho.write_text(PROGRAM, encoding="utf-8")
    out = tmp_path / "emacs-result.json"
    line = 5  # 1-based: `greeter!("😀", *stdout)`, hover/definition on greeter
    col = PROGRAM.splitlines()[line - 1].index("greeter") + 2
    env = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "HOME": str(tmp_path),  # no user config, no eglot events buffer kept elsewhere
        "RHO_FILE": str(rho),
        "HOVER_LINE": str(line),
        "HOVER_COL": str(col),
        "OUT": str(out),
        "RHOLANG_LSP_CACHE_DIR": str(tmp_path / "cache"),
    }
    proc = subprocess.run(
        [EMACS, "--batch", "--eval", "(package-activate-all)", "-l", str(init), "-l", str(SESSION)],
        cwd=tmp_path,  # not the project: the root must come from the file
        env=env,
        capture_output=True,
        text=True,
        timeout=100,
        check=False,
    )
    assert out.is_file(), proc.stderr[-3000:]
    r = json.loads(out.read_text(encoding="utf-8"))
    assert "error" not in r, (r, proc.stderr[-3000:])
    print(f"\nEmacs {r['emacs']}: {r['server_command']}")
    assert r["major_mode"] == "rholang-mode"
    assert (r["indent_tabs_mode"], r["tab_width"]) == (False, 2)
    assert r["server_command"][0] == "rholang-language-server"
    assert r["server_name"] == "rholang-language-server"
    assert Path(r["project_root"]) == project
    # the typo, at its line and column (flymake: 1-based line, 0-based column)
    typo = [d for d in r["diagnostics"] if "stdot" in d["text"]]
    assert (
        typo and typo[0]["line"] == 6 and typo[0]["col"] == 2 and typo[0]["type"].endswith("error")
    ), r
    assert "contract greeter(@name, return)" in r["hover"], r["hover"]
    assert (r["definition_line"], r["definition_col"]) == (
        2,
        PROGRAM.splitlines()[1].index("greeter"),
    )
    assert r["shutdown"] is True
