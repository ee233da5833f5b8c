"""Definition, declaration, references, rename, highlight, hover and symbols as pure functions."""

from __future__ import annotations

import re

import pytest

from rholang_lsp.features.definition import declaration, definition
from rholang_lsp.features.highlight import HL_READ, HL_WRITE, document_highlights
from rholang_lsp.features.hover import hover
from rholang_lsp.features.references import references
from rholang_lsp.features.rename import RenameError, prepare_rename, rename
from rholang_lsp.features.symbols import document_symbols, workspace_symbols
from rholang_lsp.features.target import Location
from rholang_lsp.semantics.diagnostics import semantic_diagnostics
from rholang_lsp.syntax import parse
from rholang_lsp.syntax.diagnostic import Severity
from rholang_lsp.workspace.analysis import summarize_text
from rholang_lsp.workspace.index import WorkspaceIndex
from rholang_lsp.workspace.snapshot import SimpleDocument, Snapshot

MARK = re.compile(r"«([A-Za-z0-9_]+):([^»]*)»")


class World:
    """Marked files -> a snapshot; labels are (uri, start, end)."""

    def __init__(self, files: dict[str, str], *, closed: tuple[str, ...] = ()) -> None:
        self.labels: dict[str, tuple[str, int, int]] = {}
        self.texts: dict[str, str] = {}
        for rel, marked in files.items():
            uri = "file:///ws/" + rel
            out = ""
            pos = 0
            for m in MARK.finditer(marked):
                out += marked[pos : m.start()]
                self.labels[m.group(1)] = (uri, len(out), len(out) + len(m.group(2)))
                out += m.group(2)
                pos = m.end()
            self.texts[uri] = out + marked[pos:]
        self.index = WorkspaceIndex()
        docs = {}
        for uri, text in self.texts.items():
            if uri.rsplit("/", 1)[-1] in closed:
                self.index.update(uri, summarize_text(uri, text))
            else:
                docs[uri] = SimpleDocument(uri, text, 1)
        self.snap = Snapshot(docs, self.index, loader=self.texts.get)

    def at(self, label: str, plus: int = 0) -> tuple[str, int]:
        uri, s, _ = self.labels[label]
        return uri, s + plus

    def loc(self, label: str) -> Location:
        return Location(*self.labels[label])


G4 = {
    "foo.rho": "new «f0:foo» in {\n  contract «f1:foo»(@x) = { Nil } |\n  «f2:foo»!(42)\n}",
}


def test_definition_vs_declaration_for_new_bound_contract() -> None:
    w = World(G4)
    assert definition(w.snap, *w.at("f2")) == [w.loc("f1")]
    assert declaration(w.snap, *w.at("f2")) == [w.loc("f0")]
    # clicking the contract name itself returns a location (itself)
    assert definition(w.snap, *w.at("f1")) == [w.loc("f1")]
    # a cursor right after the identifier still resolves
    assert definition(w.snap, *w.at("f2", 3)) == [w.loc("f1")]


def test_references_include_declaration_omits_exactly_the_binder() -> None:
    w = World(G4)
    assert references(w.snap, *w.at("f2")) == sorted([w.loc("f0"), w.loc("f1"), w.loc("f2")])
    assert references(w.snap, *w.at("f2"), include_declaration=False) == sorted(
        [w.loc("f1"), w.loc("f2")]
    )


