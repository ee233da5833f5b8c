"""The MeTTa lexer and parser: lossless, never raising, the syntax of hyperon-experimental."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rholang_lsp.syntax.metta import HOLE_CHAR, MettaExpr, MettaKind, MettaToken, parse_metta

K = MettaKind


def kinds(text: str) -> list[tuple[str, str]]:
    return [(t.kind.name, t.text) for t in parse_metta(text).tokens if t.kind != K.WHITESPACE]


def test_tokens_of_each_kind() -> None:
    assert kinds('(= (f $x) "s\\"q") ; note\n!(f 1.5) &self -3 a;b') == [
        ("LPAREN", "("),
        ("SYMBOL", "="),
        ("LPAREN", "("),
        ("SYMBOL", "f"),
        ("VARIABLE", "$x"),
        ("RPAREN", ")"),
        ("STRING", '"s\\"q"'),
        ("RPAREN", ")"),
        ("COMMENT", "; note"),
        ("SYMBOL", "!"),
        ("LPAREN", "("),
        ("SYMBOL", "f"),
        ("NUMBER", "1.5"),
        ("RPAREN", ")"),
        ("SYMBOL", "&self"),
        ("NUMBER", "-3"),
        ("SYMBOL", "a"),  # a word ends at `;` (hyperon's parse_word)
        ("COMMENT", ";b"),
    ]


def test_variable_ends_at_parens_not_at_semicolon() -> None:
    # hyperon's parse_variable stops at whitespace and parentheses only
    assert kinds("($a;b)") == [("LPAREN", "("), ("VARIABLE", "$a;b"), ("RPAREN", ")")]


def test_nesting_and_top_level_evaluation() -> None:
    p = parse_metta("(= (f $x) (g (h $x)))\n!(f 1)\nfoo")
    assert len(p.items) == 3
    first = p.items[0].atom
    assert isinstance(first, MettaExpr) and first.close is not None
    assert [type(i).__name__ for i in first.items] == ["MettaToken", "MettaExpr", "MettaExpr"]
    assert p.items[1].bang is not None and p.items[1].bang.text == "!"
    assert isinstance(p.items[2].atom, MettaToken) and p.items[2].bang is None
    assert p.diagnostics == []


def test_unbalanced_parens_are_reported_and_recovered() -> None:
    p = parse_metta("(a (b)\n) )\n(c")
    codes = [(d.code, d.start) for d in p.diagnostics]
    assert codes == [("metta-stray-paren", 9), ("metta-unclosed-paren", 11)]
    assert len(p.items) == 2


def test_unterminated_string_and_bad_escape() -> None:
    p = parse_metta('(a "x\\q y')
    codes = sorted(d.code for d in p.diagnostics)
    assert codes == ["metta-bad-escape", "metta-unclosed-paren", "metta-unterminated-string"]
    ok = parse_metta('"\\x41 \\u{1F600} \\n \\t \\\\ \\""')
    assert ok.diagnostics == []
    assert [d.code for d in parse_metta('"\\xFF"').diagnostics] == ["metta-bad-escape"]


def test_hash_in_variable_is_reserved() -> None:
    assert [d.code for d in parse_metta("$a#b").diagnostics] == ["metta-reserved-char"]


def test_hole_character_only_in_embedded_mode() -> None:
    text = f"(f {HOLE_CHAR} x)"
    assert ("HOLE", HOLE_CHAR) in kinds_holes(text)
    assert all(k != "HOLE" for k, _ in kinds(text))


def kinds_holes(text: str) -> list[tuple[str, str]]:
    return [(t.kind.name, t.text) for t in parse_metta(text, holes=True).tokens]


def test_deep_nesting_does_not_recurse() -> None:
    p = parse_metta("(" * 50_000 + ")" * 50_000)
    assert p.diagnostics == [] and len(p.items) == 1


_ALPHABET = st.sampled_from(list('()$";\\ \n\tabx=!&1.-#é😀') + [HOLE_CHAR, "\r"])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_ALPHABET, max_size=60).map("".join), st.booleans())
def test_lossless_and_never_raises(text: str, holes: bool) -> None:
    p = parse_metta(text, holes=holes)
    assert "".join(t.text for t in p.tokens) == text
    pos = 0
    for t in p.tokens:
        assert t.start == pos and t.text
        pos = t.end
    for d in p.diagnostics:
        assert 0 <= d.start <= d.end <= len(text)
    # the items partition the significant tokens in order
    starts = [it.start for it in p.items]
    assert starts == sorted(starts)
