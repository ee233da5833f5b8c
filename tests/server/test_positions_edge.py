"""The LSP edge (``server.positions``): documents by uri, closed files, embedded documents."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given
from hypothesis import strategies as st

from rholang_lsp.protocol.lsp import Position, Range
from rholang_lsp.server.positions import DocumentPositions, Positions
from rholang_lsp.syntax.line_index import LineIndex
from rholang_lsp.workspace.documents import TextDocument

HOST = "file:///w/host.rho"
VIRTUAL = HOST + "#metta:0"


@dataclass
class Region:
    """An embedded document: the content of one string literal of the host (no escapes)."""

    host_uri: str
    start: int  # host offset of the region's first character
    length: int

    def to_host(self, offset: int) -> int:
        return self.start + min(max(offset, 0), self.length)

    def from_host(self, offset: int) -> int:
        return min(max(offset - self.start, 0), self.length)


def _host(text: str) -> tuple[dict[str, TextDocument], Region]:
    """The host document and its last string literal as the embedded region."""
    start = text.rindex('"', 0, text.rindex('"')) + 1
    end = text.rindex('"')
    return {HOST: TextDocument(HOST, text)}, Region(HOST, start, end - start)


def test_embedded_document_converts_in_host_coordinates() -> None:
    text = 'new é😀 in {\n  @"rho:metta:compile"!("(= (f $x)\n   (g $x))")\n}'
    docs, region = _host(text)
    positions = Positions("utf-16", docs, embedded=lambda u: region if u == VIRTUAL else None)
    emb = positions.document(VIRTUAL)
    assert emb is not None and emb.uri == HOST
    inner = text[region.start : region.start + region.length]
    off = inner.index("(g")
    host_off = region.start + off
    want = LineIndex(text).position(host_off, "utf-16")
    assert emb.position(off) == Position(*want)
    loc = positions.location(VIRTUAL, off, off + 2)
    assert loc is not None and loc.uri == HOST
    assert loc.range.start == Position(*want)
    # positions coming in, in the host's coordinates, land in the region's text
    assert emb.offset(Position(*want)) == off
    assert emb.offsets(Range(Position(*want), Position(0, 0))) == (0, off)  # clamped, swapped


def test_unknown_documents_are_dropped_and_closed_need_a_snapshot() -> None:
    positions = Positions("utf-16", {})
    assert positions.document("file:///nowhere.rho") is None
    assert positions.location("file:///nowhere.rho", 0, 1) is None
    assert positions.locations([("file:///nowhere.rho", 0, 1)]) == []


@given(
    st.text(alphabet=st.sampled_from(list('ab\n"é😀𝄞 ')), max_size=40),
    st.text(alphabet=st.sampled_from(list("ab\né😀𝄞 ($)")), max_size=30),
    st.sampled_from(["utf-8", "utf-16", "utf-32"]),
)
def test_embedded_round_trip(before: str, inner: str, enc: str) -> None:
    before = before.replace('"', "")
    text = before + '"' + inner + '"\n'
    docs, region = _host(text)
    positions = Positions(enc, docs, embedded=lambda u: region if u == VIRTUAL else None)
    emb = positions.document(VIRTUAL)
    host = positions.document(HOST)
    assert emb is not None and host is not None
    for off in range(len(inner) + 1):
        pos = emb.position(off)
        assert pos == host.position(region.start + off)
        if not (0 < off and inner[off - 1 : off + 1] == "\r\n"):
            assert emb.offset(pos) == off


def test_document_positions_of_a_line_map_load_the_index_for_input_only() -> None:
    text = "a\nbé😀c"
    loads: list[int] = []

    def load() -> LineIndex:
        loads.append(1)
        return LineIndex(text)

    doc = DocumentPositions("file:///c.rho", "utf-16", LineIndex(text), load_index=load)
    assert doc.position(len(text)) == Position(1, 5)
    assert loads == []  # output needs only the line map
    assert doc.offset(Position(1, 4)) == text.index("c")
    assert loads == [1]
