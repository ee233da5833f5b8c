"""The diagnostics pipeline in process: publish through the session snapshot.

* one analysis per version, shared with navigation requests (the cache shows a
  hit, not a second parse);
* an in-block ``didChange`` is analysed incrementally (the edit log is replayed);
* cross-file checks apply between two open documents;
* stale versions are never published;
* parse-cache hits/misses go to the server's metrics.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

# the built-in provider's check (``server.validation`` imports it where it runs it)
from rholang_lsp.features import diagnostics as diagnostics_module
from rholang_lsp.metrics import Metrics
from rholang_lsp.protocol.client import JsonRpcClient
from rholang_lsp.server.indexing import session_indexing
from rholang_lsp.server.registry import HandlerRegistry
from rholang_lsp.server.server import Server, ServerOptions
from rholang_lsp.server.session import Session
from rholang_lsp.workspace.analysis import AnalysisCache, DocumentAnalysis

SVC = "file:///w/svc.rho"
USER = "file:///w/user.rho"
PUBLISH = "textDocument/publishDiagnostics"

SVC_TEXT = (
    "new out(`rho:io:stdout`) in {\n"
    '  contract @"svc"(a, b) = {\n'
    "    out!(*a)\n"
    "  } |\n"
    "  contract plain(x) = { Nil }\n"
    "}\n"
)
USER_TEXT = 'new x in {\n  @"svc"!(1) |\n  x!(2)\n}\n'


@pytest.fixture
async def connect(memory_pair: Callable[[], Any]) -> AsyncIterator[Callable[..., Any]]:
    made: list[tuple[JsonRpcClient, asyncio.Task[None]]] = []
    registry = HandlerRegistry.discover(include_test_handlers=True)
    server = Server(ServerOptions(diagnostics_debounce=0.0, test_handlers=True), registry)
    if getattr(server, "metrics", None) is None:  # until the server creates its own
        setattr(server, "metrics", Metrics())  # noqa: B010

    async def make() -> JsonRpcClient:
        client_t, server_t = memory_pair()
        task = asyncio.create_task(server.serve(server_t))
        client = JsonRpcClient(client_t)
        made.append((client, task))
        await client.request("initialize", {"capabilities": {}})
        client.notify("initialized", {})
        client.server = server  # type: ignore[attr-defined]
        return client

    yield make
    for client, _ in made:
        await client.close()
    server.stop()
    for _, task in made:
        await asyncio.wait_for(task, 5)


def session_of(client: JsonRpcClient) -> Session:
    server: Server = client.server  # type: ignore[attr-defined]
    (session,) = server.sessions
    return session


def cache_of(client: JsonRpcClient) -> AnalysisCache:
    return session_indexing(session_of(client)).analysis_cache


def open_doc(c: JsonRpcClient, uri: str, text: str, version: int = 1) -> None:
    c.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": uri, "languageId": "rholang", "version": version, "text": text}},
    )


def change(
    c: JsonRpcClient, uri: str, version: int, line: int, ch: int, text: str, n: int = 0
) -> None:
    """Replace ``n`` characters at (line, ch) with ``text``."""
    c.notify(
        "textDocument/didChange",
        {
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [
                {
                    "range": {
                        "start": {"line": line, "character": ch},
                        "end": {"line": line, "character": ch + n},
                    },
                    "text": text,
                }
            ],
        },
    )


async def publish_of(c: JsonRpcClient, uri: str, version: int) -> dict[str, Any]:
    params: dict[str, Any] = await c.wait_notification(
        PUBLISH, lambda p: p.get("uri") == uri and p.get("version") == version
    )
    return params


async def test_one_analysis_per_version_shared_with_requests(connect: Callable[..., Any]) -> None:
    c = await connect()
    open_doc(c, SVC, SVC_TEXT)
    await publish_of(c, SVC, 1)
    cache = cache_of(c)
    assert cache.stats["misses"] == 1 and cache.stats["full_parses"] == 1
    before = dict(cache.stats)
    symbols = await c.request("textDocument/documentSymbol", {"textDocument": {"uri": SVC}})
    assert symbols
    assert cache.stats["misses"] == before["misses"]  # the request reused the analysis
    assert cache.stats["hits"] > before["hits"]


async def test_in_block_change_is_analysed_incrementally(connect: Callable[..., Any]) -> None:
    c = await connect()
    open_doc(c, SVC, SVC_TEXT)
    await publish_of(c, SVC, 1)
    # `out!(*a)` -> `out!(*ab)`: an unbound `ab` inside the contract body
    change(c, SVC, 2, 2, 11, "b")
    params = await publish_of(c, SVC, 2)
    cache = cache_of(c)
    assert cache.stats["incremental"] == 1 and cache.stats["reparsed_edits"] == 1
    assert cache.stats["full_parses"] == 1  # only the didOpen
    assert any("`ab`" in d["message"] for d in params["diagnostics"])
    # publishing needed no summary of the new version (made when a cross-file request asks)
    (entry,) = (e for k, e in cache._items.items() if k == (SVC, 2))
    assert isinstance(entry, DocumentAnalysis) and entry._summary is None
    del entry  # held, it could not be reparsed in place
    # and back: the diagnostic goes away, still incrementally
    change(c, SVC, 3, 2, 11, "", 1)
    params = await publish_of(c, SVC, 3)
    assert not any("`ab`" in d["message"] for d in params["diagnostics"])
    assert cache.stats["incremental"] == 2
    metrics: Metrics = getattr(session_of(c).server, "metrics")  # noqa: B009
    hits, misses = metrics.cache_counts()["parse"]
    assert misses == 3 and hits >= 0


async def test_cross_file_arity_and_hint(connect: Callable[..., Any]) -> None:
    c = await connect()
    open_doc(c, SVC, SVC_TEXT)
    await publish_of(c, SVC, 1)
    open_doc(c, USER, USER_TEXT)
    params = await publish_of(c, USER, 1)
    arity = [d for d in params["diagnostics"] if d.get("code") == "arity-mismatch"]
    assert len(arity) == 1 and arity[0]["range"]["start"] == {"line": 1, "character": 2}
    assert arity[0]["relatedInformation"][0]["location"]["uri"] == SVC
    # a plain name defined as a contract in the other file: the cross-file hint
    change(c, USER, 2, 2, 2, "plain!(0) | ")
    params = await publish_of(c, USER, 2)
    assert any(d.get("code") == "cross-file-contract-hint" for d in params["diagnostics"])
    # fix the arity: the warning goes
    change(c, USER, 3, 1, 9, ", 2")
    params = await publish_of(c, USER, 3)
    assert not any(d.get("code") == "arity-mismatch" for d in params["diagnostics"])


async def test_stale_versions_are_not_published(connect: Callable[..., Any]) -> None:
    c = await connect()
    open_doc(c, SVC, SVC_TEXT)
    await publish_of(c, SVC, 1)
    start = len(c.notifications)
    # a burst in one go: each change reschedules; only the last version is published
    for v in range(2, 8):
        change(c, SVC, v, 2, 11, "z")
    await publish_of(c, SVC, 7)
    versions = [p.get("version") for m, p in c.notifications[start:] if m == PUBLISH]
    assert versions == [7]


async def test_a_run_for_an_outdated_text_is_dropped(
    connect: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    c = await connect()
    open_doc(c, SVC, SVC_TEXT)
    await publish_of(c, SVC, 1)
    session = session_of(c)
    doc = session.documents[SVC]
    publisher = session.diagnostics
    start = len(c.notifications)
    real = diagnostics_module.document_diagnostics
    calls: list[str] = []

    def moving(text: str, **kw: Any) -> Any:
        """The document moves on while the run computes (as a change racing a thread would)."""
        out = real(text, **kw)
        calls.append(text)
        doc.apply_edit(0, 0, 0, 0, " ")
        doc.version = 99
        return out

    monkeypatch.setattr(diagnostics_module, "document_diagnostics", moving)
    await publisher._run_job(SVC)  # the run as a job of the session (worker thread)
    assert calls == [SVC_TEXT]
    assert [m for m, _ in c.notifications[start:] if m == PUBLISH] == []  # not published
    monkeypatch.undo()
    publisher.schedule(SVC, delay=0)
    params = await publish_of(c, SVC, 99)
    assert params["version"] == 99


async def test_completion_parses_and_diagnostics_bind_that_parse(
    connect: Callable[..., Any],
) -> None:
    """Completion right after a didChange reads the parse alone (no bind); the
    diagnostics run that follows binds that very parse: one parse per version."""
    c = await connect()
    open_doc(c, SVC, SVC_TEXT)
    await publish_of(c, SVC, 1)
    cache = cache_of(c)
    publisher = session_of(c).diagnostics
    publisher.debounce = 3600.0  # the test triggers the debounced run itself, below
    before = dict(cache.stats)
    change(c, SVC, 2, 2, 11, "b")  # `out!(*a)` -> `out!(*ab)`, inside the contract body
    res = await c.request(
        "textDocument/completion",
        {"textDocument": {"uri": SVC}, "position": {"line": 2, "character": 11}},
    )
    items = res["items"] if isinstance(res, dict) else res
    assert any(i["label"] == "a" for i in items)  # `*a|b`: the formal `a` is in scope
    assert cache.stats["misses"] == before["misses"] + 1  # parsed, incrementally...
    assert cache.stats["incremental"] == before["incremental"] + 1
    assert cache.stats["binds"] == before["binds"]  # ... and not bound
    publisher.schedule(SVC, delay=0)  # the debounced run, now
    params = await publish_of(c, SVC, 2)
    assert any("`ab`" in d["message"] for d in params["diagnostics"])
    assert cache.stats["misses"] == before["misses"] + 1  # no second parse
    assert cache.stats["binds"] == before["binds"] + 1  # the parse-only entry was bound
    assert cache.stats["full_parses"] == before["full_parses"]


async def test_checking_sends_on_quoted_names_needs_no_summary_of_the_file(
    connect: Callable[..., Any],
) -> None:
    """The arity check of a send on a quoted name asks the workspace for the contracts on
    that name in the *other* files: the edited file's own summary (made when first asked,
    in time proportional to the file) is not made after a keystroke."""
    c = await connect()
    open_doc(c, USER, USER_TEXT)
    await publish_of(c, USER, 1)
    change(c, USER, 2, 2, 3, "y")  # `x!(2)` -> `xy!(2)`: an unbound `xy`, in the block
    params = await publish_of(c, USER, 2)
    assert any("`xy`" in d["message"] for d in params["diagnostics"])
    cache = cache_of(c)
    assert cache.stats["incremental"] == 1
    (entry,) = (e for k, e in cache._items.items() if k == (USER, 2))
    assert isinstance(entry, DocumentAnalysis) and entry._summary is None
