"""Persistent index cache: round trip, corruption and version checks, atomic writes."""

from __future__ import annotations

from pathlib import Path

import pytest

from rholang_lsp.workspace import cache as cache_mod
from rholang_lsp.workspace.analysis import summarize_text
from rholang_lsp.workspace.cache import CacheEntry, IndexCache, default_cache_dir

SRC = 'new x in { contract @"svc"(@a, ret) = { ret!(a) } | @"svc"!(1, *x) }'


def _entry(root: Path, name: str = "a.rho") -> CacheEntry:
    path = root / name
    summary = summarize_text(path.as_uri(), SRC)
    return CacheEntry(str(path), len(SRC), 123, summary.content_hash, summary)


def test_round_trip(tmp_path: Path) -> None:
    cache = IndexCache(tmp_path / "ws", directory=tmp_path / "c")
    entries = [_entry(tmp_path / "ws", f"f{i}.rho") for i in range(20)]
    cache.save(entries)
    assert cache.load() == entries


def test_disabled_cache_neither_reads_nor_writes(tmp_path: Path) -> None:
    cache = IndexCache(tmp_path / "ws", directory=tmp_path / "c", enabled=False)
    cache.save([_entry(tmp_path)])
    assert not cache.path.exists()
    assert cache.load() == []


@pytest.mark.parametrize(
    "damage",
    [
        lambda b: b[:-10],  # truncated
        lambda b: b[:40] + bytes([b[40] ^ 0xFF]) + b[41:],  # header byte flipped
        lambda b: b[:-20] + bytes([b[-20] ^ 0x01]) + b[-19:],  # body bit flipped
        lambda b: b"garbage" + b,
        lambda b: b"",
    ],
)
def test_corrupt_cache_is_discarded(tmp_path: Path, damage: object) -> None:
    cache = IndexCache(tmp_path / "ws", directory=tmp_path / "c")
    cache.save([_entry(tmp_path / "ws")])
    data = cache.path.read_bytes()
    cache.path.write_bytes(damage(data))  # type: ignore[operator]
    assert cache.load() == []
    assert not cache.path.exists()  # removed, rebuilt by the next save


def test_version_mismatch_is_discarded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = IndexCache(tmp_path / "ws", directory=tmp_path / "c")
    cache.save([_entry(tmp_path / "ws")])
    monkeypatch.setattr(cache_mod, "__version__", "999.0")
    assert cache.load() == []
    cache.save([_entry(tmp_path / "ws")])
    monkeypatch.setattr(cache_mod, "CACHE_FORMAT", 999)
    assert cache.load() == []


def test_other_root_is_not_trusted(tmp_path: Path) -> None:
    a = IndexCache(tmp_path / "a", directory=tmp_path / "c")
    a.save([_entry(tmp_path / "a")])
    b = IndexCache(tmp_path / "b", directory=tmp_path / "c")
    assert b.path != a.path
    b.path.write_bytes(a.path.read_bytes())
    assert b.load() == []


def test_default_dir_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("RHOLANG_LSP_CACHE_DIR", str(tmp_path / "x"))
    assert default_cache_dir() == tmp_path / "x"
    monkeypatch.delenv("RHOLANG_LSP_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "xdg" / "rholang-language-server"
