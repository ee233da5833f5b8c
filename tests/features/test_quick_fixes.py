"""Quick fixes that do what the user meant (issue 14), on code in the style of the
RChain system contracts. Every fix is applied and the result analysed again: the
diagnostic it answers is gone and no new error or warning appears."""

from __future__ import annotations

from rholang_lsp.features.code_actions import CodeAction, code_actions
from rholang_lsp.features.formatting import apply_edits
from rholang_lsp.semantics.channel_names import conventional_names, conventional_uri
from rholang_lsp.semantics.spelling import closest, edit_distance
from rholang_lsp.semantics.system_channels import bindable_by_new, lookup
from rholang_lsp.syntax.diagnostic import Severity
from rholang_lsp.workspace.analysis import analyze


def _problems(src: str) -> list[tuple[str, str]]:
    a = analyze("file:///RevVault.rho", src)
    return [
        (d.code, src[d.start : d.end])
        for d in (*a.parse.diagnostics, *a.model.diagnostics)
        if d.severity in (Severity.ERROR, Severity.WARNING)
    ]


def actions(src: str) -> list[CodeAction]:
    a = analyze("file:///RevVault.rho", src)
    return [act for act in code_actions(a, 0, len(src)) if act.kind == "quickfix"]


def fixed(src: str, title: str, code: str) -> str:
    """Apply the fix titled ``title`` and check the result: ``code`` gone, nothing new."""
    acts = {act.title: act for act in actions(src)}
    assert title in acts, list(acts)
    out = apply_edits(src, acts[title].edits)
    before = _problems(src)
    after = _problems(out)
    assert not any(c == code for c, _ in after), after
    assert all(p in before for p in after), (before, after)
    return out


def preferred(src: str) -> list[str]:
    return [act.title for act in actions(src) if act.is_preferred]


VAULT = """new rl(`rho:registry:lookup`), revVaultCh, resultCh in {
  rl!(`rho:rchain:revVault`, *revVaultCh) |
  for (@(_, revVault) <- revVaultCh) {
    @revVault!("findOrCreate", "1111abc", *resultCh) |
    for (@result <- resltCh) { Nil }
  }
}
"""


def test_did_you_mean_is_first_and_only_preferred() -> None:
    acts = actions(VAULT)
    assert acts[0].title == "Change to `resultCh`" and acts[0].is_preferred
    assert preferred(VAULT) == ["Change to `resultCh`"]
    titles = [a.title for a in acts]
    assert titles.index("Change to `resultCh`") < titles.index(
        "Declare `resltCh` in the enclosing `new`"
    )
    out = fixed(VAULT, "Change to `resultCh`", "unbound-variable")
    assert "for (@result <- resultCh)" in out
    assert not _problems(out)


def test_unbound_system_channel_is_declared_with_its_uri() -> None:
    src = (
        "new rl(`rho:registry:lookup`), ch in {\n"
        "  rl!(`rho:rchain:revVault`, *ch) |\n"
        '  stdout!("RevVault ready")\n'
        "}\n"
    )
    title = "Declare `stdout` as `rho:io:stdout` in the enclosing `new`"
    assert preferred(src) == [title]
    out = fixed(src, title, "unbound-variable")
    assert out.startswith("new rl(`rho:registry:lookup`), ch, stdout(`rho:io:stdout`) in {")
    # top level: the wrap declares it with the URI too
    src = 'stdout!("hi")\n'
    out = fixed(
        src,
        "Add `new stdout(`rho:io:stdout`) in { … }` around the process",
        "top-level-free-variable",
    )
    assert out.startswith("new stdout(`rho:io:stdout`) in {")


def test_plain_unbound_name_is_declared_bare() -> None:
    src = "new ack in { ack!(Nil) | done!(Nil) }"
    out = fixed(src, "Declare `done` in the enclosing `new`", "unbound-variable")
    assert out == "new ack, done in { ack!(Nil) | done!(Nil) }"


def test_nil_spelled_lowercase() -> None:
    src = "new ret in { ret!(nil) }"
    assert preferred(src) == ["Change to `Nil`"]
    assert fixed(src, "Change to `Nil`", "unbound-variable") == "new ret in { ret!(Nil) }"


def test_name_used_as_process() -> None:
    # `reply` is a name: sending it as data needs `*reply`
    src = "new ch, out in { for (reply <- ch) { out!(reply) } }"
    assert preferred(src) == ["Change to `*reply`"]
    assert fixed(src, "Change to `*reply`", "name-in-process-position").endswith("out!(*reply) } }")
    out = fixed(src, "Bind `@reply` (a process) in the pattern", "name-in-process-position")
    assert "for (@reply <- ch)" in out
    # every use wants a process: binding `@reply` is the intent
    src = "new ch, out in { for (reply <- ch) { out!(reply) | out!([reply]) } }"
    assert preferred(src) == ["Bind `@reply` (a process) in the pattern"]


def test_process_used_as_channel() -> None:
    src = 'contract RevVault(@"deposit", @amount, ret) = { amount!(1) | ret!(true) }'
    assert preferred(src) == ["Change to `@amount`"]
    out = fixed(src, "Change to `@amount`", "process-in-name-position")
    assert "@amount!(1)" in out
    out = fixed(src, "Bind `amount` (a name) in the pattern", "process-in-name-position")
    assert 'RevVault(@"deposit", amount, ret)' in out


