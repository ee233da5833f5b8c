from __future__ import annotations

from tests.semantics.checks.support import diags

from rholang_lsp.syntax.diagnostic import Severity

_AGENT_OK = (
    "new A in { agent A { constructor(@i) { this!(i) } | method get() { return!(1) }"
    " | private method p() { Nil } | private default(...@a) { Nil }"
    " | default(...@args) { Nil } } }"
)


def _agent_codes(text: str) -> list[tuple[str, str]]:
    return [(d.code, text[d.start : d.end]) for d in diags(text) if d.code.startswith("agent-")]


def test_valid_agent_has_no_agent_errors() -> None:
    assert _agent_codes(_AGENT_OK) == []


def test_agent_missing_constructor_and_default() -> None:
    assert _agent_codes("new A in { agent A { default(...@a) { Nil } } }") == [
        ("agent-missing-constructor", "A")
    ]
    assert _agent_codes("new A in { agent A { constructor() { Nil } } }") == [
        ("agent-missing-default", "A")
    ]
    # a private default does not count as the public one
    text = "new A in { agent A { constructor() { Nil } | private default(x) { Nil } } }"
    assert _agent_codes(text) == [("agent-missing-default", "A")]


def test_agent_private_method_needs_private_default() -> None:
    text = (
        "new A in { agent A { constructor() { Nil } | private method m() { Nil }"
        " | default(...@a) { Nil } } }"
    )
    found = [d for d in diags(text) if d.code == "agent-missing-private-default"]
    assert len(found) == 1 and text[found[0].start : found[0].end] == "A"
    assert found[0].severity == Severity.ERROR
    assert [text[r.start : r.end] for r in found[0].related] == ["m"]


def test_agent_duplicate_declarations() -> None:
    text = (
        "new A in { agent A { constructor() { Nil } | constructor(x) { Nil }"
        " | method m() { Nil } | method m(y) { Nil } | private method m() { Nil }"
        " | private default(z) { Nil } | private default(w) { Nil }"
        " | default(...@a) { Nil } | default(...@b) { Nil } } }"
    )
    dups = [text[d.start : d.end] for d in diags(text) if d.code == "agent-duplicate-declaration"]
    # a public and a private method may share a name (two dispatchers)
    assert dups == ["constructor", "method m", "private default", "default"]


def test_agent_private_constructor_is_an_error() -> None:
    text = "new A in { agent A { private constructor() { Nil } | default(x) { Nil } } }"
    assert _agent_codes(text) == [("agent-private-constructor", "private")]
