"""The anchor scenarios (``shared/anchor-scenarios/anchor_*.json``) run over the pure
feature functions: positions are converted with ``LineIndex`` in UTF-16, as the
server does. Skipped when the shared folder is absent."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from rholang_lsp.features.definition import declaration, definition
from rholang_lsp.features.highlight import document_highlights
from rholang_lsp.features.hover import hover
from rholang_lsp.features.references import references
from rholang_lsp.features.rename import rename
from rholang_lsp.features.symbols import DocSymbol, document_symbols, workspace_symbols
from rholang_lsp.semantics.diagnostics import semantic_diagnostics
from rholang_lsp.syntax import parse
from rholang_lsp.syntax.line_index import LineIndex
from rholang_lsp.workspace.snapshot import SimpleDocument, Snapshot

FOLDER = Path(__file__).resolve().parents[3] / "shared" / "anchor-scenarios"
FILES = sorted(FOLDER.glob("anchor_*.json")) if FOLDER.is_dir() else []
SEVERITY = {"error": 1, "warning": 2, "information": 3, "hint": 4}
PREFIXES = ("@", '"', '@"', "=", "=*", "*", "...", "...@")

pytestmark = pytest.mark.skipif(not FILES, reason="shared anchor scenarios absent")


class Runner:
    def __init__(self, scenario: dict[str, Any]) -> None:
        self.name = scenario["name"]
        self.docs: dict[str, SimpleDocument] = {}
        opened = scenario.get("open") or list(scenario["files"])
        for rel in opened:
            uri = self.uri(rel)
            self.docs[uri] = SimpleDocument(uri, scenario["files"][rel], 1)

    @staticmethod
    def uri(rel: str) -> str:
        return "file:///anchor/" + rel

    def snap(self) -> Snapshot:
        return Snapshot(self.docs)

    def text(self, rel: str) -> str:
        return self.docs[self.uri(rel)].text

    def offset(self, rel: str, pos: list[int]) -> int:
        return LineIndex(self.text(rel)).offset(pos[0], pos[1], "utf-16")

    def rng(self, uri: str, start: int, end: int) -> list[list[int]]:
        li = LineIndex(self.docs[uri].text)
        return [list(li.position(start, "utf-16")), list(li.position(end, "utf-16"))]

    def rel(self, uri: str) -> str:
        return uri.removeprefix("file:///anchor/")

    # ------------------------------------------------------------------ comparisons
    def same_range(self, rel: str, got: list[list[int]], want: list[list[int]]) -> bool:
        if got == want:
            return True
        (gl, gs), (gl2, ge) = got
        (wl, ws), (wl2, we) = want
        if not (gl == wl == gl2 == wl2) or ge not in (we, we + 1):
            return False
        line = self.text(rel).split("\n")[gl]
        prefix = line[gs:ws] if gs < ws else None
        closing = ge == we + 1
        if prefix not in PREFIXES:
            return False
        return closing == prefix.endswith('"')

    def check_locations(
        self, got: list[tuple[str, list[list[int]]]], want: list[dict[str, Any]]
    ) -> None:
        assert len(got) == len(want), f"{self.name}: got {got}, want {want}"
        remaining = list(got)
        for w in want:
            hit = next(
                (
                    g
                    for g in remaining
                    if g[0] == w["file"] and self.same_range(w["file"], g[1], w["range"])
                ),
                None,
            )
            assert hit is not None, f"{self.name}: missing {w} in {got}"
            remaining.remove(hit)

    # ------------------------------------------------------------------ steps
    def run(self, step: dict[str, Any]) -> None:
        if step.get("action") == "change":
            self.change(step)
            return
        if step.get("action") == "diagnostics":
            self.diagnostics(step)
            return
        method = step["method"]
        exp = step["expect"]
        rel = step.get("file", "")
        uri = self.uri(rel) if rel else ""
        off = self.offset(rel, step["position"]) if "position" in step else 0
        s = self.snap()
        if method in (
            "textDocument/definition",
            "textDocument/declaration",
            "textDocument/references",
        ):
            if method == "textDocument/definition":
                locs = definition(s, uri, off)
            elif method == "textDocument/declaration":
                locs = declaration(s, uri, off)
            else:
                locs = references(s, uri, off, include_declaration=step["includeDeclaration"])
            if exp.get("null"):
                assert locs == [], f"{self.name}: {step['id']}"
                return
            got = [(self.rel(loc.uri), self.rng(loc.uri, loc.start, loc.end)) for loc in locs]
            self.check_locations(got, exp["locations"])
        elif method == "textDocument/documentHighlight":
            hs = document_highlights(s, uri, off)
            got = [(rel, self.rng(uri, h.start, h.end)) for h in hs]
            self.check_locations(got, [{"file": rel, "range": r} for r in exp["ranges"]])
        elif method == "textDocument/rename":
            edits = rename(s, uri, off, step["newName"])
            if exp.get("null"):
                assert not edits
                return
            assert edits is not None
            got_files = {self.rel(u) for u, es in edits.items() if es}
            assert got_files == set(exp["edits"]), f"{self.name}: {edits}"
            for f, want_edits in exp["edits"].items():
                u = self.uri(f)
                got = [(f, self.rng(u, e.start, e.end)) for e in edits[u]]
                assert all(e.new_text == step["newName"] for e in edits[u])
                self.check_locations(got, [{"file": f, "range": w["range"]} for w in want_edits])
        elif method == "textDocument/hover":
            h = hover(s, uri, off)
            if exp.get("null"):
                assert h is None
                return
            assert h is not None, f"{self.name}: no hover"
            for c in exp.get("contains", []):
                assert c in h.markdown, f"{self.name}: {c!r} not in {h.markdown!r}"
            for c in exp.get("notContains", []):
                assert c not in h.markdown
        elif method == "textDocument/documentSymbol":
            flat: list[DocSymbol] = []
            stack = list(document_symbols(s, uri))
            while stack:
                d = stack.pop()
                flat.append(d)
                stack.extend(d.children)
            for w in exp["symbols"]:
                assert any(
                    d.name == w["name"] and ("kind" not in w or d.kind == w["kind"]) for d in flat
                ), f"{self.name}: {w} not in outline"
            for name in exp.get("absent", []):
                assert all(d.name != name for d in flat)
        elif method == "workspace/symbol":
            hits = workspace_symbols(s, step["query"])
            if "count" in exp:
                assert len(hits) == exp["count"], f"{self.name}: {hits}"
            for w in exp["symbols"]:
                assert any(
                    h.symbol.name == w["name"]
                    and ("kind" not in w or h.symbol.kind == w["kind"])
                    and ("file" not in w or self.rel(h.uri) == w["file"])
                    for h in hits
                ), f"{self.name}: {w} not in {hits}"
        else:  # pragma: no cover - a new kind of step
            pytest.fail(f"unsupported step {method}")

    def change(self, step: dict[str, Any]) -> None:
        uri = self.uri(step["file"])
        doc = self.docs[uri]
        text = doc.text
        for e in step["edits"]:
            li = LineIndex(text)
            (sl, sc), (el, ec) = e["range"]
            a, b = li.offset(sl, sc, "utf-16"), li.offset(el, ec, "utf-16")
            text = text[:a] + e["text"] + text[b:]
        assert text == step.get("expectText", text)
        self.docs[uri] = SimpleDocument(uri, text, doc.version + 1)

    def diagnostics(self, step: dict[str, Any]) -> None:
        uri = self.uri(step["file"])
        text = self.docs[uri].text
        pr = parse(text)
        ds = list(pr.diagnostics) + semantic_diagnostics(pr, uri=uri, index=self.snap())
        exp = step["expect"]
        errors = [d for d in ds if d.severity == 1]
        if "errors" in exp:
            assert len(errors) == exp["errors"], f"{self.name}: {errors}"
        if "minErrors" in exp:
            assert len(errors) >= exp["minErrors"]
        if "total" in exp:
            assert len(ds) == exp["total"], f"{self.name}: {ds}"
        li = LineIndex(text)
        for w in exp.get("diagnostics", []):

            def ok(d: Any, w: dict[str, Any] = w) -> bool:
                if "severity" in w and d.severity != SEVERITY[w["severity"]]:
                    return False
                start = list(li.position(d.start, "utf-16"))
                if "range" in w and [start, list(li.position(d.end, "utf-16"))] != w["range"]:
                    return False
                if "near" in w:
                    (pl, pc) = w["near"]["position"]
                    if (
                        abs(start[0] - pl) > w["near"]["lines"]
                        or abs(start[1] - pc) > w["near"]["chars"]
                    ):
                        return False
                msg = d.message.lower()
                if "messageAny" in w and not any(x.lower() in msg for x in w["messageAny"]):
                    return False
                return all(x.lower() in msg for x in w.get("messageAll", []))

            assert any(ok(d) for d in ds), f"{self.name}: {w} not in {ds}"


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_anchor_scenario(path: Path) -> None:
    scenario = json.loads(path.read_text(encoding="utf-8"))
    runner = Runner(scenario)
    for step in scenario["steps"]:
        runner.run(step)
