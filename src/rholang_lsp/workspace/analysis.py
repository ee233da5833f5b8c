"""Per-document analysis (parse + bind; the summary made when asked) and a small cache for it.

Incremental analysis of open documents
--------------------------------------
``AnalysisCache.get_or_analyze(..., history=doc)`` with a ``TextDocument`` (or
anything with ``revision`` / ``edits_since``): when the cache holds an analysis
of an earlier revision of the same document and the document still remembers
the edits since then, the new parse is obtained by replaying those edits with
``syntax.reparse`` (re-parsing only the enclosing ``{ ... }`` block when it
can) instead of a full parse. When that replay was one edit inside one block and
the previous analysis is owned by the cache alone, only that block is bound again
and the previous ``SemanticModel`` is patched (``semantics.rebind``: the facts of
the block replaced, the others moved, the file checks run again); otherwise the
whole file is bound. Either way the analysis equals a fresh ``analyze`` of the text
(``tests/workspace/test_rebind_equals_full.py``).

Aliasing rule: ``reparse`` rebuilds the new tree *in place* from the old one,
so an analysis is only ever reparsed when nobody but the cache can see it.
Under the cache lock the previous analysis is taken *out* of the cache, then
its reference counts are checked (``_exclusively_owned``): if any other holder
keeps the ``DocumentAnalysis``, its ``ParseResult`` or its tree root alive (a
``Snapshot`` of an in-flight request memoises the analyses it handed out, and a
feature holds the analysis while it walks the tree) the old analysis is left
untouched and the new version is parsed from scratch. So a ``DocumentAnalysis``
that has been handed out is immutable for as long as it is referenced. Users
must therefore keep the analysis (or its ``ParseResult``) alive while they use
nodes of its tree: a bare ``Node`` held alone is not protected; the same holds for
the records of its model (``Symbol``, ``Reference``, ...), which a block rebind moves
in place. The semantic model and the summary hold offsets only, never tree nodes.

Why reference counts and not an explicit ownership token: a lease that holders take and
release is opt-in, so a holder nobody thought of (a memo in a feature, a request still
running on a worker thread, a test) would be reparsed under its feet: unsafe by default.
The reference count sees *every* holder, so its failure mode is the safe one (a full
parse). The dependency on CPython is contained: on an interpreter without exact
reference counts (``sys.getrefcount`` absent or not CPython) ``_exclusively_owned``
answers False and every version is parsed from scratch: correct, only slower.

Parse-only entries
------------------
``AnalysisCache.get_parse`` answers the features that read the tree alone
(completion, signature help) without binding: it returns the parse of a cached
entry of that version, else replays the edit log from the latest cached entry of
the uri (analysis *or* parse-only, under the same ownership rule) and caches a
parse-only ``ParsedDocument`` under (uri, version). A later ``get_or_analyze``
of that version binds that entry's parse instead of parsing again and replaces
the entry with the analysis: **one parse per version**, whichever request comes
first, and still one analysis per version. The ``ParseResult`` handed out by
``get_parse`` is covered by the same rule as an analysis: while anyone but the
cache references it (a ``Snapshot`` pins what it handed out), it is never
reparsed in place.
"""

from __future__ import annotations

import sys
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final, Protocol

from rholang_lsp.semantics.binder import BindState, bind, bind_for_summary, bind_keeping_state
from rholang_lsp.semantics.metta.summary import build_metta_summary, is_metta_uri
from rholang_lsp.semantics.model import SemanticModel
from rholang_lsp.semantics.rebind import rebind_block
from rholang_lsp.semantics.summarize import build_summary
from rholang_lsp.semantics.summary import CompactLineMap, FileSummary, content_hash
from rholang_lsp.syntax import parse, reparse
from rholang_lsp.syntax.incremental import prepare_reparse
from rholang_lsp.syntax.parser import gc_paused, settle_young
from rholang_lsp.syntax.tree import release

if TYPE_CHECKING:
    from rholang_lsp.syntax import ParseResult

Revision = tuple[int, int]
Edit = tuple[int, int, str]

#: More edits than this since the cached analysis: a full parse is cheaper than the replay.
MAX_REPLAY_EDITS: Final = 32