def test_overloads_by_literal_pattern_and_arity() -> None:
    text = (
        "new process, add in {\n"
        "  contract «p42:process»(@42) = { Nil } |\n"
        '  contract «phello:process»(@"hello") = { Nil } |\n'
        "  contract «a1:add»(@10, @20) = { Nil } |\n"
        "  contract «a2:add»(@5, @15) = { Nil } |\n"
        "  contract «a3:add»(@x) = { Nil } |\n"
        '  «c1:process»!(42) | «c2:process»!("hello") | «c3:process»!("other") |\n'
        "  «c4:add»!(5, 15) | «c5:add»!(1) | «c6:add»!(1, 2, 3)\n}"
    )
    w = World({"o.rho": text})
    assert definition(w.snap, *w.at("c1")) == [w.loc("p42")]
    assert definition(w.snap, *w.at("c2")) == [w.loc("phello")]
    # no literal matches: every candidate of that arity
    assert definition(w.snap, *w.at("c3")) == [w.loc("p42"), w.loc("phello")]
    assert definition(w.snap, *w.at("c4")) == [w.loc("a2")]
    assert definition(w.snap, *w.at("c5")) == [w.loc("a3")]
    # no arity matches: fall back to all candidates
    assert len(definition(w.snap, *w.at("c6"))) == 3


QUOTED = {
    "contract.rho": (
        "// contract.rho\n/// Greets people.\n/// @param x where to answer\n"
        'contract @"«oc:otherContract»"(x) = { x!("Hello World!") }\n'
        'contract @"«mc:myContract»"(y) = { Nil }'
    ),
    "usage.rho": (
        '// usage.rho\nnew x in { @"«mu:myContract»"!("foo") }\n'
        'new y in { «at:@»"«ou:otherContract»"!(*y) }'
    ),
}


@pytest.mark.parametrize("closed", [(), ("contract.rho",)])
def test_quoted_names_across_files(closed: tuple[str, ...]) -> None:
    w = World(QUOTED, closed=closed)
    assert definition(w.snap, *w.at("ou")) == [w.loc("oc")]
    assert definition(w.snap, *w.at("mu")) == [w.loc("mc")]
    assert definition(w.snap, *w.at("at")) == [w.loc("oc")]
    assert declaration(w.snap, *w.at("ou")) == [w.loc("oc")]
    refs = references(w.snap, *w.at("oc"))
    assert refs == sorted([w.loc("oc"), w.loc("ou")])
    assert references(w.snap, *w.at("oc"), include_declaration=False) == [w.loc("ou")]
    h = hover(w.snap, *w.at("ou"))
    assert h is not None
    assert "Greets people." in h.markdown and "**x**" in h.markdown
    assert "declared in contract.rho" in h.markdown


def test_rename_quoted_name_across_files() -> None:
    w = World(QUOTED)
    prep = prepare_rename(w.snap, *w.at("ou"))
    assert prep is not None and prep.placeholder == "otherContract"
    edits = rename(w.snap, *w.at("ou"), "greeter")
    assert edits is not None
    got = {(u, e.start, e.end, e.new_text) for u, es in edits.items() for e in es}
    assert got == {(*w.labels["oc"], "greeter"), (*w.labels["ou"], "greeter")}
    with pytest.raises(RenameError):
        rename(w.snap, *w.at("ou"), 'bad"name')


def test_rename_local_is_scope_correct_and_validated() -> None:
    w = World({"r.rho": "new «c0:chan» in { «c1:chan»!() | new chan in { chan!() } }"})
    edits = rename(w.snap, *w.at("c1"), "outerChan")
    assert edits is not None
    (uri,) = edits
    assert [(e.start, e.end) for e in edits[uri]] == [w.labels["c0"][1:], w.labels["c1"][1:]]
    for bad in ("new", "Nil", "1abc", "a-b", "_", ""):
        with pytest.raises(RenameError):
            rename(w.snap, *w.at("c1"), bad)
    assert prepare_rename(w.snap, *w.at("c1")) is not None


def test_highlight_write_and_read_kinds() -> None:
    w = World(
        {"h.rho": "new «x0:x» in { «x1:x»!() | for (@«y0:y» <- «x2:x») { «x3:x»!(«y1:y») } }"}
    )
    hs = document_highlights(w.snap, *w.at("x1"))
    assert [(h.start, h.kind) for h in hs] == [
        (w.labels["x0"][1], HL_WRITE),
        (w.labels["x1"][1], HL_READ),
        (w.labels["x2"][1], HL_READ),
        (w.labels["x3"][1], HL_READ),
    ]
    assert [h.kind for h in document_highlights(w.snap, *w.at("y1"))] == [HL_WRITE, HL_READ]


