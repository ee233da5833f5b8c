"""``server.warmup``: the language layers a session loads after ``initialized``."""

from __future__ import annotations

import importlib
import pkgutil
import sys

from rholang_lsp.server import warmup

PACKAGES = ("syntax", "semantics", "workspace", "features")


def _modules_of(package: str) -> set[str]:
    pkg = importlib.import_module(f"rholang_lsp.{package}")
    return {pkg.__name__} | {
        info.name for info in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + ".")
    }


def test_the_list_names_every_module_of_the_language_layers_once() -> None:
    want: set[str] = set()
    for package in PACKAGES:
        want |= _modules_of(package)
    assert len(warmup.MODULES) == len(set(warmup.MODULES))
    assert set(warmup.MODULES) == want


async def test_ready_loads_them_all_once() -> None:
    loading = warmup.ready()
    if loading is not None:
        await loading
    assert warmup.loaded() and warmup.ready() is None
    assert all(name in sys.modules for name in warmup.MODULES)
    assert await warmup.load() == 0  # nothing left to load