class EditHistory(Protocol):
    """What incremental analysis needs of an open document (``TextDocument`` fits)."""

    @property
    def revision(self) -> Revision: ...

    def edits_since(self, revision: Revision) -> Sequence[Edit] | None: ...


class CacheMetrics(Protocol):
    def cache_hit(self, kind: str) -> None: ...

    def cache_miss(self, kind: str) -> None: ...


@dataclass(slots=True, eq=False)
class DocumentAnalysis:
    uri: str
    version: int | None
    text: str
    parse: ParseResult
    model: SemanticModel
    #: the summary, made on first use (``summary``); set at once for a MeTTa file
    _summary: FileSummary | None = field(default=None)
    #: the line map, made on first use (``lines``) unless the summary made it
    _lines: CompactLineMap | None = field(default=None, repr=False)
    #: what ``lines`` is spliced from when first asked: the previous version's line map and
    #: the edit (start, end, delta) that made this version of it
    _lines_from: tuple[CompactLineMap, int, int, int] | None = field(default=None, repr=False)
    #: the ``TextDocument`` revision this analysis is of (None: not from an open document)
    revision: Revision | None = field(default=None)
    #: True when the parse was obtained by replaying edits with ``reparse``
    incremental: bool = field(default=False)
    #: what a block rebind of the next version needs (open documents only)
    binding: BindState | None = field(default=None, repr=False)
    #: True when the model was obtained by re-binding one block (``semantics.rebind``)
    rebound: bool = field(default=False)

    # The summary and the line map are made when first asked, not with the analysis: after
    # a keystroke in an open document only its diagnostics are wanted at once, and both cost
    # time in proportion to the whole file (a fifth of a one-character edit in a 20,010-line
    # file). Made later from the same model and text, they are the same: the model of an
    # analysis that has been handed out is never patched (see the ownership rule above). Two
    # threads asking at once may both build them; either result is the same value.

    @property
    def summary(self) -> FileSummary:
        s = self._summary
        if s is None:
            s = build_summary(
                self.uri, self.text, self.model, version=self.version, lines=self.lines
            )
            self._summary = s
            self._lines = None  # the summary holds it
        return s

    @property
    def lines(self) -> CompactLineMap:
        s = self._summary
        if s is not None:
            return s.lines
        lines = self._lines
        if lines is None:
            prev = self._lines_from
            if prev is not None:
                before, start, end, delta = prev
                lines = before.spliced(self.text, start, end, delta)
            else:
                lines = CompactLineMap.from_text(self.text)
            self._lines = lines
            self._lines_from = None
        return lines

    def lines_if_made(self) -> CompactLineMap | None:
        """The line map if it has been made already (a next version may splice it)."""
        s = self._summary
        return s.lines if s is not None else self._lines


@dataclass(slots=True, eq=False)
class ParsedDocument:
    """A parse-only cache entry: the tree of one version of an open document, not
    bound yet (see "Parse-only entries" in the module docstring)."""

    uri: str
    version: int | None
    text: str
    parse: ParseResult
    #: the ``TextDocument`` revision this parse is of (None: not from an open document)
    revision: Revision | None = field(default=None)
    #: True when the parse was obtained by replaying edits with ``reparse``
    incremental: bool = field(default=False)
    #: the previous version's model and bind state, when ``parse`` is one block re-parsed
    #: in it (taken, under the cache lock, by the bind of this entry)
    prior: Prior | None = field(default=None, repr=False)


#: the model, bind state and line map (if made) of the previous version of a document (the
#: model owned by the caller)
Prior = tuple[SemanticModel, BindState, CompactLineMap | None]

#: What the cache stores per (uri, version): a full analysis or a parse-only entry.
CacheEntry = DocumentAnalysis | ParsedDocument


def analyze(
    uri: str, text: str, version: int | None = None, *, target: str = "f1r3fly"
) -> DocumentAnalysis:
    """Parse and bind ``text``; never raises on bad input."""
    return _finish(uri, text, version, parse(text, target=target), target)


