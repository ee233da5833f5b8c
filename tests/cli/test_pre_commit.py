"""``.pre-commit-hooks.yaml`` run by pre-commit itself on a sample git repository.

The hook repository is a copy of this project (the files ``pip install .`` needs plus the
hooks file) committed in a temporary folder; the sample's ``.pre-commit-config.yaml`` names it
by path and commit, as a user's names the repository's URL and a tag: no clone from the
network. pre-commit builds the hook environment with pip as it would for a user, once for
the four runs (same revision).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytest.importorskip("pre_commit")
pytestmark = [
    pytest.mark.timeout(300),
    pytest.mark.skipif(shutil.which("git") is None, reason="no git"),
]

UGLY = "new x in {x!(1)|x!(2)}\n"
PRETTY = "new x in { x!(1) | x!(2) }\n"


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


def make_repo(path: Path) -> None:
    path.mkdir()
    git(path, "init", "-q")
    git(path, "config", "user.email", "test@example.org")
    git(path, "config", "user.name", "test")
    git(path, "config", "commit.gpgsign", "false")


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    repo = tmp_path_factory.mktemp("hooks") / "rholang-language-server"
    make_repo(repo)
    for name in (
        "pyproject.toml",
        "setup.py",
        "MANIFEST.in",
        "README.md",
        ".pre-commit-hooks.yaml",
    ):
        shutil.copy(ROOT / name, repo / name)
    shutil.copytree(ROOT / "_build_backend", repo / "_build_backend")
    shutil.copytree(
        ROOT / "src",
        repo / "src",
        ignore=shutil.ignore_patterns("*.egg-info", "__pycache__", "*.so"),
    )
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "hooks")
    rev = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True, check=True
    ).stdout.strip()
    return repo, rev


CONFIG = """\
repos:
  - repo: {repo}
    rev: {rev}
    hooks:
      - id: rholang-format
      - id: rholang-check
"""


def run_hook(sample: Path, hook: str, home: Path) -> subprocess.CompletedProcess[str]:
    # the hook environment is built pure (a user's is compiled with mypyc where it can be:
    # ~35 s and a mypy download more; tests/test_compiled_build.py tests that build)
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(home),
        "PRE_COMMIT_COLOR": "never",
        "RHOLANG_LSP_COMPILE": "0",
    }
    env.pop("VIRTUAL_ENV", None)
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", hook, "--all-files"],
        cwd=sample,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


def test_format_and_check_hooks(
    hook_repo: tuple[Path, str], tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    home = tmp_path_factory.mktemp("pre-commit-home")
    sample = tmp_path / "sample"
    make_repo(sample)
    repo, rev = hook_repo
    (sample / ".pre-commit-config.yaml").write_text(
        CONFIG.format(repo=repo, rev=rev), encoding="utf-8"
    )
    (sample / "contracts").mkdir()
    ugly = sample / "contracts" / "ugly.rho"
    ugly.write_text(UGLY, encoding="utf-8")
    lib = sample / "contracts" / "lib.rho"
    lib.write_text('contract @"Lib"(@x, ret) = { ret!(x) }\n', encoding="utf-8")
    app = sample / "app.rho"
    app.write_text('new ret in { @"Lib"!(1, *ret) | stdot!("typo") }\n', encoding="utf-8")
    (sample / "notes.txt").write_text("new x in {x!(1)|x!(2)}\n", encoding="utf-8")
    git(sample, "add", "-A")
    git(sample, "commit", "-q", "-m", "sample")

    r = run_hook(sample, "rholang-format", home)
    assert r.returncode == 1, r.stdout + r.stderr  # pre-commit fails when a hook changed files
    assert "rholang-format" in r.stdout and "files were modified by this hook" in r.stdout, r.stdout
    assert ugly.read_text(encoding="utf-8") == PRETTY
    assert (sample / "notes.txt").read_text(encoding="utf-8") == UGLY  # not a .rho file
    r = run_hook(sample, "rholang-format", home)
    assert r.returncode == 0, r.stdout + r.stderr

    r = run_hook(sample, "rholang-check", home)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "app.rho:1:" in r.stdout and "Unbound variable `stdot`" in r.stdout, r.stdout
    app.write_text('new ret in { @"Lib"!(1, *ret) }\n', encoding="utf-8")
    r = run_hook(sample, "rholang-check", home)
    assert r.returncode == 0, r.stdout + r.stderr
