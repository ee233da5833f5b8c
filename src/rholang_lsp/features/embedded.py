"""Embedded-language features in the parent's coordinates.

Given the :class:`EmbeddedFile` of a parent document (its MeTTa regions) and a parent
offset, these run the MeTTa feature in the region's virtual document and map the
answer back through the region's offset map: every range is a parent range. Merging
helpers fold the regions' diagnostics, semantic tokens, folding ranges and outline
into the parent's own. A further embedded language plugs in here (its features per
virtual document) and in ``semantics/embedded/detect.py`` (where its regions are).
"""

from __future__ import annotations

from collections.abc import Callable

from rholang_lsp.features.folding import FoldRange
from rholang_lsp.features.highlight import Highlight
from rholang_lsp.features.hover import HoverResult
from rholang_lsp.features.metta import (
    MettaRenameError,
    VLoc,
    metta_definition,
    metta_folding,
    metta_highlights,
    metta_hover,
    metta_prepare_rename,
    metta_references,
    metta_rename,
    metta_semantic_tokens,
    metta_symbols,
)
from rholang_lsp.features.metta.completion import MettaCompletion, metta_completions
from rholang_lsp.features.rename import PrepareResult, RenameError, TextEdit
from rholang_lsp.features.semantic_tokens import T_STRING, SemToken
from rholang_lsp.features.symbols import DocSymbol
from rholang_lsp.semantics.summary import SK_NAMESPACE
from rholang_lsp.syntax.diagnostic import Diagnostic, Related
from rholang_lsp.workspace.embedded import EmbeddedFile, VirtualDocument

#: syntax diagnostics whose cause may lie in a spliced value, with the direction in
#: which they look for it (an unclosed `(` may be closed by text after a hole, ...)
_FORWARD = frozenset({"metta-unclosed-paren", "metta-unterminated-string"})
_BACKWARD = frozenset({"metta-stray-paren"})


def _at(ef: EmbeddedFile, offset: int) -> tuple[int, int] | None:
    """(document index, virtual offset) of a parent offset inside a region."""
    for i, d in enumerate(ef.docs):
        v = d.map.to_virtual(offset)
        if v is not None:
            return i, v
    return None


def _span(ef: EmbeddedFile, loc: VLoc) -> tuple[int, int]:
    return ef.docs[loc.doc].range_to_host(loc.start, loc.end)


def in_region(ef: EmbeddedFile | None, offset: int) -> bool:
    return ef is not None and _at(ef, offset) is not None


def definition(ef: EmbeddedFile, offset: int) -> list[tuple[int, int]]:
    at = _at(ef, offset)
    if at is None:
        return []
    return [_span(ef, loc) for loc in metta_definition(ef.models, *at)]


def references(
    ef: EmbeddedFile, offset: int, *, include_declaration: bool = True
) -> list[tuple[int, int]]:
    at = _at(ef, offset)
    if at is None:
        return []
    locs = metta_references(ef.models, *at, include_declaration=include_declaration)
    return [_span(ef, loc) for loc in locs]


def highlights(ef: EmbeddedFile, offset: int) -> list[Highlight]:
    at = _at(ef, offset)
    if at is None:
        return []
    return sorted(
        Highlight(*_span(ef, loc), kind) for loc, kind in metta_highlights(ef.models, *at)
    )


def completions(ef: EmbeddedFile, offset: int) -> tuple[int, int, list[MettaCompletion]] | None:
    """(parent replace start, end, candidates) at a position inside a region."""
    at = _at(ef, offset)
    if at is None:
        return None
    start, items = metta_completions(ef.models, *at)
    d = ef.docs[at[0]]
    ps, pe = d.range_to_host(start, at[1])
    return ps, pe, items


def hover(ef: EmbeddedFile, offset: int) -> HoverResult | None:
    at = _at(ef, offset)
    if at is None:
        return None
    h = metta_hover(ef.models, *at)
    if h is None:
        return None
    md, s, e = h
    ps, pe = ef.docs[at[0]].range_to_host(s, e)
    return HoverResult(md, ps, pe)


def prepare_rename(ef: EmbeddedFile, offset: int) -> PrepareResult | None:
    at = _at(ef, offset)
    if at is None:
        return None
    p = metta_prepare_rename(ef.models, *at)
    if p is None:
        return None
    s, e, name = p
    ps, pe = ef.docs[at[0]].range_to_host(s, e)
    return PrepareResult(ps, pe, name)


def rename(ef: EmbeddedFile, offset: int, new_name: str) -> list[TextEdit]:
    """Parent edits; the new text is escaped for the Rholang literal it goes into."""
    at = _at(ef, offset)
    if at is None:
        return []
    try:
        edits = metta_rename(ef.models, *at, new_name)
    except MettaRenameError as e:
        raise RenameError(str(e)) from None
    esc = rholang_escape if not ef.standalone else _identity
    return sorted({TextEdit(*_span(ef, loc), esc(text)) for loc, text in edits})


