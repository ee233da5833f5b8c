"""Sessions <-> the virtual document registry: which registry, when to detect, and the
LSP answers for positions inside embedded MeTTa regions and for ``.metta`` files.

* The registry of a document is the one of the shared workspace whose root holds it
  (shared per root, like the index); a document outside every folder uses a registry
  private to the session. Entries are per session: another connection never sees them.
* Detection runs with the diagnostics pass (``refresh``, debounced, after an edit), off
  the request path. A request at a position first asks :func:`embedded_at`: a document
  whose text does not mention MeTTa costs one scan and is answered as Rholang; if its
  regions are current the lookup is a few comparisons; only a MeTTa-bearing document
  edited since the last pass is detected on the spot.
* Every answer here is in the parent's coordinates, converted by the LSP edge
  (``session.positions()``); the seam's ``session.embedded`` lookup also resolves the
  ``<parent>#metta:N`` uris.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rholang_lsp.protocol.lsp import Location as LspLocation
from rholang_lsp.protocol.lsp import Position
from rholang_lsp.workspace.embedded import (
    EmbeddedFile,
    EmbeddedRegistry,
    VirtualDocument,
    parent_of,
)

if TYPE_CHECKING:
    from types import ModuleType

    from rholang_lsp.features.folding import FoldRange
    from rholang_lsp.features.rename import TextEdit
    from rholang_lsp.features.semantic_tokens import SemToken
    from rholang_lsp.features.symbols import DocSymbol
    from rholang_lsp.server.session import Session
    from rholang_lsp.syntax.diagnostic import Diagnostic
    from rholang_lsp.workspace.snapshot import Snapshot


def _emb() -> ModuleType:
    """``features.embedded``, imported on first use: a session is made, and ``initialize``
    answered, before the feature layer is imported (issue 19)."""
    from rholang_lsp.features import embedded

    return embedded


def is_metta_uri(uri: str) -> bool:
    from rholang_lsp.semantics.metta.summary import is_metta_uri as of_uri

    return of_uri(uri)


def mentions_metta(text: str) -> bool:
    from rholang_lsp.semantics.embedded.detect import mentions_metta as mentions

    return mentions(text)


def is_metta_document(uri: str, language_id: str | None = None) -> bool:
    return language_id == "metta" or is_metta_uri(uri)


class SessionEmbedded:
    """One session's embedded documents (the registries it put entries in)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.private = EmbeddedRegistry()
        self.where: dict[str, EmbeddedRegistry] = {}  # parent uri -> registry holding it
        #: uri -> (text, may hold MeTTa): the scan is done once per version of a document
        self._mentions: dict[str, tuple[str, bool]] = {}

    def may_hold_metta(self, uri: str, text: str, language_id: str | None) -> bool:
        """A ``.metta`` file, or a text mentioning MeTTa (cached per text object)."""
        if is_metta_document(uri, language_id):
            return True
        cached = self._mentions.get(uri)
        if cached is not None and cached[0] is text:
            return cached[1]
        found = mentions_metta(text)
        self._mentions[uri] = (text, found)
        return found

    def registry(self, uri: str) -> EmbeddedRegistry:
        from rholang_lsp.server.indexing import session_indexing

        ws = session_indexing(self.session).workspace_for(uri)
        return ws.embedded if ws is not None else self.private

    def current(self, uri: str) -> EmbeddedFile | None:
        """The regions of ``uri`` if they are of its current text (None: stale or none)."""
        doc = self.session.documents.get(uri)
        reg = self.where.get(uri)
        if doc is None or reg is None:
            return None
        ef = reg.file(self.session, uri)
        if ef is None:
            return None
        if ef.text is doc.text or (ef.version == doc.version and ef.text == doc.text):
            return ef
        return None

    def refresh(self, uri: str, snap: Snapshot | None = None) -> EmbeddedFile | None:
        """Make the regions of open document ``uri`` current (detects when needed)."""
        session = self.session
        doc = session.documents.get(uri)
        if doc is None:
            return None
        ef = self.current(uri)
        if ef is not None:
            return ef
        reg = self.registry(uri)
        old = self.where.get(uri)
        if old is not None and old is not reg:
            old.drop(session, uri)
        self.where[uri] = reg
        if is_metta_document(uri, doc.language_id):
            return reg.refresh_standalone(session, uri, doc.version, doc.text)
        if not mentions_metta(doc.text):
            return reg.clear(session, uri, doc.version, doc.text)
        if snap is None:
            from rholang_lsp.server.indexing import session_snapshot

            snap = session_snapshot(session, uri)
        a = snap.analysis(uri)
        if a is None or a.text is not doc.text and a.text != doc.text:
            return None
        return reg.refresh(session, uri, doc.version, a.parse, a.model)

    def lookup(self, uri: str) -> VirtualDocument | None:
        reg = self.where.get(parent_of(uri))
        return reg.lookup(self.session, uri) if reg is not None else None

    def drop(self, uri: str) -> None:
        self._mentions.pop(uri, None)
        reg = self.where.pop(uri, None)
        if reg is not None:
            reg.drop(self.session, uri)

    def close(self) -> None:
        for uri in list(self.where):
            self.drop(uri)


def session_embedded(session: Session) -> SessionEmbedded:
    return session.virtual_documents


def on_closed(session: Session, uri: str) -> None:
    session.virtual_documents.drop(uri)


def on_session_closed(session: Session) -> None:
    session.virtual_documents.close()


# ---------------------------------------------------------------------------- requests


