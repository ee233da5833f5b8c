"""The send snippet completion inserts for a contract is valid Rholang (issue 14):
a formal `@"fromNillable"` becomes the process `"fromNillable"`, not the name."""

from __future__ import annotations

import re

from rholang_lsp.features.completion import complete
from rholang_lsp.features.completion.items import send_snippet
from rholang_lsp.syntax import parse
from rholang_lsp.workspace.snapshot import SimpleDocument, Snapshot

URI = "file:///w/Either.rho"
EITHER = """new Either, ret in {
  contract Either(@"fromNillable", @value, ret) = { ret!((true, value)) } |
  contract Either(@"flatMap", @{either}, f, ret) = { ret!(either) } |
  Eith
}
"""


def _expand(snippet: str) -> str:
    """The text an editor shows once the placeholders hold their defaults."""
    out = re.sub(r"\$\{\d+:((?:\\.|[^}\\])*)\}", lambda m: m.group(1), snippet)
    return re.sub(r"\\(.)", r"\1", out)


def test_snippet_quotes_nothing() -> None:
    assert send_snippet("Either", ['@"fromNillable"', "@value", "ret"]) == (
        'Either!(${1:"fromNillable"}, ${2:value}, ${3:ret})'
    )
    assert send_snippet("c", ["@{x}", "@[a, b]", "@(k, v)", "_"]) == (
        "c!(${1:x}, ${2:[a, b]}, ${3:(k, v)}, ${4:_})"
    )


def test_completed_send_parses() -> None:
    offset = EITHER.index("Eith\n") + 4
    res = complete(Snapshot({URI: SimpleDocument(URI, EITHER)}), URI, offset)
    snippets = [i.insert_text for i in res.items if i.label == "Either" and i.insert_text]
    assert 'Either!(${1:"fromNillable"}, ${2:value}, ${3:ret})' in snippets
    for snip in snippets:
        text = EITHER[: res.replace_start] + _expand(snip) + EITHER[res.replace_end :]
        assert not parse(text).has_errors, text