def _identity(text: str) -> str:
    return text


def rholang_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def diagnostics(ef: EmbeddedFile) -> list[Diagnostic]:
    """The regions' syntax and semantic diagnostics, in parent offsets; a diagnostic
    that may be caused by a spliced value (across a hole) is left out."""
    out: list[Diagnostic] = []
    for d in ef.docs:
        holes = d.map.hole_offsets
        m = d.model
        for diag in [*m.parse.diagnostics, *m.diagnostics]:
            if holes and (
                (diag.code in _FORWARD and any(h >= diag.start for h in holes))
                or (diag.code in _BACKWARD and any(h < diag.start for h in holes))
            ):
                continue
            out.append(_mapped(d, diag))
    return out


def _mapped(d: VirtualDocument, diag: Diagnostic) -> Diagnostic:
    s, e = d.range_to_host(diag.start, diag.end)
    related = tuple(
        Related(*d.range_to_host(r.start, r.end), r.message, r.uri) for r in diag.related
    )
    return Diagnostic(
        s, e, diag.severity, diag.message, diag.code, diag.source, related, diag.tags, diag.data
    )


def semantic_tokens(ef: EmbeddedFile, host_tokens: list[SemToken]) -> list[SemToken]:
    """The parent's tokens with each region's string literals replaced by the MeTTa
    tokens of their content (the quotes stay strings)."""
    if not ef.docs:
        return host_tokens
    inserted: list[SemToken] = []
    covered: list[tuple[int, int]] = []
    for i, d in enumerate(ef.docs):
        for s, e in d.region.parts:
            covered.append((s, e))
            inserted.append((s, 1, T_STRING, 0))
            if e - s >= 2 and ef.text[e - 1] == '"':
                inserted.append((e - 1, 1, T_STRING, 0))
        contents = [
            (s + 1, e - 1 if e - s >= 2 and ef.text[e - 1] == '"' else e) for s, e in d.region.parts
        ]
        for vs, n, typ, mods in metta_semantic_tokens(ef.models, i):
            ps, pe = d.range_to_host(vs, vs + n)
            # a token of two literals joined directly (`"ab" ++ "cd"`): one piece per literal
            for cs, ce in contents:
                s, e = max(ps, cs), min(pe, ce)
                if e > s:
                    inserted.append((s, e - s, typ, mods))
    covered.sort()
    kept = [t for t in host_tokens if not _inside(t[0], t[0] + t[1], covered)]
    merged = kept + inserted
    merged.sort(key=lambda t: (t[0], t[1]))
    return merged


def _inside(s: int, e: int, spans: list[tuple[int, int]]) -> bool:
    return any(ps <= s and e <= pe for ps, pe in spans)


def folding(ef: EmbeddedFile, line_of: Callable[[int], int]) -> list[FoldRange]:
    """Multi-line MeTTa expressions, by parent lines (the closing line stays visible)."""
    out: set[FoldRange] = set()
    for d in ef.docs:
        for vopen, vclose in metta_folding(d.model):
            s = line_of(d.to_host(vopen))
            e = line_of(d.to_host(vclose)) - 1
            if e > s:
                out.add(FoldRange(s, e))
    return sorted(out)


def outline(ef: EmbeddedFile, host: list[DocSymbol]) -> list[DocSymbol]:
    """The parent's outline with one node per region ("MeTTa"), holding its functions,
    placed under the innermost parent symbol that contains the region."""
    if ef.standalone:
        d = ef.docs[0]
        return [_mapped_symbol(d, s) for s in metta_symbols(d.model)]
    for d in ef.docs:
        kids = [_mapped_symbol(d, s) for s in metta_symbols(d.model)]
        first_s, first_e = d.region.parts[0]
        node = DocSymbol(
            "MeTTa",
            SK_NAMESPACE,
            d.region.start,
            d.region.end,
            first_s,
            first_e,
            detail=f"embedded ({d.region.kind})",
            children=kids,
        )
        _insert(host, node)
    return host


def _mapped_symbol(d: VirtualDocument, s: DocSymbol) -> DocSymbol:
    start, end = d.range_to_host(s.start, s.end)
    ss, se = d.range_to_host(s.sel_start, s.sel_end)
    return DocSymbol(
        s.name,
        s.kind,
        start,
        end,
        ss,
        se,
        s.detail,
        [_mapped_symbol(d, c) for c in s.children],
    )


def _insert(level: list[DocSymbol], node: DocSymbol) -> None:
    while True:
        holder = next((s for s in level if s.start <= node.start and node.end <= s.end), None)
        if holder is None:
            level.append(node)
            level.sort(key=lambda s: s.start)
            return
        level = holder.children
