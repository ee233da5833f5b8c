"""The compiled build is tested: the syntax, semantics and workspace suites run again against
the modules mypyc compiles (``rholang_lsp.compiled.COMPILED_PACKAGES``), built here from the
current sources by the project's own ``setup.py`` (``benchmarks/compiled.py``).

The inner run sets ``RHOLANG_LSP_EXPECT_COMPILED=1``: its ``conftest.py`` refuses to start
unless every listed module imported is an extension module, so a build that silently fell
back to pure Python fails here instead of passing untested. Skipped, saying why, where no
compiled build can be made (no C compiler, Python headers or mypy).
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from benchmarks.compiled import ROOT, build, environment, unavailable

SUITES = ("tests/syntax", "tests/semantics", "tests/workspace")


@pytest.mark.timeout(1500)
def test_the_suites_pass_against_the_compiled_build(tmp_path: Path) -> None:
    problem = unavailable()
    if problem is not None:
        pytest.skip(f"no compiled build can be made here: {problem}")
    lines: list[str] = []
    src = build(tmp_path / "mypyc", log=lines.append)
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", "-rs", *SUITES],
        cwd=ROOT,
        env=environment(src),
        capture_output=True,
        text=True,
    )
    out = (proc.stdout + proc.stderr).splitlines()
    summary = "\n".join([*lines, *out[-40:]])
    print(summary, f"\n(inner run: {time.perf_counter() - t0:.0f} s)")
    assert proc.returncode == 0, summary