def test_hover_system_uri_and_structured_docs() -> None:
    text = (
        "new «out:out»(«u:`rho:io:stdout`») in {\n"
        "/// Authenticates a user with credentials\n/// @param username The user's login name\n"
        "/// @return a token\n"
        "contract «auth:authenticate»(@username, @password) = { out!(username) } }"
    )
    w = World({"h.rho": text})
    h = hover(w.snap, *w.at("u", 3))
    assert h is not None and "rho:io:stdout" in h.markdown and "standard output" in h.markdown
    h = hover(w.snap, *w.at("out"))
    assert h is not None and "standard output" in h.markdown
    h = hover(w.snap, *w.at("auth", 2))
    assert h is not None
    for piece in (
        "authenticate",
        "Authenticates a user with credentials",
        "## Parameters",
        "**username**",
        "login name",
        "## Returns",
    ):
        assert piece in h.markdown


def test_document_symbols_hierarchy() -> None:
    # declarations, not statements: no `new` / `for` nodes, no receive binders
    text = "new out in {\n contract foo(x, ...@rest) = { for (@a <- x; @b <- x) { out!(a, b) } }\n}"
    w = World({"s.rho": text})
    out, foo = document_symbols(w.snap, "file:///ws/s.rho")
    assert out.name == "out" and not out.children
    assert foo.kind == 12 and foo.detail == "contract foo(x, ...@rest)"
    assert [c.name for c in foo.children] == ["x", "rest"]
    for d in (out, foo, *foo.children):
        assert d.start <= d.sel_start <= d.sel_end <= d.end


def test_workspace_symbols_fuzzy_best_first() -> None:
    files = {
        "a.rho": "new getBalance, g in { contract getBalance(r) = { Nil } | g!(1) }",
        "b.rho": 'contract @"gameBoard"(x) = { Nil } | contract @"transfer"(y) = { Nil }',
        "c.rho": "new bigGreenBox in { bigGreenBox!(1) }",
    }
    w = World(files, closed=("b.rho", "c.rho"))
    names = [h.symbol.name for h in workspace_symbols(w.snap, "gb")]
    # word starts g-B, shortest first; `bigGreenBox` only matches from inside its first word
    assert names == ["gameBoard", "getBalance", "bigGreenBox"]
    assert "transfer" not in names
    assert [h.symbol.name for h in workspace_symbols(w.snap, "GETBAL")] == ["getBalance"]
    # a `new` name implemented by a contract is listed once (as the contract)
    assert len(workspace_symbols(w.snap, "")) == 5


def test_free_names_navigate_to_same_spelling_contracts() -> None:
    w = World(
        {
            "g1.rho": "contract «c:myContract»() = { Nil }\nnew chan in { «u:myContract»!() | chan!() }"
        }
    )
    assert definition(w.snap, *w.at("u")) == [w.loc("c")]
    h = hover(w.snap, *w.at("c"))
    assert h is not None and "myContract" in h.markdown


def test_cross_file_hint_for_plain_contract_names() -> None:
    w = World(
        {
            "contract.rho": "contract «c:myContract»(y) = { Nil }",
            "usage.rho": "new x in { «u:myContract»!(*x) }",
        },
        closed=("contract.rho",),
    )
    uri = "file:///ws/usage.rho"
    ds = semantic_diagnostics(parse(w.texts[uri]), uri=uri, index=w.snap)
    at_use = [d for d in ds if (d.start, d.end) == w.labels["u"][1:]]
    assert {d.severity for d in at_use} == {Severity.ERROR, Severity.HINT}
    hint = next(d for d in at_use if d.severity == Severity.HINT)
    assert '@"myContract"' in hint.message
    assert hint.related[0].uri == "file:///ws/contract.rho"
    assert (hint.related[0].start, hint.related[0].end) == w.labels["c"][1:]