def test_misspelled_system_uri() -> None:
    src = 'new out(`rho:io:stdot`) in { out!("hi") }'
    assert preferred(src) == ["Change to `rho:io:stdout`"]
    assert fixed(src, "Change to `rho:io:stdout`", "unknown-system-uri") == (
        'new out(`rho:io:stdout`) in { out!("hi") }'
    )


def test_fixes_named_by_the_parser_message() -> None:
    cases = [
        (
            'new ack in { "chan"!(1) | ack!(Nil) }',
            'Quote the channel: `@"chan"`',
            "literal-channel",
            'new ack in { @"chan"!(1) | ack!(Nil) }',
        ),
        (
            "new a, b in { a!(1)\n  b!(2) }",
            "Insert `|` between the processes",
            "missing-bar",
            "new a, b in { a!(1) |\n  b!(2) }",
        ),
        (
            "new ch in { for (_ <- ch) { } }",
            "Write `Nil` in the empty block",
            "empty-block",
            "new ch in { for (_ <- ch) { Nil } }",
        ),
        (
            "new ch in { ch!(1, 2,) }",
            "Remove the trailing comma",
            "trailing-comma",
            "new ch in { ch!(1, 2) }",
        ),
        (
            "new ch in { ch!('hello') }",
            'Use a string: `"hello"`',
            "quote-ident",
            'new ch in { ch!("hello") }',
        ),
    ]
    for src, title, code, want in cases:
        assert fixed(src, title, code) == want
        assert title in preferred(src)
    # never "declare `'hello'`"
    assert not any("'hello'" in a.title and "eclare" in a.title for a in actions(cases[-1][0]))


def test_empty_block_across_lines() -> None:
    src = "new ch in {\n  for (_ <- ch) {\n  }\n}\n"
    out = fixed(src, "Write `Nil` in the empty block", "empty-block")
    assert out == "new ch in {\n  for (_ <- ch) { Nil\n  }\n}\n"


def test_spelling_helpers() -> None:
    assert edit_distance("resltCh", "resultCh") == 1
    assert edit_distance("stdotu", "stdout") == 1  # a swap is one edit
    assert edit_distance("abc", "xyzwv", limit=2) == 3
    assert closest("stdot", ["stderr", "stdout", "x"]) == ["stdout"]
    assert closest("x", ["y", "x"]) == []  # a 1-letter name is not a typo of another
    assert closest("ab", ["ba"]) == []
    assert closest("ack", ["ach", "ok"]) == ["ach"]


def test_conventional_names_are_bindable_uris() -> None:
    for name in conventional_names():
        for target in ("rnode", "f1r3fly"):
            uri = conventional_uri(name, target)
            if uri is not None:
                ch = lookup(uri)
                assert ch is not None and bindable_by_new(ch) and ch.on(target)
    assert conventional_uri("stdout", "rnode") == "rho:io:stdout"
    assert conventional_uri("revAddress", "f1r3fly") == "rho:vault:address"
    assert conventional_uri("devNull", "rnode") is None  # F1R3FLY only


LOOKUP = (
    "new rl(`rho:registry:lookup`), vaultCh in {\n"
    "  rl!(`rho:rchain:revVaul`, *vaultCh) |\n"
    "  for (@(_, RevVault) <- vaultCh) { Nil }\n"
    "}\n"
)


def test_unknown_lookup_uri_warns_and_is_fixed() -> None:
    a = analyze("file:///w/lookup.rho", LOOKUP)
    hits = [d for d in a.model.diagnostics if d.code == "unknown-lookup-uri"]
    assert len(hits) == 1 and hits[0].severity == Severity.WARNING
    assert LOOKUP[hits[0].start : hits[0].end] == "`rho:rchain:revVaul`"
    assert "Did you mean `rho:rchain:revVault`?" in hits[0].message
    assert preferred(LOOKUP) == ["Change to `rho:rchain:revVault`"]
    out = fixed(LOOKUP, "Change to `rho:rchain:revVault`", "unknown-lookup-uri")
    assert "rl!(`rho:rchain:revVault`, *vaultCh)" in out


def test_known_lookups_are_quiet() -> None:
    for uri in (
        "rho:rchain:revVault",
        "rho:lang:listOps",
        "rho:vault:system",
        "rho:rchain:configPublicKeyCheck",
        "rho:id:1o93uitkrjfubh43jt19owanuezhntag5wh74c6ur5feuotpi73q8z",
        "rho:arg:entryUri",  # a deploy template's placeholder, not a registry namespace
    ):
        src = LOOKUP.replace("rho:rchain:revVaul", uri)
        a = analyze("file:///w/lookup.rho", src)
        assert not [d for d in a.model.diagnostics if d.code == "unknown-lookup-uri"], uri
    # a URI on a channel that is not the registry's is no lookup
    src = LOOKUP.replace("rl(`rho:registry:lookup`)", "rl")
    a = analyze("file:///w/lookup.rho", src)
    assert not [d for d in a.model.diagnostics if d.code == "unknown-lookup-uri"]
