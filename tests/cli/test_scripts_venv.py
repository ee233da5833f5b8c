"""``scripts/ensure-venv`` (sourced by scripts/demo and scripts/test): an existing .venv is
reused only when it runs the interpreter asked for (``PYTHON``) and is at least 3.11;
otherwise it is rebuilt with a message, and a too old ``PYTHON`` is refused."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "ensure-venv"
pytestmark = [
    pytest.mark.timeout(120),
    pytest.mark.skipif(shutil.which("bash") is None, reason="no bash"),
]
REAL = os.path.realpath(getattr(sys, "_base_executable", sys.executable))


def fake_python(path: Path, ok: int, version: str, exe: str) -> None:
    """A stand-in interpreter that answers the script's probe."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"#!/bin/sh\necho {ok} {version} {exe}\n", encoding="utf-8")
    path.chmod(0o755)


def quick_python(tmp: Path) -> str:
    """This interpreter, creating venvs without pip (the slow part, not under test)."""
    wrapper = tmp / "bin" / "python3"
    wrapper.parent.mkdir(parents=True, exist_ok=True)
    wrapper.write_text(
        "#!/bin/sh\n"
        f'if [ "$1" = -m ] && [ "$2" = venv ]; then shift 2; exec {REAL} -m venv --without-pip "$@"; fi\n'
        f'exec {REAL} "$@"\n',
        encoding="utf-8",
    )
    wrapper.chmod(0o755)
    return str(wrapper)


def ensure(checkout: Path, python: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHON", "VIRTUAL_ENV")}
    if python is not None:
        env["PYTHON"] = python
    return subprocess.run(
        ["bash", "-c", f"set -euo pipefail; cd {checkout}; . {SCRIPT}"],
        env=env,
        capture_output=True,
        text=True,
        timeout=100,
        check=False,
    )


def test_rebuilds_a_venv_that_is_too_old_or_another_interpreter(tmp_path: Path) -> None:
    python = quick_python(tmp_path)
    venv_python = tmp_path / ".venv" / "bin" / "python"
    fake_python(venv_python, 0, "3.10.12", "/usr/bin/python3.10")
    r = ensure(tmp_path, python)
    assert r.returncode == 0, r.stderr
    assert "rebuilding .venv: it has Python 3.10.12, older than 3.11" in r.stderr
    probe = [str(venv_python), "-c", "import sys; print(sys.version_info >= (3, 11))"]
    assert (
        subprocess.run(probe, capture_output=True, text=True, check=True).stdout.strip() == "True"
    )

    # the same interpreter again: kept as it is
    marker = tmp_path / ".venv" / "kept"
    marker.write_text("", encoding="utf-8")
    r = ensure(tmp_path, python)
    assert r.returncode == 0 and r.stderr == "" and marker.exists(), r.stderr

    # a venv of another (new enough) interpreter: kept without PYTHON, rebuilt when PYTHON
    # names a different one
    shutil.rmtree(tmp_path / ".venv")
    fake_python(venv_python, 1, "3.12.1", "/opt/python3.12/bin/python3.12")
    r = ensure(tmp_path, None)
    assert r.returncode == 0 and r.stderr == "" and "3.12.1" in venv_python.read_text()
    r = ensure(tmp_path, python)
    assert r.returncode == 0, r.stderr
    assert (
        "rebuilding .venv: it uses /opt/python3.12/bin/python3.12 (Python 3.12.1) and "
        f"PYTHON={python} is {REAL}"
    ) in r.stderr
    assert not venv_python.read_text(errors="replace").startswith("#!/bin/sh")


def test_refuses_an_interpreter_older_than_311(tmp_path: Path) -> None:
    old = tmp_path / "python3.9"
    fake_python(old, 0, "3.9.2", "/usr/bin/python3.9")
    r = ensure(tmp_path, str(old))
    assert r.returncode == 1 and "is Python 3.9.2; the server needs >= 3.11" in r.stderr
    assert not (tmp_path / ".venv").exists()
    r = ensure(tmp_path, str(tmp_path / "no-such-python"))
    assert r.returncode == 1 and "cannot run" in r.stderr
