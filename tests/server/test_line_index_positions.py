from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rholang_lsp.syntax.line_index import LineIndex
from rholang_lsp.workspace.documents import TextDocument

TEXT = "a😀b\r\nxé\rz\n\n𝄞q"


def test_line_breaks_crlf_cr_lf() -> None:
    idx = LineIndex(TEXT)
    assert idx.line_count == 5
    assert [idx.line_start(i) for i in range(5)] == [0, 5, 8, 10, 11]
    assert idx.position(TEXT.index("z")) == (2, 0)
    assert idx.position(4) == (
        0,
        4,
    )  # offset of "\r" = end of line 0 content (utf-16: a=1, 😀=2, b=1)
    assert idx.position(5) == (1, 0)


@pytest.mark.parametrize(("enc", "col_b"), [("utf-16", 3), ("utf-8", 5), ("utf-32", 2)])
def test_astral_columns(enc: str, col_b: int) -> None:
    idx = LineIndex(TEXT)
    b = TEXT.index("b")
    assert idx.position(b, enc) == (0, col_b)
    assert idx.offset(0, col_b, enc) == b


def test_position_inside_astral_char_rounds_down() -> None:
    idx = LineIndex(TEXT)
    assert idx.offset(0, 2, "utf-16") == 1  # middle of the surrogate pair -> start of 😀
    assert idx.offset(0, 3, "utf-8") == 1


def test_clamping() -> None:
    idx = LineIndex(TEXT)
    assert idx.offset(0, 99) == 3  # past the line end -> before "\r\n"
    assert idx.offset(99, 0) == len(TEXT)
    assert idx.offset(-1, 5) == 0
    assert idx.offset(1, -3) == 5
    assert idx.position(-5) == (0, 0)
    assert idx.position(10**6) == idx.position(len(TEXT))
    assert LineIndex("").position(3) == (0, 0)


@given(
    st.text(alphabet=st.sampled_from(list("ab\r\né😀𝄞 \t")), max_size=60),
    st.sampled_from(["utf-8", "utf-16", "utf-32"]),
)
def test_round_trip(text: str, enc: str) -> None:
    idx = LineIndex(text)
    for off in range(len(text) + 1):
        line, col = idx.position(off, enc)
        back = idx.offset(line, col, enc)
        # offsets inside a CRLF map to the line end; all others round-trip exactly
        if off < len(text) and off > 0 and text[off - 1] == "\r" and text[off] == "\n":
            assert back == off - 1
        else:
            assert back == off
        prefix = text[idx.line_start(line) : off]
        expected = {
            "utf-8": len(prefix.encode()),
            "utf-16": len(prefix.encode("utf-16-le")) // 2,
            "utf-32": len(prefix),
        }[enc]
        if not (off > 0 and off < len(text) and text[off - 1] == "\r" and text[off] == "\n"):
            assert col == expected


def _change(sl: int, sc: int, el: int, ec: int, text: str) -> dict[str, object]:
    return {
        "range": {"start": {"line": sl, "character": sc}, "end": {"line": el, "character": ec}},
        "text": text,
    }


def test_incremental_edits() -> None:
    doc = TextDocument("file:///a.rho", "new x in {\r\n  x!(😀)\r\n}", 1)
    doc.apply_changes([_change(1, 5, 1, 7, "1")], version=2)  # replace the emoji (2 utf-16 units)
    assert doc.text == "new x in {\r\n  x!(1)\r\n}" and doc.version == 2
    doc.apply_changes([_change(0, 0, 0, 0, "// c\n"), _change(3, 1, 3, 1, " |")])
    assert doc.text == "// c\nnew x in {\r\n  x!(1)\r\n} |"
    doc.apply_changes([{"text": "full"}])
    assert doc.text == "full"
    doc.apply_changes([_change(0, 9, 7, 0, "!")])  # clamped to the end
    assert doc.text == "full!"
    doc.apply_changes([_change(0, 4, 0, 1, "")])  # reversed range
    assert doc.text == "f!"


def test_incremental_edit_utf8_encoding() -> None:
    doc = TextDocument("file:///a.rho", "é😀x")
    doc.apply_change(_change(0, 2, 0, 6, "-"), "utf-8")
    assert doc.text == "é-x"
