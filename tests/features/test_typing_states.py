"""Completion and signature help in the states an editor's auto-closing produces.

VS Code (and most editors) insert the closing bracket as the opening one is typed, so at a
comma the text reads `f!(1,)`: RNode lexes `,)` as one token, and a cursor between its two
characters must still count as "after the comma, inside the argument list".
"""

from __future__ import annotations

import pytest

from rholang_lsp.features.completion import complete
from rholang_lsp.features.signature_help import signature_help
from rholang_lsp.workspace.snapshot import SimpleDocument, Snapshot

URI = "file:///typing.rho"
DEFS = "new f, g, x in { contract f(@a, @b, @c) = { Nil } | contract g(@a) = { Nil } | "


def _at(src: str) -> tuple[Snapshot, int]:
    off = src.index("|^|")
    text = src.replace("|^|", "")
    return Snapshot({URI: SimpleDocument(URI, text, 1)}), off


@pytest.mark.parametrize(
    ("body", "active"),
    [
        ("f!(1,|^|) }", 1),
        ("f!(1, 2,|^|) }", 2),
        ("f!(1, |^|2,) }", 1),
        ("f!(|^|) }", 0),
        ("f!(1,|^| }", 1),  # no auto-close
        ("f!(1, [2,|^|]) }", 1),
        ("f!(1, (2,|^|)) }", 1),
    ],
)
def test_signature_help_after_a_comma_with_auto_closed_paren(body: str, active: int) -> None:
    snap, off = _at(DEFS + body)
    sh = signature_help(snap, URI, off)
    assert sh is not None
    assert sh.signatures[sh.active_signature].label == "f!(@a, @b, @c)"
    assert sh.active_parameter == active


@pytest.mark.parametrize("body", ["f!(1,|^|) }", "f!(1, 2,|^|) }", "g!(|^|) }", "f!(x,|^|) }"])
def test_completion_in_arguments_offers_names_in_scope(body: str) -> None:
    snap, off = _at(DEFS + body)
    labels = {i.label for i in complete(snap, URI, off).items}
    assert {"*x", "*f", "Nil"} <= labels
    assert "matches" not in labels


def test_a_binder_being_typed_is_kept_by_enter() -> None:
    src = "new rl(`rho:registry:lookup`), revVaultCh in { for (@(_, revVault|^|) <- revVaultCh) { Nil } }"
    snap, off = _at(src)
    items = complete(snap, URI, off).items
    assert items[0].label == "revVault"  # a new variable: Enter keeps what was typed
    assert "=*revVaultCh" in [i.label for i in items]  # comparing is still offered


def test_keywords_before_other_files_names() -> None:
    other = "file:///other.rho"
    snap = Snapshot(
        {
            URI: SimpleDocument(URI, "n", 1),
            other: SimpleDocument(other, 'contract @"NamedFieldsTest"(x) = { Nil }', 1),
        }
    )
    labels = [i.label for i in complete(snap, URI, 1).items]
    assert labels[0] == "new" and '@"NamedFieldsTest"' in labels
