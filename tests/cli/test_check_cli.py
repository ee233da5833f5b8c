from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

from rholang_lsp.cli import check
from rholang_lsp.features.diagnostics import document_diagnostics

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser()
    check.add_arguments(parser)
    code = check.run(parser.parse_args(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_examples_check_clean(capsys: pytest.CaptureFixture[str]) -> None:
    files = sorted(EXAMPLES.glob("*.rho"))
    assert len(files) >= 4
    for target in ("rnode", "f1r3fly"):
        code, out, _ = run([str(EXAMPLES), "--target", target], capsys)
        assert (code, out) == (0, "")


def test_text_and_json_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "sub" / "bad.rho"
    bad.parent.mkdir()
    bad.write_text('// 😀\nnew x in { x!("😀") ', encoding="utf-8")
    (tmp_path / "ok.rho").write_text("Nil", encoding="utf-8")
    code, out, _ = run([str(tmp_path)], capsys)
    assert code == 1
    assert out.startswith(f"{bad}:2:") and ": error: Missing token: `}`" in out
    code, out, _ = run([str(bad), "--format", "json"], capsys)
    assert code == 1
    data = json.loads(out)
    assert data[0]["severity"] == "error" and data[0]["source"] == "rholang-parser"
    # 0-based line; UTF-16 columns: the emoji counts as 2 units
    assert data[0]["range"]["start"]["line"] == 1
    assert data[0]["range"]["start"]["character"] == len('new x in { x!("') + 2 + 2


def test_missing_path_and_invalid_utf8(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run([str(tmp_path / "nope.rho")], capsys)
    assert code == 2 and "nope.rho" in err
    f = tmp_path / "latin.rho"
    f.write_bytes(b'new x in { x!("caf\xe9") }')
    code, out, _ = run([str(f)], capsys)
    assert code == 0 and "warning: file is not valid UTF-8" in out


def test_module_entry_point(tmp_path: Path) -> None:
    f = tmp_path / "a.rho"
    f.write_text("a!(1) b!(2)", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "rholang_lsp.cli.check", "--target", "rnode", str(f)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1 and "Missing `|`" in proc.stdout
    proc = subprocess.run(
        [sys.executable, "-m", "rholang_lsp.cli.check", "--format", "xml", str(f)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2


def test_document_diagnostics() -> None:
    assert document_diagnostics("new x in { x!(1) }") == []
    diags = document_diagnostics('new x in { x!("Hello") ')
    assert len(diags) == 1 and diags[0].source == "rholang-parser"
    assert document_diagnostics("x!(1i64)", target="rnode")
