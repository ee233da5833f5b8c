from __future__ import annotations

from tests.semantics.checks.support import diags, mark


def test_join_same_channel_twice_is_an_error() -> None:
    text, labels = mark("new x in { for (a <- «x1:x» & b <- «x2:x») { Nil } }")
    ds = [d for d in diags(text) if d.code == "join-same-channel"]
    assert [(d.start, d.end) for d in ds] == [labels["x2"]]
    assert [(r.start, r.end) for r in ds[0].related] == [labels["x1"]]


def test_sequential_receives_on_one_channel_are_fine() -> None:
    assert [
        d
        for d in diags("new x in { for (a <- x ; b <- x) { Nil } }")
        if d.code == "join-same-channel"
    ] == []


def test_channels_equal_after_normalisation() -> None:
    # `@{*a}`, `@*a` and `@(*a)` normalise to `a` (NameNormalizeMatcher + PEvalNormalizer)
    for first in ("@{*a}", "@*a", "@(*a)"):
        text, labels = mark(f"new a in {{ for (x <- {first} & y <- «a2:a») {{ Nil }} }}")
        ds = [d for d in diags(text, "rnode") if d.code == "join-same-channel"]
        assert [(d.start, d.end) for d in ds] == [labels["a2"]], first
