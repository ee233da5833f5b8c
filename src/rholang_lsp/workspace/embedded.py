"""The virtual document registry: embedded MeTTa regions of open Rholang documents.

One registry per shared workspace (root), like the index. It holds

* per *(owner, parent uri)* (an owner is a session: nothing is visible to a connection
  that does not have the parent open), the :class:`EmbeddedFile` of the parent's last
  analysed version: its regions as :class:`VirtualDocument` objects (uri
  ``<parent>#metta:N``, offset map, MeTTa model);
* shared by all owners, the MeTTa analyses keyed by what they depend on
  (:meth:`Region.key`: the region's literals relative to its start). An edit outside a
  region only moves it: its analysis and map are reused, shifted; an edit inside one
  region re-parses that region alone. Entries are reference counted by the files using
  them; a few unused ones are kept for undo.

Detection needs the parent's parse and binder model; the server runs it with the
diagnostics pass (debounced, after the edit), never on a request for a Rholang
position. Everything here runs on the event loop thread.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Final

import msgspec

if TYPE_CHECKING:  # imported where used: a registry is made before ``initialize`` is answered
    from rholang_lsp.semantics.embedded import OffsetMap, Region
    from rholang_lsp.semantics.metta import MettaModel
    from rholang_lsp.semantics.model import SemanticModel
    from rholang_lsp.syntax import ParseResult

FRAGMENT: Final = "#metta:"
_KEEP_UNUSED: Final = 64


class VirtualDocument:
    """One embedded region as a document of its own (implements the position seam's
    ``EmbeddedDocument``: ``host_uri``, ``to_host``, ``from_host``)."""

    __slots__ = ("uri", "host_uri", "index", "region", "map", "model")

    def __init__(
        self,
        host_uri: str,
        index: int,
        region: Region,
        offsets: OffsetMap,
        model: MettaModel,
    ) -> None:
        self.uri = f"{host_uri}{FRAGMENT}{index}"
        self.host_uri = host_uri
        self.index = index
        self.region = region
        self.map = offsets
        self.model = model

    @property
    def text(self) -> str:
        return self.map.text

    def to_host(self, offset: int) -> int:
        return self.map.to_parent(offset)

    def from_host(self, offset: int) -> int:
        v = self.map.to_virtual(offset)
        if v is not None:
            return v
        return 0 if offset <= self.region.start else len(self.map.text)

    def range_to_host(self, start: int, end: int) -> tuple[int, int]:
        return self.map.range_to_parent(start, end)

    def contains(self, offset: int) -> bool:
        return self.map.contains_parent(offset)

    def __repr__(self) -> str:
        return f"VirtualDocument({self.uri!r}, {len(self.map.text)} chars)"


class EmbeddedFile(msgspec.Struct, eq=False):
    """The regions of one version of a parent document (``text`` is that version)."""

    uri: str
    version: int | None
    text: str
    docs: list[VirtualDocument] = msgspec.field(default_factory=list)
    standalone: bool = False  # a `.metta` file: one document covering the whole text

    @property
    def models(self) -> list[MettaModel]:
        return [d.model for d in self.docs]

    def at(self, offset: int) -> VirtualDocument | None:
        for d in self.docs:
            if d.contains(offset):
                return d
        return None

    def by_uri(self, uri: str) -> VirtualDocument | None:
        for d in self.docs:
            if d.uri == uri:
                return d
        return None


class RegistryStats(msgspec.Struct):
    detections: int = 0  # detection runs (one per analysed parent version mentioning MeTTa)
    parses: int = 0  # MeTTa analyses computed
    reused: int = 0  # regions served from an existing analysis


class _Entry:
    __slots__ = ("model", "map", "start", "refs")

    def __init__(self, model: MettaModel, offsets: OffsetMap, start: int) -> None:
        self.model = model
        self.map = offsets
        self.start = start
        self.refs = 0


def is_virtual_uri(uri: str) -> bool:
    return FRAGMENT in uri


def parent_of(uri: str) -> str:
    return uri.split(FRAGMENT, 1)[0]


class EmbeddedRegistry:
    def __init__(self) -> None:
        self._files: dict[tuple[object, str], EmbeddedFile] = {}
        self._keys: dict[tuple[object, str], list[tuple[object, ...]]] = {}
        self._cache: dict[tuple[object, ...], _Entry] = {}
        self._unused: OrderedDict[tuple[object, ...], None] = OrderedDict()
        self.stats = RegistryStats()

    # ------------------------------------------------------------------ updates
    def refresh(
        self,
        owner: object,
        uri: str,
        version: int | None,
        parse: ParseResult,
        model: SemanticModel | None,
    ) -> EmbeddedFile:
        """Detect the regions of this version of ``uri`` and make them current."""
        cur = self._files.get((owner, uri))
        if cur is not None and cur.text is parse.text and cur.version == version:
            return cur
        from rholang_lsp.semantics.embedded import detect_metta_regions
        from rholang_lsp.semantics.embedded.detect import mentions_metta

        if not mentions_metta(parse.text):
            regions: list[Region] = []
        else:
            self.stats.detections += 1
            regions = detect_metta_regions(parse, model)
        return self._install(owner, uri, version, parse.text, regions)

    def refresh_standalone(
        self, owner: object, uri: str, version: int | None, text: str
    ) -> EmbeddedFile:
        """A ``.metta`` file: one virtual document covering the whole text (identity map)."""
        cur = self._files.get((owner, uri))
        if cur is not None and cur.text is text and cur.version == version:
            return cur
        from rholang_lsp.semantics.embedded import Region

        key: tuple[object, ...] = ("standalone", text)
        entry = self._acquire(key, lambda: _standalone_entry(text))
        self._release_file(owner, uri)
        doc = VirtualDocument(uri, 0, Region(((0, len(text)),), (), "file"), entry.map, entry.model)
        doc.uri = uri
        ef = EmbeddedFile(uri, version, text, [doc], standalone=True)
        self._files[(owner, uri)] = ef
        self._keys[(owner, uri)] = [key]
        return ef

    def clear(self, owner: object, uri: str, version: int | None, text: str) -> EmbeddedFile:
        """This version of ``uri`` has no region (it does not mention MeTTa)."""
        return self._install(owner, uri, version, text, [])

    def _install(
        self, owner: object, uri: str, version: int | None, text: str, regions: list[Region]
    ) -> EmbeddedFile:
        keys: list[tuple[object, ...]] = []
        docs: list[VirtualDocument] = []
        for i, region in enumerate(regions):
            key = region.key(text)
            entry = self._acquire(key, partial(_region_entry, text, region))
            keys.append(key)
            offsets = entry.map
            if region.start != entry.start:
                offsets = entry.map.shifted(region.start - entry.start)
            docs.append(VirtualDocument(uri, i, region, offsets, entry.model))
        self._release_file(owner, uri)
        ef = EmbeddedFile(uri, version, text, docs)
        self._files[(owner, uri)] = ef
        self._keys[(owner, uri)] = keys
        return ef

    def _acquire(self, key: tuple[object, ...], make: Callable[[], _Entry]) -> _Entry:
        entry = self._cache.get(key)
        if entry is None:
            entry = make()
            self._cache[key] = entry
            self.stats.parses += 1
        else:
            self.stats.reused += 1
            self._unused.pop(key, None)
        entry.refs += 1
        return entry

    def _release_file(self, owner: object, uri: str) -> None:
        self._files.pop((owner, uri), None)
        for key in self._keys.pop((owner, uri), []):
            entry = self._cache.get(key)
            if entry is None:
                continue
            entry.refs -= 1
            if entry.refs <= 0:
                self._unused[key] = None
        while len(self._unused) > _KEEP_UNUSED:
            key, _ = self._unused.popitem(last=False)
            e = self._cache.get(key)
            if e is not None and e.refs <= 0:
                del self._cache[key]

    # ------------------------------------------------------------------ queries
    def file(self, owner: object, uri: str) -> EmbeddedFile | None:
        return self._files.get((owner, uri))

    def lookup(self, owner: object, uri: str) -> VirtualDocument | None:
        """The virtual document named ``uri`` (``<parent>#metta:N``), for ``owner`` only."""
        if FRAGMENT not in uri:
            return None
        ef = self._files.get((owner, parent_of(uri)))
        return ef.by_uri(uri) if ef is not None and not ef.standalone else None

    def drop(self, owner: object, uri: str) -> None:
        """The parent closed (for this owner): its virtual documents go."""
        self._release_file(owner, uri)

    def drop_owner(self, owner: object) -> None:
        for o, uri in [k for k in self._files if k[0] is owner]:
            self._release_file(o, uri)

    def __len__(self) -> int:
        return len(self._files)

    @property
    def cached_analyses(self) -> int:
        return len(self._cache)


def _region_entry(text: str, region: Region) -> _Entry:
    from rholang_lsp.semantics.embedded import virtual_text
    from rholang_lsp.semantics.metta import analyze_metta

    offsets = virtual_text(text, region)
    return _Entry(analyze_metta(offsets.text, holes=True), offsets, region.start)


def _standalone_entry(text: str) -> _Entry:
    from rholang_lsp.semantics.embedded import OffsetMap
    from rholang_lsp.semantics.metta import analyze_metta

    n = len(text)
    offsets = OffsetMap(text, list(range(n)), list(range(1, n + 1)), [False] * n, [(0, n, n)])
    return _Entry(analyze_metta(text), offsets, 0)
