"""Signature help from the parse tree alone agrees with the model-based lookup.

``local_channel_signatures`` (local scope query + syntactic contracts, no bind) must
give the same signatures as ``channel_signatures`` (full ``bind`` model) for every
send in generated files, the shared corpus (when present) and broken variants.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from benchmarks.workspace_gen import generate_large_file

from rholang_lsp.features.signature_help import channel_signatures, local_channel_signatures
from rholang_lsp.syntax import Node, SyntaxKind, Token
from rholang_lsp.workspace.snapshot import SimpleDocument, Snapshot

K = SyntaxKind
URI = "file:///w/a.rho"
CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"


def _check(text: str) -> int:
    lib = "file:///w/lib.rho"
    snap = Snapshot(
        {
            URI: SimpleDocument(URI, text),
            lib: SimpleDocument(lib, 'contract @"Lib"(a, b) = { Nil }'),
        }
    )
    a = snap.analysis(URI)
    assert a is not None
    n = 0
    for node in a.parse.tree.walk():
        if node.kind not in (K.SEND, K.SYNC_SEND, K.SOURCE):
            continue
        name = node.first_child(K.NAME)
        if not isinstance(name, Node):
            continue
        op_tok = next(
            (c for c in node.children if c.kind in (K.BANG, K.BANG_BANG, K.BANG_QUESTION)), None
        )
        op = op_tok.text if isinstance(op_tok, Token) else "!"
        want = channel_signatures(snap, a, name, op)
        got = local_channel_signatures(snap, URI, a.parse, name, op)
        assert got == want, (name, text[name.start : name.end])
        n += 1
    return n


def test_generated_file() -> None:
    assert _check(generate_large_file(lines=600, seed=3)) > 50


def test_snippets_and_broken_code() -> None:
    src = (
        "new a, b, out(`rho:io:stdout`) in {\n"
        "  /// Adds.\n  contract a(@x, ret) = { ret!(x) } | contract a(@x, @y, ret) = { Nil } |\n"
        '  contract @"G"(p, ...@rest) = { Nil } | contract free(q) = { Nil } |\n'
        "  new a in { contract a() = { Nil } | a!() } |\n"
        '  a!(1, *b) | a!?(2) | out!("hi") | free!(1) | @"G"!(1, 2) | @"Lib"!(1) | b!(1) |\n'
        "  for (y <- a!?(3)) { y!(1) }\n}\n"
    )
    _check(src)
    rng = random.Random(2)
    for _ in range(40):
        i = rng.randrange(len(src))
        _check(src[:i] + rng.choice(["{", "}", "(", ")", "|", ""]) + src[i + 1 :])


@pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus absent")
def test_corpus() -> None:
    n = 0
    for path in sorted(CORPUS.rglob("*.rho"))[::3]:
        n += _check(path.read_text(encoding="utf-8", errors="replace"))
    assert n > 100
