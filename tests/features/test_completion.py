"""Completion as a pure function, including broken code in the middle of typing."""

from __future__ import annotations

from rholang_lsp.features.completion import CompletionResult, complete, resolve
from rholang_lsp.workspace.snapshot import SimpleDocument, Snapshot

URI = "file:///w/a.rho"
CURSOR = "|^|"


def run(
    src: str, *, snippets: bool = True, limit: int = 100, others: dict[str, str] | None = None
) -> CompletionResult:
    off = src.index(CURSOR)
    text = src.replace(CURSOR, "")
    docs = {URI: SimpleDocument(URI, text)}
    for u, t in (others or {}).items():
        docs[u] = SimpleDocument(u, t)
    return complete(Snapshot(docs), URI, off, snippets=snippets, limit=limit)


def labels(res: CompletionResult) -> list[str]:
    return [i.label for i in res.items]


def test_send_arguments_unclosed_offer_processes_and_star_names() -> None:
    res = run("new x in { x!(|^|")
    assert res.context == "expression"
    assert "*x" in labels(res)
    assert "Nil" in labels(res)
    star = next(i for i in res.items if i.label == "*x")
    assert star.filter_text == "x"


def test_receive_source_offers_name_variables_innermost_first() -> None:
    res = run("new x, y in { for (z <- |^|")
    assert res.context == "name"
    assert labels(res)[:2] == ["y", "x"]


def test_for_pattern_does_not_offer_plain_outer_names() -> None:
    res = run("new x in { for (|^|")
    assert res.context == "name-pattern"
    ls = labels(res)
    assert "_" in ls and "x" not in ls and "@=*x" in ls


def test_scope_innermost_first_and_shadowing() -> None:
    src = "new a, b in { for (@b <- a) { match 1 { c => |^| } } }"
    res = run(src)
    assert res.context == "process"
    ls = labels(res)
    # c (case) before b (receive, a process var, shadows the outer name b) before a
    assert ls.index("c") < ls.index("b") < ls.index("a")
    assert ls.count("b") == 1


def test_names_out_of_scope_are_not_offered() -> None:
    res = run("new x in { Nil } | new y in { Nil } | |^|")
    ls = labels(res)
    assert "x" not in ls and "y" not in ls
    res = run("new a in { for (q <- a) { Nil } | |^| }")
    assert "q" not in labels(res) and "a" in labels(res)


def test_contract_snippet_with_formals() -> None:
    res = run("new x in { contract x(@a, ret) = { Nil } | x|^| }")
    item = next(i for i in res.items if i.label == "x")
    assert item.insert_text == "x!(${1:a}, ${2:ret})"
    assert item.is_snippet and item.label_detail == "(@a, ret)"
    plain = run("new x in { contract x(@a, ret) = { Nil } | x|^| }", snippets=False)
    assert all(not i.is_snippet for i in plain.items)


def test_prefix_filtering_and_sort_text() -> None:
    res = run("new apple, banana, apricot in { ap|^| }")
    ls = labels(res)
    assert "apple" in ls and "apricot" in ls and "banana" not in ls
    assert res.replace_start == res.replace_end - 2
    assert [i.sort_text for i in res.items] == sorted(i.sort_text for i in res.items)


def test_keywords_at_process_start_and_after_expression() -> None:
    ls = labels(run("new x in { |^| }"))
    for kw in ("new", "for", "contract", "match", "Nil"):
        assert kw in ls
    assert labels(run("new x |^|")) == ["in"]
    assert "else" in labels(run("new x in { if (true) { Nil } |^| }"))
    assert "for" in labels(run("new x in {\n  x!(1)\n  fo|^|\n}"))


def test_methods_after_dot() -> None:
    res = run("new x in { x.le|^| }")
    assert res.context == "method"
    assert labels(res)[0] == "length"
    item = res.items[0]
    assert item.insert_text == "length()"


def test_system_uris_in_backticks_and_new() -> None:
    res = run("new out(`rho:io:std|^|")
    assert res.context == "uri"
    assert "rho:io:stdout" in labels(res)
    res = run("new out(|^|")
    assert "`rho:io:stdout`" in labels(res)
    res = run("new |^|")
    assert "stdout(`rho:io:stdout`)" in labels(res)


def test_registry_shorthands_are_offered_for_lookups_not_in_new() -> None:
    # `rho:rchain:revVault` is a key of the registry's lookup map: `new` cannot bind it
    assert "rho:rchain:revVault" in labels(run("new rl in { rl!(`rho:rchain:rev|^|"))
    assert "`rho:rchain:revVault`" not in labels(run("new v(|^|"))
    assert not any("revVault" in label for label in labels(run("new |^|", limit=500)))


def test_match_case_patterns() -> None:
    res = run("new x in { match 1 { |^| } }")
    assert res.context == "process-pattern"
    ls = labels(res)
    assert "_" in ls and "Int" in ls and "=*x" in ls
    res = run("new x in { match 1 { 1 => Nil\n  |^| } }")
    assert res.context == "process-pattern"


def test_nothing_in_strings_and_comments() -> None:
    assert run('new x in { x!("ab|^|") }').items == []
    assert run("new x in { // x|^|\n Nil }").items == []
    assert run("new x in { /* x|^| */ Nil }").items == []


def test_is_incomplete_when_cut() -> None:
    res = run("new a1, a2, a3, a4, a5 in { |^| }", limit=3)
    assert res.is_incomplete and len(res.items) == 3


def test_workspace_contracts_on_quoted_names() -> None:
    lib = "file:///w/lib.rho"
    res = run("new x in { Regi|^| }", others={lib: 'contract @"Registry"(@key, ret) = { Nil }'})
    item = next(i for i in res.items if i.label == '@"Registry"')
    assert item.insert_text == '@"Registry"!(${1:key}, ${2:ret})'
    assert item.label_description == "lib.rho"
    res = run('new x in { @"Re|^| }', others={lib: 'contract @"Registry"(@key, ret) = { Nil }'})
    assert labels(res) == ['"Registry"']


def test_resolve_adds_doc_comments() -> None:
    src = "new x in {\n  /// Says hi.\n  /// @param who the person\n  contract x(@who) = { Nil } |\n  x|^|\n}"
    res = run(src)
    item = next(i for i in res.items if i.label == "x")
    off = src.index(CURSOR)
    snap = Snapshot({URI: SimpleDocument(URI, src.replace(CURSOR, ""))})
    assert off > 0
    md = resolve(snap, item.data)
    assert md is not None and "Says hi." in md and "who" in md
    uri_item = run("new out(`rho:io:std|^|").items[0]
    assert "System channel" in (resolve(snap, uri_item.data) or "")


def test_empty_and_garbage_input_do_not_crash() -> None:
    for src in ["|^|", "@@@ |^|", "new new new |^|", "for (|^|", "}}}|^|", "match |^|", "x.|^|"]:
        run(src)
