"""The index cache is untrusted input (issue 20, finding 8).

* a checksum-valid crafted cache injected symbols and made requests fail with
  ``IndexError`` for every client on the root: entries are validated one by one, a
  bad or foreign one is dropped and that file read again;
* the cache directory is private (0700) and a directory or file of another user is
  not used;
* several processes share one cache directory: writes are atomic, a reader never
  sees a torn file (two real indexer processes on one root at once).
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import msgspec
import pytest

from rholang_lsp.semantics.summary import CompactLineMap, SymbolEntry
from rholang_lsp.workspace.analysis import summarize_text
from rholang_lsp.workspace.cache import CacheEntry, IndexCache, entry_problem
from rholang_lsp.workspace.indexer import WorkspaceIndexer

SRC = 'new x in {\n  contract @"svc"(@a, ret) = { ret!(a) } |\n  @"svc"!(1, *x)\n}\n'


def _real_entry(path: Path, text: str) -> CacheEntry:
    st = path.stat()
    s = summarize_text(path.as_uri(), text)
    return CacheEntry(str(path), st.st_size, st.st_mtime_ns, s.content_hash, s)


def test_entry_problem_catches_out_of_range_and_foreign(tmp_path: Path) -> None:
    p = tmp_path / "a.rho"
    p.write_text(SRC)
    good = _real_entry(p, SRC)
    assert entry_problem(good, p.as_uri()) is None
    s = good.summary
    far = len(SRC) + 1000
    crafted = [
        msgspec.structs.replace(s, uri=(tmp_path / "b.rho").as_uri()),
        msgspec.structs.replace(s, symbols=(SymbolEntry("injected", 12, far, far + 3),)),
        msgspec.structs.replace(s, lines=CompactLineMap(len(SRC), (0, 50, 10), (40, 60, 20), ())),
        msgspec.structs.replace(s, lines=CompactLineMap(10**9, (0,), (10**9,), ())),
        msgspec.structs.replace(s, content_hash="0" * 32),
    ]
    for bad in crafted:
        entry = CacheEntry(good.path, good.size, good.mtime_ns, good.content_hash, bad)
        assert entry_problem(entry, p.as_uri()) is not None


async def test_crafted_checksum_valid_cache_is_not_trusted(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    root.mkdir()
    a, b = root / "a.rho", root / "b.rho"
    a.write_text(SRC)
    b.write_text('contract @"other"(x) = { Nil }\n')
    cache = IndexCache(root, directory=tmp_path / "cache")
    ea = _real_entry(a, SRC)
    far = len(SRC) + 10_000
    injected = msgspec.structs.replace(
        ea.summary, symbols=(SymbolEntry("injectedSymbol", 12, far, far + 5),)
    )
    eb = _real_entry(b, b.read_text())
    foreign = msgspec.structs.replace(
        eb.summary, uri=a.as_uri(), symbols=(SymbolEntry("foreignSymbol", 12, 0, 3),)
    )
    outside = tmp_path / "elsewhere.rho"
    cache.save(
        [
            CacheEntry(ea.path, ea.size, ea.mtime_ns, ea.content_hash, injected),
            CacheEntry(eb.path, eb.size, eb.mtime_ns, eb.content_hash, foreign),
            CacheEntry(str(outside), 1, 1, "x", ea.summary),
        ]
    )
    assert len(cache.load()) == 3  # the checksum is valid: the file as a whole loads
    idx = WorkspaceIndexer(root, cache=cache)
    stats = await idx.run()
    assert stats.from_cache == 0  # every crafted entry dropped, both files parsed
    names = {h.name for h in idx.index.search_symbols("Symbol", limit=50)}
    assert "injectedSymbol" not in names and "foreignSymbol" not in names
    assert idx.index.definitions('@"svc"') and idx.index.definitions('@"other"')
    assert str(outside) not in idx.records


def test_cache_directory_is_private(tmp_path: Path) -> None:
    os.umask(0o022)
    d = tmp_path / "new" / "cache"
    cache = IndexCache(tmp_path / "ws", directory=d)
    cache.save([])
    assert stat.S_IMODE(d.stat().st_mode) == 0o700
    assert stat.S_IMODE(cache.path.stat().st_mode) & 0o077 == 0
    open_dir = tmp_path / "open"
    open_dir.mkdir(mode=0o777)
    os.chmod(open_dir, 0o777)
    IndexCache(tmp_path / "ws", directory=open_dir).save([])
    assert stat.S_IMODE(open_dir.stat().st_mode) == 0o700


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give a file to another user")
def test_cache_of_another_user_is_ignored(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    root.mkdir()
    (root / "a.rho").write_text(SRC)
    cache = IndexCache(root, directory=tmp_path / "cache")
    cache.save([_real_entry(root / "a.rho", SRC)])
    assert len(cache.load_raw()) == 1
    os.chown(cache.path, 65534, 65534)
    assert cache.load_raw() == []
    os.chown(cache.path, 0, 0)
    os.chown(cache.directory, 65534, 65534)
    assert cache.load_raw() == []


_WRITER = """
import sys, msgspec
from pathlib import Path
from rholang_lsp.workspace.analysis import summarize_text
from rholang_lsp.workspace.cache import CacheEntry, IndexCache
root, directory, n, tag = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
cache = IndexCache(root, directory=directory)
text = "contract @\\"" + tag + "\\"(x) = { Nil }\\n" * 200
s = summarize_text((root / "a.rho").as_uri(), text)
entries = [CacheEntry(str(root / f"{tag}{i}.rho"), 1, 1, s.content_hash, s) for i in range(300)]
seen = set()
for k in range(n):
    cache.save(entries[: 100 + (k % 3) * 100])
    got = len(cache.load_raw())
    seen.add(got)
    assert got in (100, 200, 300), got  # another process's file, or ours: never torn
print(sorted(seen))
"""


def test_two_processes_write_and_read_one_cache_file(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    root.mkdir()
    d = tmp_path / "cache"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(root), str(d), "40", tag],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for tag in ("a", "b")
    ]
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err.decode()
        assert b"discarded" not in err, err.decode()
    assert not list(d.glob("*.tmp"))  # no temporary file left behind


def test_two_indexer_processes_on_one_root(tmp_path: Path) -> None:
    """Two ``rholang-lsp index`` runs (the server's indexer) on the same root and cache
    directory at once; then a third run takes every file from the cache."""
    root = tmp_path / "ws"
    root.mkdir()
    for i in range(60):
        (root / f"f{i:02}.rho").write_text(f'contract @"c{i}"(x) = {{ x!({i}) }}\n' * 20)
    env = {**os.environ, "RHOLANG_LSP_CACHE_DIR": str(tmp_path / "cache")}
    cmd = [sys.executable, "-m", "rholang_lsp.cli.main", "index", str(root), "--json", "-j", "1"]
    procs = [
        subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    for p in procs:
        out, err = p.communicate(timeout=180)
        assert p.returncode == 0, err.decode()
        assert b"discarded" not in err and b"Traceback" not in err, err.decode()
    third = subprocess.run(cmd, env=env, capture_output=True, timeout=180, check=True)
    stats = json.loads(third.stdout)
    assert stats["files"] == 60 and stats["from_cache"] == 60, stats
