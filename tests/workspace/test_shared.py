"""Shared backend: one workspace per root, reference counted, idle timeout."""

from __future__ import annotations

import asyncio
from pathlib import Path

from rholang_lsp.workspace.shared import BackendOptions, SharedBackend


def _ws(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    root.mkdir()
    (root / "a.rho").write_text('contract @"alpha"(x) = { Nil }')
    return root


async def test_one_workspace_per_root_refcounted(tmp_path: Path) -> None:
    root = _ws(tmp_path)
    backend = SharedBackend(BackendOptions(workers=0, use_cache=False))
    a, b = object(), object()
    w1 = backend.acquire(root, a)
    w2 = backend.acquire(str(root) + "/", b)
    assert w1 is w2 and w1.users == {a, b}
    w1.start_indexing()
    w1.start_indexing()  # once
    assert await w1.wait_settled(5)
    assert len(w1.index) == 1
    backend.release(w1, a)
    assert backend.get(root) is w1
    backend.release(w1, b)
    assert backend.get(root) is None  # no idle timeout: dropped at once
    await backend.close()
    assert w1.closed


async def test_idle_timeout_keeps_root_warm_then_drops(tmp_path: Path) -> None:
    root = _ws(tmp_path)
    idle = asyncio.Event()
    backend = SharedBackend(
        BackendOptions(workers=0, use_cache=False, idle_timeout=0.2), on_idle=idle.set
    )
    user = object()
    ws = backend.acquire(root, user)
    ws.start_indexing()
    await ws.wait_settled(5)
    backend.connection_opened()
    backend.release(ws, user)
    again = backend.acquire(root, object())  # reconnect within the timeout: same, warm
    assert again is ws and ws.state.is_settled
    backend.release(ws, next(iter(ws.users)))
    backend.connection_closed()
    await asyncio.wait_for(idle.wait(), 5)
    assert backend.get(root) is None
    await backend.close()


async def test_files_changed_reindexes_once(tmp_path: Path) -> None:
    root = _ws(tmp_path)
    backend = SharedBackend(BackendOptions(workers=0, use_cache=False))
    ws = backend.acquire(root, object())
    ws.start_indexing()
    await ws.wait_settled(5)
    updates: list[frozenset[str]] = []
    ws.indexer.add_update_listener(updates.append)
    f = root / "a.rho"
    f.write_text('contract @"beta"(x) = { Nil }   ')
    ws.files_changed([str(f)])
    ws.files_changed([str(f)])
    ws.files_changed([str(tmp_path / "outside.rho")])
    await ws.quiesce()
    assert updates == [{f.as_uri()}]
    assert ws.index.definitions('@"beta"')
    await backend.close()
