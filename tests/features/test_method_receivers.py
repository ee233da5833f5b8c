"""Method completion after `.` by receiver type (issue 14): where the receiver is evident
(a literal, a call whose result type is known, a variable bound to one), that type's
methods come first (facts: the reducers' method tables); methods only the other dialect
has come last, marked with it and deprecated."""

from __future__ import annotations

import pytest

from rholang_lsp.features.builtin_methods import BUILTIN_METHODS, LIST, MAP, STRING
from rholang_lsp.features.completion import CompletionItem, complete
from rholang_lsp.workspace.snapshot import SimpleDocument, Snapshot

URI = "file:///w/methods.rho"


def _items(src: str, target: str = "f1r3fly", cursor: str = "|") -> list[CompletionItem]:
    offset = src.index(cursor)
    text = src[:offset] + src[offset + len(cursor) :]
    snap = Snapshot({URI: SimpleDocument(URI, text)})
    snap.target = target
    return complete(snap, URI, offset).items


def _leading(items: list[CompletionItem], typ: str) -> list[str]:
    """The labels before the first method that is not the type's own."""
    out = []
    for i in items:
        if typ not in BUILTIN_METHODS[i.label].receivers:
            break
        out.append(i.label)
    return out


MAP_METHODS = {"union", "diff", "delete", "contains", "get", "getOrElse", "set", "keys", "size"}
MAP_METHODS |= {"toList", "toSet", "toMap"}


@pytest.mark.parametrize(
    ("src", "typ"),
    [
        ('new out in { out!({"balance": 0}.|) }', MAP),
        ('new out in { let state = {"owner": "me"} in { out!(state.|) } }', MAP),
        ('new out in { match {"k": 1} { m => out!(m.|) } }', MAP),
        ('new ch in { for (@{"k": v ...rest} <- ch) { ch!(rest.|) } }', MAP),
        ("new out in { out!([1, 2].|) }", LIST),
        ("new ch in { for (@[head ...tail] <- ch) { ch!(tail.|) } }", LIST),
        ('new out in { out!(("a" ++ "b").|) }', STRING),
        ('new out in { out!("deadbeef".|) }', STRING),
    ],
)
def test_the_receivers_methods_come_first(src: str, typ: str) -> None:
    items = _items(src)
    first = _leading(items, typ)
    assert first and all(typ in BUILTIN_METHODS[n].receivers for n in first)
    assert items[0].label_description == typ
    if typ == MAP:
        assert set(first) == MAP_METHODS
        assert first[:3] == ["get", "getOrElse", "set"]  # the everyday ones lead
        labels = [i.label for i in items]
        # `nth` and `toByteArray` are not first on a map
        assert labels.index("nth") > len(MAP_METHODS)
        assert labels.index("toByteArray") == len(MAP_METHODS)  # any value: right after


def test_a_result_type_is_followed() -> None:
    items = _items('new out in { out!("ff".hexToBytes().|) }')
    assert [i.label for i in items[:4]] == ["nth", "bytesToHex", "length", "slice"]


def test_no_evident_receiver_keeps_the_everyday_order() -> None:
    items = _items("new ch in { for (@v <- ch) { ch!(v.|) } }")
    assert items[0].label == "nth" and items[0].label_description is None


def test_other_dialect_methods_are_last_and_marked() -> None:
    items = _items('new out in { out!({"a": 1}.|) }', target="rnode")
    marked = [i for i in items if i.deprecated]
    assert {i.label for i in marked} >= {"toString", "intersection", "dropHead", "readZipper"}
    assert all(i.label_description == "F1R3FLY only" for i in marked)
    assert items[-len(marked) :] == marked
    items = _items('new out in { out!({"a": 1}.|) }', target="f1r3fly")
    assert {i.label for i in items if i.deprecated} == {"toInt", "toBigInt"}


def test_a_pathmap_literal_offers_the_zipper_family() -> None:
    items = _items('new out in { out!({| ["a", "b"] |}.§) }', cursor="§")
    first = _leading(items, "PathMap")
    assert {"union", "diff", "intersection", "restriction", "readZipper", "getLeaf"} <= set(first)
    assert "get" not in first and "nth" not in first
