"""Method-string completion writes the rest of the send (issue 14): at `api!("|` choosing
`set` gives `set", ${1:key}, ${2:value}, ${3:ack})`, valid in a send, with the closing quote
and an auto-closed `)` replaced rather than doubled; plain text for clients without snippets."""

from __future__ import annotations

import re

import pytest

from rholang_lsp.features.completion import CompletionResult, complete
from rholang_lsp.syntax import parse
from rholang_lsp.workspace.snapshot import SimpleDocument, Snapshot

URI = "file:///w/api.rho"
API = (
    "new api, ack in {\n"
    '  contract api(@"set", @key, @value, ack) = { Nil } |\n'
    '  contract api(@"get", @key, ret) = { Nil } |\n'
    '  contract api(@"size", ret) = { Nil } |\n'
    "  SEND\n"
    "}\n"
)


def _complete(send: str, *, snippets: bool = True) -> tuple[str, CompletionResult]:
    src = API.replace("SEND", send)
    offset = src.index("|", src.index("SEND") if "SEND" in src else src.index("api!("))
    text = src[:offset] + src[offset + 1 :]
    snap = Snapshot({URI: SimpleDocument(URI, text)})
    return text, complete(snap, URI, offset, snippets=snippets)


def _apply(text: str, res: CompletionResult, label: str) -> str:
    item = next(i for i in res.items if i.label == label)
    new = item.insert_text or item.label
    if item.is_snippet:  # what the editor leaves once the placeholders are accepted
        new = re.sub(r"\$\{\d+:([^}]*)\}", r"\1", new)
    return text[: res.replace_start] + new + text[res.replace_end :]


@pytest.mark.parametrize(
    "send",
    [
        'api!("|")',  # the editor auto-closed the quote and the parenthesis
        'api!("|"',  # only the quote
        'api!("|',  # nothing auto-closed: the string runs to the end of the line
        'api!("|) ',  # the parenthesis only
        'api!("se|")',  # a typed prefix
        'api!("se|t")',  # the cursor inside the method word
        'api!("|" )',
    ],
)
def test_snippet_writes_the_rest_of_the_send(send: str) -> None:
    text, res = _complete(send)
    item = next(i for i in res.items if i.label == "set")
    assert item.is_snippet
    assert item.insert_text == 'set", ${1:key}, ${2:value}, ${3:ack})'
    done = _apply(text, res, "set")
    (line,) = [ln for ln in done.splitlines() if "api!(" in ln]
    assert line.strip() == 'api!("set", key, value, ack)', done
    # one quote pair, one parenthesis pair: the completed program parses cleanly
    assert not parse(done.replace("key, value, ack", '"k", 1, *ack')).diagnostics


def test_method_without_further_formals() -> None:
    text, res = _complete('api!("|")')
    item = next(i for i in res.items if i.label == "size")
    assert item.insert_text == 'size", ${1:ret})'
    text, res = _complete('api!("|")')
    assert 'api!("get", key, ret)' in _apply(text, res, "get")


def test_existing_arguments_are_kept() -> None:
    # changing the method of a send that already has its arguments: only the word changes
    text, res = _complete('api!("|", "k", *ack)')
    item = next(i for i in res.items if i.label == "get")
    assert not item.is_snippet and item.insert_text == "get"
    assert 'api!("get", "k", *ack)' in _apply(text, res, "get")


def test_no_snippet_without_client_support() -> None:
    text, res = _complete('api!("|")', snippets=False)
    item = next(i for i in res.items if i.label == "set")
    assert not item.is_snippet and item.insert_text == "set"
    assert 'api!("set")' in _apply(text, res, "set")