def test_global_arity_warning_uses_the_index() -> None:
    w = World(
        {
            "c.rho": 'contract @"svc"(@a, ret) = { Nil }',
            "u.rho": 'new r in { «s:@"svc"»!(1) | @"svc"!(1, *r) }',
        },
        closed=("c.rho",),
    )
    uri = "file:///ws/u.rho"
    ds = [
        d
        for d in semantic_diagnostics(parse(w.texts[uri]), uri=uri, index=w.snap)
        if d.code == "arity-mismatch"
    ]
    assert [(d.start, d.end) for d in ds] == [w.labels["s"][1:]]


def test_open_document_overrides_index() -> None:
    w = World(
        {"c.rho": 'contract @"svc"(x) = { Nil }', "u.rho": 'new r in { @"svc"!(*r) }'},
        closed=("c.rho",),
    )
    # the user edits c.rho in the editor: the open text wins over the stale index entry
    w.snap.documents["file:///ws/c.rho"] = SimpleDocument(  # type: ignore[index]
        "file:///ws/c.rho", '\n\ncontract @"svc"(x) = { Nil }', 2
    )
    uri = "file:///ws/u.rho"
    (loc,) = definition(w.snap, uri, w.texts[uri].index("svc"))
    assert (
        loc.uri == "file:///ws/c.rho" and loc.start == w.texts["file:///ws/c.rho"].index("svc") + 2
    )


def test_requests_on_broken_files_answer_for_parsed_parts() -> None:
    w = World({"b.rho": "new «x0:x» in {\n  «x1:x»!(42\n}\nnew y in { y!( }"})
    assert definition(w.snap, *w.at("x1")) == [w.loc("x0")]
    assert references(w.snap, *w.at("x0")) == [w.loc("x0"), w.loc("x1")]
    assert document_symbols(w.snap, "file:///ws/b.rho")


def test_cursor_on_a_prefix_resolves_the_identifier() -> None:
    w = World(
        {"p.rho": "new out in { for (@«m0:message» <- out) { out!(«m1:message») | out!(*out) } }"}
    )
    uri, s = w.at("m0")
    assert definition(w.snap, uri, s - 1) == [w.loc("m0")]  # on the `@`
    text = w.texts[uri]
    star = text.index("*out")
    (loc,) = declaration(w.snap, uri, star)
    assert text[loc.start : loc.end] == "out" and loc.start == text.index("out")


def test_sync_send_overloads_use_method_sugar() -> None:
    # `obj!set(1)` is `obj!?("set", 1)`, which sends `(*reply, "set", 1)`: the reply
    # channel is the FIRST formal (RNode's PSendSynchNormalizer prepends it)
    text = (
        'new obj in { contract «g:obj»(ret, @"get") = { Nil } | contract «s:obj»(ret, @"set", @v) = { Nil } |\n'
        "  obj!get(). | «c:obj»!set(1). }"
    )
    w = World({"s.rho": text})
    assert definition(w.snap, *w.at("c")) == [w.loc("s")]


def test_sync_send_overload_choice_puts_the_reply_channel_first() -> None:
    text = (
        "new api in {\n"
        '  contract «get:api»(ret, @"get") = { Nil } |\n'
        '  contract «put:api»(ret, @"put") = { Nil } |\n'
        '  contract «last:api»(@"get", ret) = { Nil } |\n'
        '  «c1:api»!?("get") | «c2:api»!?("put") | «c3:api»!("get", *api)\n}'
    )
    w = World({"s.rho": text})
    assert definition(w.snap, *w.at("c1")) == [w.loc("get")]
    assert definition(w.snap, *w.at("c2")) == [w.loc("put")]
    assert definition(w.snap, *w.at("c3")) == [w.loc("last")]
