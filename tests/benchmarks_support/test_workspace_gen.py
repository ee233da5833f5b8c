from __future__ import annotations

import hashlib
import importlib
import json
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from benchmarks.workspace_gen import (
    WorkspaceInfo,
    generate_large_file,
    generate_workspace,
    main,
    utf16_len,
)

PAIRS = {"(": ")", "[": "]", "{": "}"}


def strip_literals(text: str) -> str:
    """Blank out comments, strings and URIs (keeps offsets and newlines)."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            j = text.index("*/", i) + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c in '"`':
            j = i + 1
            while text[j] != c:
                j += 2 if text[j] == "\\" else 1
            out.append(c + re.sub(r"[^\n]", " ", text[i + 1 : j]) + c)
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def assert_balanced(text: str) -> None:
    stack: list[tuple[str, int]] = []
    for pos, c in enumerate(strip_literals(text)):
        if c in PAIRS:
            stack.append((c, pos))
        elif c in PAIRS.values():
            assert stack, f"unmatched {c!r} at {pos}"
            o, opos = stack.pop()
            assert PAIRS[o] == c, f"{o!r} at {opos} closed by {c!r} at {pos}"
    assert not stack, f"unclosed {stack[-1]}"


def bound_names(code: str) -> set[str]:
    names: set[str] = set()
    for decl in re.findall(r"\bnew\s+(.*?)\s+in\s*\{", code, re.S):
        for part in decl.split(","):
            names.add(part.strip().split("(")[0].strip())
    # name-variable formals/binders: `ret` in contract formals
    for formals in re.findall(r"\bcontract\s+[^(]+\(([^)]*)\)", code):
        for part in formals.split(","):
            part = part.strip()
            if part and not part.startswith("@"):
                names.add(part)
    return names


def check_file_structure(text: str) -> None:
    assert_balanced(text)
    code = strip_literals(text)
    # one top-level process: first code line is the top-level new binding stdout
    first = next(ln for ln in code.splitlines() if ln.strip())
    assert first.startswith("new stdout(`")
    assert "`rho:io:stdout`" in text
    bound = bound_names(code)
    # every plain channel of a send / receive / contract is new-bound (or a formal)
    for m in re.finditer(r"(?<![@\w*])([A-Za-z][\w']*)\s*!\(", code):
        assert m.group(1) in bound, f"unbound send channel {m.group(1)}"
    for m in re.finditer(r"<[-=]\s*([A-Za-z][\w']*)\s*[)&;]", code):
        assert m.group(1) in bound, f"unbound receive source {m.group(1)}"
    for m in re.finditer(r"\bcontract\s+([A-Za-z][\w']*)\s*\(", code):
        assert m.group(1) in bound, f"contract on unbound name {m.group(1)}"
    # no single-quoted strings, no floats, no glued trailing comma
    assert ",)" not in code
    assert not re.search(r"\d\.\d", code)


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> WorkspaceInfo:
    return generate_workspace(tmp_path_factory.mktemp("ws"), 80, seed=7)


def _digest(root: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(root.rglob("*.rho")):
        h.update(str(p.relative_to(root)).encode())
        h.update(p.read_bytes())
    return h.hexdigest()


def test_counts_and_layout(ws: WorkspaceInfo) -> None:
    assert len(ws.files) == 80
    assert all(p.is_file() for p in ws.files)
    assert sorted(ws.files) == sorted(ws.root.rglob("*.rho"))
    for p in ws.files:
        rel = p.relative_to(ws.root).as_posix()
        assert re.fullmatch(r"src/module\d{2}/file\d{4}\.rho", rel), rel
    assert len({p.parent for p in ws.files}) >= 3  # several module folders
    assert ws.total_bytes == sum(p.stat().st_size for p in ws.files)
    assert ws.total_lines == sum(p.read_text("utf-8").count("\n") for p in ws.files)


def test_every_file_structurally_valid(ws: WorkspaceInfo) -> None:
    for p in ws.files:
        try:
            check_file_structure(p.read_text("utf-8"))
        except AssertionError as exc:
            raise AssertionError(f"{p}: {exc}") from exc


def test_line_counts_near_requested_range(tmp_path: Path) -> None:
    info = generate_workspace(tmp_path, 40, seed=3, lines_per_file=(60, 120))
    counts = [p.read_text("utf-8").count("\n") for p in info.files]
    assert min(counts) >= 45, counts
    assert max(counts) <= 120 + 30, counts
    assert 70 <= sum(counts) / len(counts) <= 120


def test_deterministic(tmp_path: Path) -> None:
    a = generate_workspace(tmp_path / "a", 30, seed=11)
    b = generate_workspace(tmp_path / "b", 30, seed=11)
    generate_workspace(tmp_path / "c", 30, seed=12)
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    assert _digest(tmp_path / "a") != _digest(tmp_path / "c")

    def strip(info: WorkspaceInfo) -> list[str]:
        probes = info.to_json()["probes"]
        assert isinstance(probes, list)
        return [json.dumps(x, sort_keys=True) for x in probes]

    assert strip(a) == strip(b)
    assert a.total_bytes == b.total_bytes
    assert generate_large_file(500, seed=1) == generate_large_file(500, seed=1)
    assert generate_large_file(500, seed=1) != generate_large_file(500, seed=2)


def test_contracts_cross_file_calls_and_docs(ws: WorkspaceInfo) -> None:
    texts = {p.relative_to(ws.root).as_posix(): p.read_text("utf-8") for p in ws.files}
    defined: dict[str, str] = {}
    for rel, text in texts.items():
        for name in re.findall(r'contract @"(svc_\d+)"\(', text):
            assert name not in defined, f"{name} defined twice"
            defined[name] = rel
    assert defined.keys() == ws.global_contracts.keys()
    cross = 0
    for rel, text in texts.items():
        sends = re.findall(r'@"(svc_\d+)"!\(', text)
        assert sends, f"{rel} calls no other file"
        for name in sends:
            assert name in defined, f"{rel} calls undefined {name}"
            assert defined[name] != rel, f"{rel} calls its own {name}"
            cross += 1
    assert cross >= len(texts)
    all_text = "\n".join(texts.values())
    assert re.search(r"///[^\n]*\n\s*/// @param \w+", all_text)
    assert re.search(r"(?m)^\s*/// @param ret[^\n]*\n\s*contract ", all_text)
    for construct in ("for (@a <- left", " & @b <- right", "<=", "match ", "let @", "%%", "..."):
        assert construct in all_text, construct
    assert "𝄞" in all_text and "é" in all_text and "✓" in all_text


def _cp_col(line: str, utf16_col: int) -> int:
    units = 0
    for i, ch in enumerate(line):
        if units >= utf16_col:
            return i
        units += 2 if ord(ch) > 0xFFFF else 1
    assert units == utf16_col
    return len(line)


def test_probes_point_at_their_names(ws: WorkspaceInfo) -> None:
    lines = {p.relative_to(ws.root).as_posix(): p.read_text("utf-8").split("\n") for p in ws.files}
    kinds = Counter(p.kind for p in ws.probes)
    assert set(kinds) == {"global_send", "local_var", "contract_name", "doc_contract"}, kinds
    assert min(kinds.values()) >= 20, kinds
    astral_before = 0
    for pr in ws.probes:
        line = lines[pr.file][pr.line]
        col = _cp_col(line, pr.character)
        if utf16_len(line[:col]) != col:
            astral_before += 1
        # the probe is inside an occurrence of the name
        starts = [m.start() for m in re.finditer(re.escape(pr.name), line)]
        assert any(s <= col < s + len(pr.name) for s in starts), (pr, line)
        assert pr.definition is not None, pr
        d = pr.definition
        dline = lines[d.file][d.line]
        dcol = _cp_col(dline, d.character)
        assert dline[dcol : dcol + len(pr.name)] == pr.name, (pr, dline)
        if pr.kind == "global_send":
            assert d.file != pr.file
            assert f'@"{pr.name}"!' in line
            assert dline[dcol - 1] == '"' and "contract" in dline
        if pr.kind in ("contract_name", "doc_contract"):
            assert (d.file, d.line) == (pr.file, pr.line)
            assert "contract" in line
        if pr.kind == "doc_contract":
            assert lines[pr.file][pr.line - 1].strip().startswith("///")
    assert astral_before > 0  # some probes sit after astral-plane characters


def test_single_file_workspace(tmp_path: Path) -> None:
    info = generate_workspace(tmp_path, 1)
    assert len(info.files) == 1
    check_file_structure(info.files[0].read_text("utf-8"))


def test_large_file() -> None:
    text = generate_large_file(2000, seed=5)
    n = text.count("\n")
    assert 1900 <= n <= 2100, n
    check_file_structure(text)


def test_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    info_path = tmp_path / "info.json"
    assert main([str(out), "--files", "12", "--info", str(info_path)]) == 0
    assert len(list(out.rglob("*.rho"))) == 12
    data = json.loads(info_path.read_text("utf-8"))
    assert len(data["files"]) == 12 and data["probes"]
    assert "wrote 12 files" in capsys.readouterr().out


def _find_parse() -> Callable[[str], object] | None:
    try:
        mod = importlib.import_module("rholang_lsp.syntax")
    except ImportError:
        return None
    parse = getattr(mod, "parse", None)
    return parse if callable(parse) else None


def _parse_errors(parse: Callable[[str], object], text: str) -> list[object]:
    """Error-severity diagnostics of ``parse(text)`` (result with ``.diagnostics``
    or a tuple whose last element is the diagnostic list)."""
    result = parse(text)
    diags = getattr(result, "diagnostics", None)
    if diags is None and isinstance(result, tuple):
        diags = result[-1]
    assert diags is not None, f"unknown parse() result shape: {type(result)}"
    return [d for d in diags if int(getattr(d, "severity", 1)) == 1]


def test_generated_files_parse_without_errors(ws: WorkspaceInfo) -> None:
    parse = _find_parse()
    if parse is None:
        pytest.skip("rholang_lsp.syntax.parse not available yet")
    for p in ws.files:
        errors = _parse_errors(parse, p.read_text("utf-8"))
        assert not errors, f"{p}: {errors[:3]}"
    assert not _parse_errors(parse, generate_large_file(1000))


def test_generated_files_lex_cleanly_for_rnode(ws: WorkspaceInfo) -> None:
    try:
        lexer = importlib.import_module("rholang_lsp.syntax.lexer")
    except ImportError:
        pytest.skip("rholang_lsp.syntax.lexer not available")
    lex = getattr(lexer, "lex", None)
    if not callable(lex):
        pytest.skip("rholang_lsp.syntax.lexer.lex not available")
    for text in [p.read_text("utf-8") for p in ws.files] + [generate_large_file(800)]:
        result = lex(text, target="rnode")
        diags = list(getattr(result, "diagnostics", []))
        assert not diags, [getattr(d, "message", d) for d in diags[:3]]
        assert len(getattr(result, "tokens", [])) > 50


def test_quick_run_keeps_the_committed_report() -> None:
    from benchmarks.__main__ import ROOT, report_path

    committed = ROOT / "BENCHMARKS.md"
    assert report_path(None, quick=True, write=False) == Path("benchmarks-quick.md")
    assert report_path(None, quick=True, write=True) == committed
    assert report_path(None, quick=False, write=False) == committed
    assert report_path(Path("x.md"), quick=True, write=True) == Path("x.md")
