"""The compiled build outside an install: for ``python -m benchmarks --compiled`` and the test
that runs the syntax, semantics and workspace suites against it
(``tests/test_compiled_build.py``).

``build(dest)`` copies ``src/`` (with ``setup.py`` and ``pyproject.toml``) into ``dest`` and
compiles the modules of ``rholang_lsp.compiled.COMPILED_PACKAGES`` there with the project's
own ``setup.py`` (``build_ext --inplace``, ``RHOLANG_LSP_COMPILE=1``: a failure fails, no
fallback); ``dest/src`` first on ``PYTHONPATH`` then runs the compiled modules, in this
process's children too. ``RHOLANG_LSP_EXPECT_COMPILED=1`` makes the tests' ``conftest.py``
and the benchmarks refuse to run unless they really got them.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from rholang_lsp.compiled import COMPILED, build_name, compiler_problem, module_states

ROOT = Path(__file__).resolve().parents[1]
#: Where ``--compiled`` keeps its build (reused while the fingerprint matches).
DEFAULT_DIR = ROOT / ".build" / "mypyc"
#: Set in the environment of whatever must run the compiled modules (checked, not trusted).
EXPECT_ENV = "RHOLANG_LSP_EXPECT_COMPILED"
_COPIED = ("setup.py", "pyproject.toml", "README.md")
_IGNORED = shutil.ignore_patterns("__pycache__", "*.so", "*.pyd", "*.pyc")


class BuildFailed(RuntimeError):
    """The compiled build could not be made (the message has the build's last lines)."""


def unavailable() -> str | None:
    """Why no compiled build can be made here (no C compiler, headers or mypy), or None."""
    problem = compiler_problem()
    if problem is not None:
        return problem
    try:
        import mypyc.build  # noqa: F401
    except ImportError as e:
        return f"mypy (mypyc) is not installed: {e}"
    return None


def fingerprint() -> str:
    """Everything the build depends on: the sources, the build files, Python and mypy."""
    import mypy.version

    h = hashlib.sha256()
    h.update(f"{sys.version}\0{sys.executable}\0{mypy.version.__version__}\0".encode())
    files = [ROOT / name for name in _COPIED]
    files += sorted(
        p
        for p in (ROOT / "src").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix not in (".so", ".pyd", ".pyc")
    )
    for path in files:
        h.update(str(path.relative_to(ROOT)).encode() + b"\0")
        h.update(path.read_bytes())
    return h.hexdigest()


def build(dest: Path, log: Callable[[str], None] = print) -> Path:
    """Build the compiled modules into ``dest`` (emptied first); return the folder to put
    first on ``PYTHONPATH`` (``dest/src``)."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    shutil.copytree(ROOT / "src", dest / "src", ignore=_IGNORED)
    for name in _COPIED:
        shutil.copy2(ROOT / name, dest / name)
    t0 = time.perf_counter()
    log(f"compiling {', '.join(_packages())} with mypyc into {dest} ...")
    proc = subprocess.run(
        [sys.executable, "setup.py", "-q", "build_ext", "--inplace"],
        cwd=dest,
        env={**os.environ, "RHOLANG_LSP_COMPILE": "1"},
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).splitlines()[-30:])
        raise BuildFailed(f"setup.py build_ext failed (exit {proc.returncode}):\n{tail}")
    src = dest / "src"
    states = _states_in(src)
    missing = sorted(m for m, compiled in states.items() if not compiled)
    if not states or missing:
        raise BuildFailed(f"the build left these modules uncompiled: {missing or 'all'}")
    log(f"compiled {len(states)} modules in {time.perf_counter() - t0:.0f} s")
    return src


def ensure_build(dest: Path = DEFAULT_DIR, log: Callable[[str], None] = print) -> Path:
    """``build(dest)`` unless ``dest`` already holds a build of exactly these sources."""
    stamp = dest / "FINGERPRINT"
    want = fingerprint()
    if stamp.is_file() and stamp.read_text() == want and (dest / "src").is_dir():
        log(f"compiled build up to date in {dest}")
        return dest / "src"
    src = build(dest, log)
    stamp.write_text(want)
    return src


def environment(src: Path) -> dict[str, str]:
    """This process's environment with ``src`` first on ``PYTHONPATH`` and the check asked for."""
    path = os.environ.get("PYTHONPATH", "")
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(p for p in (str(src), path) if p),
        EXPECT_ENV: "1",
    }


def check_running_compiled() -> None:
    """Raise unless every module of ``COMPILED_PACKAGES`` imported here is an extension module."""
    states = module_states()
    pure = sorted(m for m, compiled in states.items() if not compiled)
    if not states or pure:
        import rholang_lsp

        raise BuildFailed(
            f"{EXPECT_ENV}=1 but the build running is {build_name()} (rholang_lsp from "
            f"{Path(rholang_lsp.__file__).parent}; not compiled: {', '.join(pure) or 'all'})"
        )


def reexec_compiled(log: Callable[[str], None]) -> None:
    """For ``--compiled``: in the re-executed process check the build and return; otherwise
    build (or reuse) ``.build/mypyc`` and re-execute this very command with it first on
    ``PYTHONPATH`` (so the server subprocesses it starts run it too). Never returns then."""
    if os.environ.get(EXPECT_ENV) == "1":
        check_running_compiled()
        return
    problem = unavailable()
    if problem is not None:
        raise SystemExit(f"--compiled: no compiled build can be made here: {problem}")
    src = ensure_build(log=log)
    argv = [sys.executable, *sys.orig_argv[1:]]
    log(f"re-running with the compiled build: {' '.join(argv[1:])}")
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(sys.executable, argv, environment(src))


def _packages() -> list[str]:
    from rholang_lsp.compiled import COMPILED_PACKAGES

    return [f"rholang_lsp.{p}" for p in COMPILED_PACKAGES]


def _states_in(src: Path) -> dict[str, bool]:
    """``module_states()`` as seen by a fresh interpreter with ``src`` first on its path."""
    code = "import json, rholang_lsp.compiled as c; print(json.dumps(c.module_states()))"
    env = {**os.environ, "PYTHONPATH": str(src)}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout
    states: dict[str, bool] = json.loads(out)
    return states


__all__ = [
    "COMPILED",
    "BuildFailed",
    "build",
    "check_running_compiled",
    "ensure_build",
    "environment",
    "reexec_compiled",
    "unavailable",
]
