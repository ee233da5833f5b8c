"""`Snapshot`: what a feature gets for one request.

It combines the requesting session's open documents (an overlay: uri ->
text/version, analysed on demand through a per-(uri, version) cache) with the
shared `WorkspaceIndex`, and a loader callable for closed files (injected by
the server, which restricts it to workspace folders), so that features stay
pure functions of the snapshot.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Protocol

from rholang_lsp.semantics.summary import (
    CompactLineMap,
    FileSummary,
    GlobalContract,
    GlobalRef,
    PlainContract,
)
from rholang_lsp.workspace.analysis import AnalysisCache, DocumentAnalysis
from rholang_lsp.workspace.documents import DEFAULT_MAX_DOCUMENT_CHARS, TextDocument
from rholang_lsp.workspace.index import (
    IndexView,
    SymbolHit,
    WorkspaceIndex,
    hit_order,
    search_symbol_rows,
)

if TYPE_CHECKING:
    from rholang_lsp.syntax import ParseResult

Loader = Callable[[str], str | None]


class OpenDocument(Protocol):
    """What the snapshot needs of an open document (``workspace.documents.TextDocument`` fits)."""

    @property
    def uri(self) -> str: ...

    @property
    def text(self) -> str: ...

    @property
    def version(self) -> int: ...


class SimpleDocument:
    """A minimal OpenDocument (tests, benchmarks)."""

    __slots__ = ("uri", "text", "version")

    def __init__(self, uri: str, text: str, version: int = 0) -> None:
        self.uri = uri
        self.text = text
        self.version = version


class Snapshot:
    def __init__(
        self,
        documents: Mapping[str, OpenDocument],
        index: IndexView | None = None,
        *,
        cache: AnalysisCache | None = None,
        loader: Loader | None = None,
        target: str = "f1r3fly",
        max_chars: int = DEFAULT_MAX_DOCUMENT_CHARS,
    ) -> None:
        self.documents = documents
        #: open documents longer than this have no analysis and no parse (None)
        self.max_chars = max_chars
        self.index: IndexView = index if index is not None else WorkspaceIndex()
        self.cache = cache if cache is not None else AnalysisCache()
        self.loader = loader
        self.target = target
        # The analyses this snapshot has handed out, by uri. Besides saving cache lookups
        # (global queries walk every open document), holding them pins them: while this
        # snapshot is alive (e.g. an in-flight async request), the cache will not reparse
        # these analyses in place (see ``workspace.analysis``: the aliasing rule).
        self._analyses: dict[str, DocumentAnalysis] = {}
        # The parse trees handed out by ``parse`` (uri -> (version, text, parse)), pinned
        # the same way.
        self._parses: dict[str, tuple[int, str, ParseResult]] = {}
        # the plain contracts of the open documents by name, with the summaries they come
        # from: a file checking each of its free names is linear, not names x contracts
        self._open_plain: tuple[list[FileSummary], dict[str, list[tuple[str, PlainContract]]]]
        self._open_plain = ([], {})

    # ------------------------------------------------------------------ files
    def is_open(self, uri: str) -> bool:
        return uri in self.documents

    def analysis(self, uri: str) -> DocumentAnalysis | None:
        """The analysis of an open document, else of the file read by the loader."""
        doc = self.documents.get(uri)
        if doc is not None:
            text = doc.text
            if len(text) > self.max_chars:
                return None
            memo = self._analyses.get(uri)
            if memo is not None and memo.text is text and memo.version == doc.version:
                return memo
            history = doc if isinstance(doc, TextDocument) else None
            a = self.cache.get_or_analyze(
                uri, text, doc.version, target=self.target, history=history
            )
            self._analyses[uri] = a
            return a
        if self.loader is None:
            return None
        loaded = self.loader(uri)
        if loaded is None or len(loaded) > self.max_chars:
            return None
        return self.cache.get_or_analyze(uri, loaded, None, target=self.target)

    def parse(self, uri: str) -> ParseResult | None:
        """The parse of the current version of an open document, without binding it
        (``AnalysisCache.get_parse``: incremental after an edit; a later ``analysis``
        of this version binds this very parse). Memoised and pinned like ``analysis``.
        A closed file: the parse of its analysis."""
        doc = self.documents.get(uri)
        if doc is None:
            a = self.analysis(uri)
            return a.parse if a is not None else None
        text = doc.text
        if len(text) > self.max_chars:
            return None
        version = doc.version
        memo = self._analyses.get(uri)
        if memo is not None and memo.text is text and memo.version == version:
            return memo.parse
        pm = self._parses.get(uri)
        if pm is not None and pm[1] is text and pm[0] == version:
            return pm[2]
        history = doc if isinstance(doc, TextDocument) else None
        res = self.cache.get_parse(uri, text, version, target=self.target, history=history)
        self._parses[uri] = (version, text, res)
        return res

    def summary(self, uri: str) -> FileSummary | None:
        if uri in self.documents:
            a = self.analysis(uri)
            return a.summary if a is not None else None
        return self.index.get(uri)

    def line_map(self, uri: str) -> CompactLineMap | None:
        if uri not in self.documents:
            s = self.index.get(uri)
            if s is not None or self.loader is None:
                return s.lines if s is not None else None
        # an open document's from its analysis: its summary (made when first asked, in time
        # proportional to the file) is not needed for positions
        a = self.analysis(uri)
        return a.lines if a is not None else None

    def _open_summaries(self, exclude: str | None = None) -> list[FileSummary]:
        out = []
        for uri in self.documents:
            if uri == exclude:
                continue
            a = self.analysis(uri)
            if a is not None:
                out.append(a.summary)
        return out

    # ------------------------------------------------------------------ global queries
    def global_definitions(
        self, key: str, *, exclude: str | None = None
    ) -> list[tuple[str, GlobalContract]]:
        """The contracts on the global name ``key`` in every file but ``exclude`` (the
        file being checked: its own summary, made when first asked, is not needed)."""
        res = [(u, c) for u, c in self.index.definitions(key) if u not in self.documents]
        for s in self._open_summaries(exclude):
            res.extend((s.uri, c) for c in s.contracts if c.key == key)
        return res

    definitions = global_definitions  # the name `semantics.diagnostics.GlobalLookup` expects

    def global_references(self, key: str) -> list[tuple[str, GlobalRef]]:
        res = [(u, r) for u, r in self.index.references(key) if u not in self.documents]
        for s in self._open_summaries():
            res.extend((s.uri, r) for r in s.refs if r.key == key)
        return res

    def contracts_named(self, name: str) -> list[tuple[str, PlainContract]]:
        res = [(u, c) for u, c in self.index.contracts_named(name) if u not in self.documents]
        res.extend(self._open_plain_table().get(name, ()))
        return res

    def contracts_named_many(
        self, names: Iterable[str], *, exclude: str | None = None
    ) -> dict[str, list[tuple[str, PlainContract]]]:
        """``contracts_named`` of each of ``names`` that has any, leaving out the file
        ``exclude``, in one call: the open documents are looked at once, not once per name
        (a file checks all its free names after every keystroke)."""
        wanted = names if isinstance(names, (set, frozenset)) else set(names)
        docs = self.documents
        out: dict[str, list[tuple[str, PlainContract]]] = {}
        for name, found in self.index.contracts_named_many(wanted, exclude=exclude).items():
            res = [(u, c) for u, c in found if u not in docs]
            if res:
                out[name] = res
        for uri in docs:  # the other open documents' plain contracts (not the table of all)
            if uri == exclude:
                continue
            a = self.analysis(uri)
            if a is None:
                continue
            for c in a.summary.plain_contracts:
                if c.name in wanted:
                    out.setdefault(c.name, []).append((uri, c))
        return out

    def _open_plain_table(self) -> dict[str, list[tuple[str, PlainContract]]]:
        """The plain contracts of the open documents by name (rebuilt when an open
        document's analysis changed since the last call)."""
        summaries = self._open_summaries()
        seen, table = self._open_plain
        if len(seen) != len(summaries) or any(
            a is not b for a, b in zip(seen, summaries, strict=True)
        ):
            table = {}
            for s in summaries:
                for c in s.plain_contracts:
                    table.setdefault(c.name, []).append((s.uri, c))
            self._open_plain = (summaries, table)
        return table

    def search_symbols(self, query: str, *, limit: int = 256) -> list[SymbolHit]:
        open_uris = frozenset(self.documents)
        hits = self.index.search_symbols(query, limit=limit, exclude=open_uris)
        rows = [(e.name.lower(), s.uri, e) for s in self._open_summaries() for e in s.symbols]
        hits.extend(search_symbol_rows(rows, query, limit=limit))
        hits.sort(key=hit_order)
        return hits[:limit]
