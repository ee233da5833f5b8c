"""``K`` (the plain namespace hot code reads kinds from) holds exactly ``SyntaxKind``'s
members, each the member itself, and nothing else; and the compiled build really reads
them without the enum class (the reason ``K`` exists: ``syntax/kinds.py``)."""

from __future__ import annotations

from rholang_lsp.syntax.kinds import K, SyntaxKind


def test_k_mirrors_syntax_kind() -> None:
    attrs = {name: value for name, value in vars(K).items() if not name.startswith("_")}
    assert attrs == dict(SyntaxKind.__members__)
    for name, member in SyntaxKind.__members__.items():
        assert getattr(K, name) is member


def test_no_module_reads_kinds_through_the_enum_class_in_hot_code() -> None:
    """The per-token and per-node modules spell kinds ``K.X``: ``SyntaxKind.X`` there
    goes through ``EnumType.__getattr__``'s slow attribute hook (3.11). Read from the
    sources (a compiled build has no source to inspect)."""
    import re
    from pathlib import Path

    src = Path(__file__).resolve().parents[2] / "src" / "rholang_lsp"
    hot = [
        "syntax/lexer.py",
        "syntax/parser.py",
        "syntax/incremental.py",
        "syntax/recovery.py",
        "syntax/tree.py",
        "semantics/binder.py",
        "semantics/rebind.py",
        "semantics/summarize.py",
    ]
    for name in hot:
        uses = re.findall(r"\bSyntaxKind\.[A-Z_]+\b", (src / name).read_text(encoding="utf-8"))
        assert not uses, (name, uses[:5])