def embedded_file(session: Session, uri: str) -> EmbeddedFile | None:
    """The current regions of open document ``uri`` (None when it has none)."""
    doc = session.documents.get(uri)
    if doc is None:
        return None
    se = session_embedded(session)
    if not se.may_hold_metta(uri, doc.text, doc.language_id):
        return None  # the Rholang-only fast path: nothing is looked up or detected
    ef = se.refresh(uri)
    return ef if ef is not None and ef.docs else None


def embedded_at(session: Session, uri: str, position: Position) -> tuple[EmbeddedFile, int] | None:
    """The regions and the parent offset when ``position`` lies in an embedded region
    (or the document is a ``.metta`` file); None: a Rholang position.

    A Rholang position never waits for detection: when the regions are not current (an
    edit since the last diagnostics pass), they are detected only if the position is
    inside a string literal of the current parse (which the request needs anyway)."""
    text_doc = session.documents.get(uri)
    if text_doc is None:
        return None
    se = session_embedded(session)
    if not se.may_hold_metta(uri, text_doc.text, text_doc.language_id):
        return None
    doc = session.positions().document(uri)
    if doc is None:
        return None
    off = doc.offset(position)
    ef = se.current(uri)
    if ef is None and not is_metta_document(uri, text_doc.language_id):
        if not _in_string_literal(session, uri, off):
            return None
        ef = se.refresh(uri)
    elif ef is None:
        ef = se.refresh(uri)
    if ef is None or not ef.docs:
        return None
    return (ef, off) if _emb().in_region(ef, off) else None


def _in_string_literal(session: Session, uri: str, off: int) -> bool:
    from rholang_lsp.server.indexing import session_snapshot

    parse = session_snapshot(session, uri).parse(uri)
    if parse is None:
        return False
    tok = parse.tree.token_at(off)
    from rholang_lsp.syntax.kinds import SyntaxKind

    return tok is not None and tok.kind == SyntaxKind.STRING and tok.start < off <= tok.end


def locations(session: Session, uri: str, spans: Sequence[tuple[int, int]]) -> list[LspLocation]:
    return session.positions().locations((uri, s, e) for s, e in spans)


def highlights(session: Session, uri: str, ef: EmbeddedFile, off: int) -> list[dict[str, Any]]:
    doc = session.positions().document(uri)
    if doc is None:
        return []
    return [
        {"range": doc.range(h.start, h.end), "kind": h.kind} for h in _emb().highlights(ef, off)
    ]


def completion(session: Session, uri: str, ef: EmbeddedFile, off: int) -> dict[str, Any] | None:
    doc = session.positions().document(uri)
    found = _emb().completions(ef, off)
    if found is None or doc is None:
        return None
    ps, pe, items = found
    rng = doc.range(ps, pe)
    out = []
    for it in items:
        text = it.label if ef.standalone else _emb().rholang_escape(it.label)
        item: dict[str, Any] = {
            "label": it.label,
            "kind": it.kind,
            "textEdit": {"range": rng, "newText": text},
        }
        if it.detail:
            item["detail"] = it.detail
        out.append(item)
    return {"isIncomplete": False, "items": out}


def hover(session: Session, uri: str, ef: EmbeddedFile, off: int) -> tuple[str, Any] | None:
    doc = session.positions().document(uri)
    h = _emb().hover(ef, off)
    if h is None or doc is None:
        return None
    return h.markdown, doc.range(h.start, h.end)


def prepare_rename(session: Session, uri: str, ef: EmbeddedFile, off: int) -> dict[str, Any] | None:
    doc = session.positions().document(uri)
    p = _emb().prepare_rename(ef, off)
    if p is None or doc is None:
        return None
    return {"range": doc.range(p.start, p.end), "placeholder": p.placeholder}


def rename_edits(ef: EmbeddedFile, off: int, new_name: str) -> dict[str, list[TextEdit]]:
    """Raises ``RenameError`` (the handler turns it into a request error)."""
    edits = _emb().rename(ef, off, new_name)
    return {ef.uri: edits} if edits else {}


def diagnostics(session: Session, uri: str, snap: Snapshot | None) -> list[Diagnostic]:
    """The MeTTa diagnostics of open document ``uri`` in its offsets (refreshing its
    regions: this is where detection runs, with the diagnostics pass)."""
    doc = session.documents.get(uri)
    if doc is None:
        return []
    se = session_embedded(session)
    if not se.may_hold_metta(uri, doc.text, doc.language_id):
        if uri in se.where:
            se.drop(uri)  # the MeTTa is gone: drop its regions
        return []
    ef = se.refresh(uri, snap)
    return _emb().diagnostics(ef) if ef is not None else []


def semantic_tokens(
    session: Session, uri: str, tokens: list[SemToken], start: int | None, end: int | None
) -> list[SemToken]:
    ef = embedded_file(session, uri)
    if ef is None:
        return tokens
    if ef.standalone:
        tokens = []
    merged = _emb().semantic_tokens(ef, tokens)
    if start is None and end is None:
        return merged
    lo = start or 0
    hi = end if end is not None else len(ef.text) + 1
    return [t for t in merged if t[0] < hi and t[0] + t[1] > lo]


def folding(session: Session, uri: str, host: list[FoldRange]) -> list[FoldRange]:
    ef = embedded_file(session, uri)
    doc = session.documents.get(uri)
    if ef is None or doc is None:
        return host
    extra = _emb().folding(ef, doc.line_index.line_of)
    if ef.standalone:
        return extra
    return sorted(set(host) | set(extra))


def outline(session: Session, uri: str, host: list[DocSymbol]) -> list[DocSymbol]:
    ef = embedded_file(session, uri)
    if ef is None:
        return host
    return _emb().outline(ef, [] if ef.standalone else host)


__all__ = ["embedded_at", "is_metta_document", "session_embedded"]
