"""Embedded MeTTa: detection of each form in a Rholang tree and the exact offset map."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rholang_lsp.semantics.binder import Binder
from rholang_lsp.semantics.embedded import Region, detect_metta_regions, virtual_text
from rholang_lsp.syntax import parse
from rholang_lsp.syntax.metta import HOLE_CHAR


def regions(text: str) -> list[tuple[str, list[str], str]]:
    p = parse(text)
    out = []
    for r in detect_metta_regions(p, Binder(p).run()):
        out.append((r.kind, [text[s:e] for s, e in r.parts], virtual_text(text, r).text))
    return out


def test_directive_above_a_send_targets_the_literal_not_the_channel() -> None:
    text = '// @metta\n@"scratch"!("(= (f) 1)")\n'
    assert regions(text) == [("directive", ['"(= (f) 1)"'], "(= (f) 1)")]
    text2 = 'new x in {\n  // @language: metta\n  x!("(g)")\n}'
    assert regions(text2) == [("directive", ['"(g)"'], "(g)")]


def test_directive_separated_by_a_blank_line_does_not_count() -> None:
    assert regions('// @metta\n\nx!("(g)")') == []


def test_quoted_and_new_bound_channels() -> None:
    text = (
        "new mc(`rho:metta:compile`), out(`rho:io:stdout`), ret in {\n"
        '  mc!("(= (f $x) $x)", *ret) | @"rho:metta:eval"!("!(f 1)") | out!("(not)")\n'
        '  | @"rho:metta:compile:sync"!?("(h)"). \n'
        "}"
    )
    assert regions(text) == [
        ("channel", ['"(= (f $x) $x)"'], "(= (f $x) $x)"),
        ("channel", ['"!(f 1)"'], "!(f 1)"),
        ("channel", ['"(h)"'], "(h)"),
    ]


def test_flow_through_a_received_name() -> None:
    text = 'for (repl <- @"rho:metta:repl") { for (r2 <- repl) { r2!("(a)") } | repl!("(b)") }'
    assert regions(text) == [("flow", ['"(a)"'], "(a)"), ("flow", ['"(b)"'], "(b)")]


def test_shadowed_name_is_not_a_metta_channel() -> None:
    text = 'new mc(`rho:metta:compile`) in { new mc in { mc!("(= (f) 1)") } }'
    assert regions(text) == []


def test_concatenation_with_holes() -> None:
    text = 'new body in { @"rho:metta:compile"!("(= (f $x) " ++ *body ++ ")" ++ "!(f 1)") }'
    [(kind, parts, vtext)] = regions(text)
    assert kind == "channel"
    assert parts == ['"(= (f $x) "', '")"', '"!(f 1)"']
    assert vtext == f"(= (f $x) {HOLE_CHAR})!(f 1)"


def test_no_mention_of_metta_costs_nothing() -> None:
    assert regions('new out(`rho:io:stdout`) in { out!("(= (f) 1)") }') == []


def test_escapes_and_non_ascii_decode_with_exact_map() -> None:
    text = 'x!("é😀") | @"rho:metta:eval"!("(say \\"hé\\" \\\\ 😀)\\n; c")'
    [(_, _, vtext)] = regions(text)
    assert vtext == '(say "hé" \\ 😀)\n; c'
    p = parse(text)
    [r] = detect_metta_regions(p, Binder(p).run())
    m = virtual_text(text, r)
    # each virtual character maps to the parent characters it was decoded from
    q = vtext.index('"')
    s, e = m.range_to_parent(q, q + 1)
    assert text[s:e] == '\\"'
    s, e = m.range_to_parent(vtext.index("😀"), vtext.index("😀") + 1)
    assert text[s:e] == "😀"
    assert m.to_virtual(text.index("hé")) == vtext.index("hé")
    assert m.to_virtual(text.index('"(say')) is None  # the opening quote is Rholang


_PIECES = st.sampled_from(["a", "é", "😀", " ", "(", ")", "$x", '\\"', "\\\\", "\\n", "\\t", "\n"])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(_PIECES, max_size=12).map("".join), min_size=1, max_size=3))
def test_offset_map_round_trips(literals: list[str]) -> None:
    prefix = "new y in { // é😀\n  "
    body = " ++ *y ++ ".join(f'"{lit}"' for lit in literals)
    text = prefix + f'@"rho:metta:eval"!({body})' + "\n}"
    p = parse(text)
    [r] = detect_metta_regions(p, Binder(p).run())
    assert isinstance(r, Region) and len(r.parts) == len(literals)
    m = virtual_text(text, r)
    assert m.text.count(HOLE_CHAR) == len(literals) - 1
    for v in range(len(m.text)):
        s, e = m.range_to_parent(v, v + 1)
        ch = m.text[v]
        if ch == HOLE_CHAR:
            assert text[s:e] == "*y"
            continue
        raw = text[s:e]
        assert raw == ch or (raw[0] == "\\" and len(raw) == 2)
        assert m.to_virtual(s) == v
        assert m.to_parent(v) == s
    for _s, e in r.parts:
        assert m.to_virtual(e - 1) is not None  # the closing quote: just after the content