def _finish(
    uri: str,
    text: str,
    version: int | None,
    result: ParseResult,
    target: str,
    revision: Revision | None = None,
    incremental: bool = False,
    prior: Prior | None = None,
) -> DocumentAnalysis:
    """Bind ``result``: with ``prior`` (the previous version's model and state, owned by
    the caller, ``result`` one block re-parsed in it) by re-binding that block alone
    when it can; keeping the bind state for the next version of an open document."""
    state: BindState | None = None
    rebound = False
    summary: FileSummary | None = None
    lines_from: tuple[CompactLineMap, int, int, int] | None = None
    if is_metta_uri(uri):  # a .metta file: no Rholang binding, a MeTTa digest for the index
        model = SemanticModel()
        model.finish()
        summary = build_metta_summary(uri, text, version=version)
    else:
        splice = result.splice
        if prior is not None and splice is not None:
            model, state, before = prior
            rebound = rebind_block(model, state, splice, result, target=target)
            if rebound and before is not None:
                lines_from = (before, splice.start, splice.end, splice.delta)
        prior = None
        if not rebound:
            if revision is not None:
                model, state = bind_keeping_state(result, target=target)
            else:
                model, state = bind(result, target=target), None
    return DocumentAnalysis(
        uri,
        version,
        text,
        result,
        model,
        summary,
        _lines_from=lines_from,
        revision=revision,
        incremental=incremental,
        binding=state,
        rebound=rebound,
    )


# ``_exclusively_owned`` relies on CPython reference counts (``sys.getrefcount`` adds one
# for its own argument). When only the cache's caller holds an entry (a DocumentAnalysis or a
# parse-only ParsedDocument, both slotted dataclasses):
#  * the entry: the caller's variable + our parameter;
#  * its ParseResult: ``entry.parse`` + our local (the model holds offsets, not the tree);
#  * the tree root: ``ParseResult.tree`` + the ``parent`` pointer of each child + our local.
# Any other holder adds to these. ``tests/workspace/test_incremental_analysis.py`` checks
# both directions, so an interpreter that counts differently fails loudly there.
_OWNED_ANALYSIS_REFS: Final = 2
_OWNED_PARSE_REFS: Final = 2
_EXACT_REFCOUNTS: Final = sys.implementation.name == "cpython" and hasattr(sys, "getrefcount")


def _exclusively_owned(entry: CacheEntry) -> bool:
    """True when no one but the caller (who took it out of the cache) references
    ``entry`` (an analysis or a parse-only entry), its ``ParseResult`` or its tree
    root: it may be reparsed in place. Always False without CPython's exact counts."""
    if not _EXACT_REFCOUNTS:
        return False
    if sys.getrefcount(entry) > _OWNED_ANALYSIS_REFS + 1:
        return False
    result = entry.parse
    if sys.getrefcount(result) > _OWNED_PARSE_REFS + 1:
        return False
    root = result.tree
    return sys.getrefcount(root) <= 1 + len(root.children) + 1 + 1


def replay(old: ParseResult, edits: Sequence[Edit], text: str) -> tuple[ParseResult, int]:
    """Apply ``edits`` to ``old`` (consumed: its tree is reused in place) with ``reparse``.

    Returns the parse of ``text`` and how many edits were reparsed within a block.
    As soon as one edit needs a full parse, the remaining ones are skipped and
    ``text`` is parsed once. The result is checked against ``text``.
    """
    result = old
    in_block = 0
    for i, (start, end, new_text) in enumerate(edits):
        tree = result.tree
        result = reparse(result, start, end, new_text)
        if result.tree is tree:
            in_block += 1
        elif i < len(edits) - 1:
            return parse(text, target=old.target), in_block  # fell back: parse the end state once
    if result.text != text:  # an inconsistent edit log: never trust it
        return parse(text, target=old.target), 0
    return result, in_block


def summarize_text(uri: str, text: str, *, target: str = "f1r3fly") -> FileSummary:
    """What an indexer (or a worker process) computes for a closed file: the summary of
    ``analyze(uri, text, None, target=target)``, from a bind that records only what the
    summary reads (``bind_for_summary``: no references, facts or file checks)."""
    if is_metta_uri(uri):
        return analyze(uri, text, None, target=target).summary
    result = parse(text, target=target)
    summary = build_summary(uri, text, bind_for_summary(result, target=target))
    release(result.tree)  # nobody holds this tree: freed now, not by the cyclic GC
    return summary


