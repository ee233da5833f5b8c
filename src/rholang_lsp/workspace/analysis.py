"""Per-document analysis (parse + bind + summary) and a small cache for it."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rholang_lsp.semantics.binder import bind
from rholang_lsp.semantics.model import SemanticModel
from rholang_lsp.semantics.summarize import build_summary
from rholang_lsp.semantics.summary import CompactLineMap, FileSummary, content_hash
from rholang_lsp.syntax import parse

if TYPE_CHECKING:
    from rholang_lsp.syntax import ParseResult


@dataclass(slots=True, eq=False)
class DocumentAnalysis:
    uri: str
    version: int | None
    text: str
    parse: ParseResult
    model: SemanticModel
    summary: FileSummary
    _lines: CompactLineMap | None = field(default=None)

    @property
    def lines(self) -> CompactLineMap:
        return self.summary.lines


def analyze(
    uri: str, text: str, version: int | None = None, *, target: str = "f1r3fly"
) -> DocumentAnalysis:
    """Parse and bind ``text``; never raises on bad input."""
    result = parse(text, target=target)
    model = bind(result)
    summary = build_summary(uri, text, model, version=version)
    return DocumentAnalysis(uri, version, text, result, model, summary)


def summarize_text(uri: str, text: str, *, target: str = "f1r3fly") -> FileSummary:
    """What an indexer (or a worker process) computes for a closed file."""
    return analyze(uri, text, None, target=target).summary


class AnalysisCache:
    """LRU of analyses keyed by (uri, version) for open documents and
    (uri, content hash) for files read from disk."""

    def __init__(self, capacity: int = 64) -> None:
        self._capacity = capacity
        self._items: OrderedDict[tuple[str, object], DocumentAnalysis] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_analyze(
        self, uri: str, text: str, version: int | None, *, target: str = "f1r3fly"
    ) -> DocumentAnalysis:
        key: tuple[str, object] = (uri, version if version is not None else content_hash(text))
        with self._lock:
            hit = self._items.get(key)
            if hit is not None and hit.text == text:
                self._items.move_to_end(key)
                return hit
        result = analyze(uri, text, version, target=target)
        with self._lock:
            # keep one entry per uri+version; drop older versions of the same uri
            for k in [k for k in self._items if k[0] == uri and k != key]:
                del self._items[k]
            self._items[key] = result
            while len(self._items) > self._capacity:
                self._items.popitem(last=False)
        return result

    def invalidate(self, uri: str) -> None:
        with self._lock:
            for k in [k for k in self._items if k[0] == uri]:
                del self._items[k]
