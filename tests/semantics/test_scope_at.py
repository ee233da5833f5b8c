"""`names_in_scope_at` (local, no bind) agrees with the scope derived from the full `bind`.

The oracle is ``tests/semantics/scope_oracle.names_in_scope`` applied to
``bind(parse(text))`` (the scopes of the forward walk). Offsets: every offset of hand-written
snippets covering each binding construct, random offsets in the shared corpus (when
present) and in generated files, and the same after random edits (broken code).
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from benchmarks.workspace_gen import generate_large_file
from tests.semantics.scope_oracle import names_in_scope

from rholang_lsp.semantics.binder import bind
from rholang_lsp.semantics.model import Symbol
from rholang_lsp.semantics.scope_at import (
    VisibleName,
    file_contracts,
    names_in_scope_at,
    resolve_name_at,
    token_before,
)
from rholang_lsp.syntax import parse
from rholang_lsp.syntax.kinds import SyntaxKind as K

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"

Key = tuple[object, ...]


def _key(s: Symbol | VisibleName) -> Key:
    return (s.name, s.sort, s.kind, s.start, s.end, s.decl_start, s.decl_end, s.uri)


def _check(text: str, offsets: list[int], target: str = "f1r3fly") -> int:
    r = parse(text, target=target)
    model = bind(r)
    for off in offsets:
        anchor = token_before(r.tree, off)
        want = [_key(s) for s in names_in_scope(model, anchor, off)]
        got = [_key(s) for s in names_in_scope_at(r, off, anchor=anchor)]
        assert got == want, (off, text[max(0, off - 60) : off] + "|^|" + text[off : off + 20])
    return len(offsets)


SNIPPETS = [
    "new a, b(`rho:io:stdout`), a in { a!(1) | b!(2) }",
    "new x in { Nil } | new y in { x!(y) }",
    "contract foo(@a, b, ...@rest) = { b!(a, rest) }",
    "new c in { contract c(x, @{y /\\ Int}) = { x!(y) } | c!(1, 2) }",
    "for (x <- a; @y <- x; z, _ <- y) { x!(y, z) }",
    "for (x <- a & y <- x; w <- y) { w!(x) }",
    "for (@x <- a where x > 1; y <- b) { y!(x) }",
    "for (@x <- a & @w <- b where x == w; @y <- c where x < y; z <- d) { z!(x) }",
    "for (x <<- a & y <= b) { Nil }",
    "for (@{for (q <- r) { q!(s) }} <- ch) { r!(s) }",
    "for (@[h ...t] <- ch; @{x /\\ y} <- t) { Nil }",
    "match [1, 2] { [a, b] => a + b  [c ...d] where c > 0 => d  _ => Nil }",
    "match x { @{new q in { q!(1) }} => Nil  {z | w} => w }",
    "let x <- 1; y <- x; x <- y in { x + y }",
    "let x <- 1 & y <- 2 & x <- 3 in { x + y }",
    "let a = 1; b = a in { b }",
    "select { x <- a & y <- x => y!(1)  z <- b; w <- z where w => Nil }",
    "new a in { if (a matches [h ...rest] and rest == []) { Nil } }",
    "x matches @{for (y <- z) { y }} or q",
    "agent Counter { constructor(@init) = { this!(init) } | method inc(@n) = { return!(n) }"
    " | private method get() = { private!(1) } | default(x) = { Nil } }",
    "new x in { for (x, x <- x) { x!(1) } | contract x(@x) = { x } }",
    "new ret in { ret!?(1). | ret!?(2); for (y <- ret!?(3)) { y } }",
    "new a in { for (b <- a) { match b { c => { for (d <- c) { a!(b, c, d) } } } } }",
    # broken code
    "new x, y in { for (z <- x) { z!( ",
    "new x in { contract foo(@a, b) = { a + ",
    "for (x <- a; y <- x",
    "match 1 { a => { a } b => ",
    "let x <- 1; y <-  in { ",
    "new a in { select { x <- a => } ",
    "new q in { q!(1) | for (",
    "}} new x in { x } ) ] new y in {{ y",
]


@pytest.mark.parametrize("src", SNIPPETS)
def test_every_offset_of_snippets(src: str) -> None:
    _check(src, list(range(len(src) + 1)))


def test_snippets_after_random_edits() -> None:
    rng = random.Random(3)
    for src in SNIPPETS:
        for _ in range(8):
            i = rng.randrange(len(src) + 1)
            j = min(len(src), i + rng.randrange(4))
            text = (
                src[:i]
                + rng.choice(["", "{", "}", "(", ")", ";", "&", " x ", "<-", "=>"])
                + src[j:]
            )
            _check(text, list(range(len(text) + 1)))


def test_generated_files_and_their_edits() -> None:
    rng = random.Random(11)
    for seed in (42, 7):
        text = generate_large_file(lines=400, seed=seed)
        _check(text, [rng.randrange(len(text) + 1) for _ in range(300)])
        for _ in range(6):  # break it somewhere, then query around the break
            i = rng.randrange(len(text))
            broken = text[:i] + rng.choice(["{", "}", "for (", "new ", "(", "|"]) + text[i + 2 :]
            offs = [min(len(broken), max(0, i + d)) for d in range(-40, 40, 3)]
            _check(broken, offs + [rng.randrange(len(broken) + 1) for _ in range(40)])


@pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus absent")
def test_corpus_random_offsets() -> None:
    rng = random.Random(5)
    n = 0
    for path in sorted(CORPUS.rglob("*.rho")):
        text = path.read_text(encoding="utf-8", errors="replace")
        n += _check(text, sorted({rng.randrange(len(text) + 1) for _ in range(30)}))
    assert n > 1000


def test_resolve_and_file_contracts_agree_with_bind() -> None:
    src = (
        "new a, b in { contract a(@x) = { Nil } | contract a(@x, y) = { Nil }"
        " | new a in { contract a() = { Nil } } | contract free(z) = { Nil }"
        ' | contract @"Glob"(q, ...@r) = { Nil } | // contract a(\n b!("contract a") }'
    )
    r = parse(src)
    model = bind(r)
    found = file_contracts(r)
    assert [c.info.signature for c in found] == [c.signature for c in model.contracts]
    for lc, mc in zip(found, model.contracts, strict=True):
        assert (lc.info.name, lc.info.name_start, lc.info.global_key, lc.info.free_name) == (
            mc.name,
            mc.name_start,
            mc.global_key,
            mc.free_name,
        )
        assert (lc.channel.start if lc.channel else None) == (
            model.symbol(mc.symbol).start if mc.symbol is not None else None
        )
    for tok in r.tree.tokens():
        if tok.kind != K.IDENT:
            continue
        ref = model.reference_at(tok.start)
        if ref is None or ref.start != tok.start or ref.role.value != "read" or ref.var_ref:
            continue
        got = resolve_name_at(r, tok)
        assert (got.start if got else None) == (
            model.symbol(ref.symbol).start if ref.symbol is not None else None
        ), tok