class AnalysisCache:
    """LRU of analyses keyed by (uri, version) for open documents and
    (uri, content hash) for files read from disk; an open document's entry may
    also be parse-only (``get_parse``), bound on the first ``get_or_analyze``.

    With ``history`` (the open document), a miss whose previous entry of the
    same document is still here (and owned by the cache alone) is parsed by
    replaying the document's edits (see the module docstring). ``metrics``
    (optional, ``cache_hit``/``cache_miss``) records kind ``"parse"``: a hit when
    a request is answered without parsing (a cached analysis, a cached parse, or
    a cached parse that is now bound), a miss when the text is parsed
    (incrementally or not). ``stats``: ``hits``/``misses`` likewise (so
    ``misses == incremental + full_parses`` is the number of parses), ``binds``
    (analyses computed), ``incremental`` (parses that replayed edits),
    ``reparsed_edits`` (edits re-parsed within one block) and ``full_parses``.
    """

    def __init__(self, capacity: int = 64, *, metrics: CacheMetrics | None = None) -> None:
        self._capacity = capacity
        self._items: OrderedDict[tuple[str, object], CacheEntry] = OrderedDict()
        self._lock = threading.Lock()
        self.metrics = metrics
        self.stats: dict[str, int] = {
            "hits": 0,
            "misses": 0,
            "binds": 0,  # analyses computed (from a new parse or a cached parse-only entry)
            "incremental": 0,  # parses that replayed edits
            "reparsed_edits": 0,  # edits re-parsed within one block
            "full_parses": 0,
            "rebound": 0,  # analyses that re-bound one block of the previous model
        }

    def get_or_analyze(
        self,
        uri: str,
        text: str,
        version: int | None,
        *,
        target: str = "f1r3fly",
        history: EditHistory | None = None,
    ) -> DocumentAnalysis:
        """The analysis of this version: cached, else the cached parse-only entry of this
        version bound, else a new (incremental when possible) parse bound."""
        key = _key(uri, text, version)
        revision = history.revision if history is not None else None
        pending: ParsedDocument | None = None
        with self._lock:
            hit = self._items.get(key)
            if hit is not None and hit.text == text:
                self._items.move_to_end(key)
                self.stats["hits"] += 1
                if isinstance(hit, DocumentAnalysis):
                    if self.metrics is not None:
                        self.metrics.cache_hit("parse")
                    return hit
                # parse-only: bind it. It stays in the cache meanwhile; holding it (``pending``)
                # keeps a concurrent ``get_parse`` of a later version from reparsing it in place.
                pending = hit
            else:
                self.stats["misses"] += 1
            hit = None
        # the re-analysis allocates thousands of records that live until the next version:
        # collected once after it, not every 700 allocations (``gc_paused``)
        with gc_paused():
            if pending is not None:
                if self.metrics is not None:
                    self.metrics.cache_hit("parse")
                rev = revision if revision is not None else pending.revision
                # one bind may take the prior model (a concurrent one binds afresh)
                with self._lock:
                    prior, pending.prior = pending.prior, None
                result = _finish(
                    uri, text, version, pending.parse, target, rev, pending.incremental, prior
                )
                pending = None
            else:
                if self.metrics is not None:
                    self.metrics.cache_miss("parse")
                new_parse, incremental, prior = self._new_parse(uri, text, target, history)
                result = _finish(
                    uri, text, version, new_parse, target, revision, incremental, prior
                )
        prior = None
        if revision is not None and not result.rebound:
            # an open document's tree and model live until its next version (or, a block
            # rebind after another, much longer): collected into the old generation at once
            settle_young()
        with self._lock:
            if result.rebound:
                self.stats["rebound"] += 1
            self.stats["binds"] += 1
        stored = self._store(key, result)
        return stored if isinstance(stored, DocumentAnalysis) else result

    def get_parse(
        self,
        uri: str,
        text: str,
        version: int | None,
        *,
        target: str = "f1r3fly",
        history: EditHistory | None = None,
    ) -> ParseResult:
        """The parse of this version without binding: the parse of the cached entry
        (analysis or parse-only) of this version, else a new parse (replaying the edit
        log from the latest cached entry of ``uri`` when it may) cached as a parse-only
        entry, which a later ``get_or_analyze`` of this version binds."""
        key = _key(uri, text, version)
        with self._lock:
            hit = self._items.get(key)
            if hit is not None and hit.text == text:
                self._items.move_to_end(key)
                self.stats["hits"] += 1
                if self.metrics is not None:
                    self.metrics.cache_hit("parse")
                return hit.parse
            hit = None
            self.stats["misses"] += 1
        if self.metrics is not None:
            self.metrics.cache_miss("parse")
        with gc_paused():
            new_parse, incremental, prior = self._new_parse(uri, text, target, history)
        revision = history.revision if history is not None else None
        entry = ParsedDocument(uri, version, text, new_parse, revision, incremental, prior)
        prior = None
        return self._store(key, entry).parse

    def _new_parse(
        self, uri: str, text: str, target: str, history: EditHistory | None
    ) -> tuple[ParseResult, bool, Prior | None]:
        """Parse ``text``: by replaying ``history``'s edits on the latest cached entry of
        ``uri`` when the cache alone owns it, else from scratch. Returns (parse, incremental,
        prior): ``prior`` is the previous analysis' model and bind state when the parse is
        one block re-parsed in it and nobody else holds that model (a block rebind may
        patch it)."""
        base: CacheEntry | None = None
        if history is not None:
            with self._lock:
                base_key = self._base_key(uri, target)
                if base_key is not None:
                    # take it out: from now on no other caller can get (or reparse) it
                    base = self._items.pop(base_key)
        if base is not None and history is not None and base.revision is not None:
            edits = history.edits_since(base.revision)
            # ``base`` is this frame's only reference (the ownership rule counts on it)
            if edits is not None and len(edits) <= MAX_REPLAY_EDITS and _exclusively_owned(base):
                old = base.parse
                prior: Prior | None = None
                if (
                    isinstance(base, DocumentAnalysis)
                    and base.binding is not None
                    and len(edits) == 1
                    and sys.getrefcount(base.model) <= 2  # ``base.model`` + the argument
                ):
                    prior = (base.model, base.binding, base.lines_if_made())
                base = None  # consumed: its tree becomes the new tree
                new_parse, in_block = replay(old, edits, text)
                with self._lock:
                    self.stats["incremental"] += 1
                    self.stats["reparsed_edits"] += in_block
                if new_parse.splice is None or new_parse.tree is not old.tree or in_block != 1:
                    prior = None
                return new_parse, True, prior
        base = None
        with self._lock:
            self.stats["full_parses"] += 1
        result = parse(text, target=target)
        if history is not None:
            # an open document: its keystrokes reparse one block and shift what follows
            # through the tree's preorder lists; built now, with the parse (a tenth of its
            # cost), not by the first keystroke
            prepare_reparse(result)
        return result, False, None

    def _store(self, key: tuple[str, object], entry: CacheEntry) -> CacheEntry:
        """Cache ``entry`` under ``key`` (dropping older versions of its uri) and return it;
        when another caller stored an entry of this text meanwhile that already answers
        (an analysis, or any entry when ``entry`` is parse-only), keep and return that one,
        so that a version is handed out once."""
        with self._lock:
            cur = self._items.get(key)
            if (
                cur is not None
                and cur.text == entry.text
                and (isinstance(cur, DocumentAnalysis) or isinstance(entry, ParsedDocument))
            ):
                self._items.move_to_end(key)
                return cur
            # keep one entry per uri+version; drop older versions of the same uri
            uri = key[0]
            for k in [k for k in self._items if k[0] == uri and k != key]:
                del self._items[k]
            self._items[key] = entry
            while len(self._items) > self._capacity:
                self._items.popitem(last=False)
        return entry

    def _base_key(self, uri: str, target: str) -> tuple[str, object] | None:
        """The key of the cached entry of an open revision of ``uri`` (lock held)."""
        for k, a in self._items.items():
            if k[0] == uri and a.revision is not None and a.parse.target == target:
                return k
        return None


def _key(uri: str, text: str, version: int | None) -> tuple[str, object]:
    return (uri, version if version is not None else content_hash(text))
