"""The virtual document registry: per-owner files, shared analyses, incremental reuse."""

from __future__ import annotations

from rholang_lsp.semantics.binder import Binder
from rholang_lsp.syntax import parse
from rholang_lsp.workspace.embedded import EmbeddedRegistry

TEXT = (
    "new mc(`rho:metta:compile`), ret in {\n"
    '  mc!("(= (f $x) (* 2 $x))", *ret) |\n'
    '  @"rho:metta:eval"!("!(f 21)")\n'
    "}\n"
)


def refresh(reg: EmbeddedRegistry, owner: object, text: str, version: int = 1):  # type: ignore[no-untyped-def]
    p = parse(text)
    return reg.refresh(owner, "file:///a.rho", version, p, Binder(p).run())


def test_regions_become_virtual_documents_with_derived_uris() -> None:
    reg = EmbeddedRegistry()
    ef = refresh(reg, "s1", TEXT)
    assert [d.uri for d in ef.docs] == ["file:///a.rho#metta:0", "file:///a.rho#metta:1"]
    assert ef.docs[0].text == "(= (f $x) (* 2 $x))"
    assert reg.lookup("s1", "file:///a.rho#metta:1") is ef.docs[1]
    assert reg.lookup("s2", "file:///a.rho#metta:1") is None  # another connection sees nothing
    assert reg.stats.parses == 2


def test_edit_outside_a_region_reuses_its_analysis() -> None:
    reg = EmbeddedRegistry()
    ef1 = refresh(reg, "s1", TEXT)
    edited = "// a comment é😀\n" + TEXT
    ef2 = refresh(reg, "s1", edited, 2)
    assert reg.stats.parses == 2 and reg.stats.reused == 2
    assert ef2.docs[0].model is ef1.docs[0].model
    shift = len("// a comment é😀\n")
    assert ef2.docs[0].to_host(4) == ef1.docs[0].to_host(4) + shift
    assert edited[ef2.docs[0].to_host(4)] == "f"


def test_edit_inside_one_region_reparses_only_that_region() -> None:
    reg = EmbeddedRegistry()
    refresh(reg, "s1", TEXT)
    edited = TEXT.replace("(* 2 $x)", "(* 3 $x)")
    ef = refresh(reg, "s1", edited, 2)
    assert reg.stats.parses == 3 and reg.stats.reused == 1
    assert ef.docs[0].text == "(= (f $x) (* 3 $x))"


def test_two_owners_share_analyses_and_drop_independently() -> None:
    reg = EmbeddedRegistry()
    refresh(reg, "s1", TEXT)
    refresh(reg, "s2", TEXT)
    assert reg.stats.parses == 2 and reg.cached_analyses == 2
    reg.drop("s1", "file:///a.rho")
    assert reg.file("s1", "file:///a.rho") is None
    assert reg.file("s2", "file:///a.rho") is not None
    reg.drop_owner("s2")
    assert len(reg) == 0


def test_file_without_metta_is_not_scanned() -> None:
    reg = EmbeddedRegistry()
    ef = refresh(reg, "s1", 'new out(`rho:io:stdout`) in { out!("(= (f) 1)") }')
    assert ef.docs == [] and reg.stats.detections == 0


def test_standalone_metta_file_maps_identically() -> None:
    reg = EmbeddedRegistry()
    text = "(= (f $x) $x)\n!(f 1)"
    ef = reg.refresh_standalone("s1", "file:///a.metta", 1, text)
    [d] = ef.docs
    assert d.uri == "file:///a.metta" and d.text == text
    assert all(d.to_host(i) == i and d.from_host(i) == i for i in range(len(text) + 1))
