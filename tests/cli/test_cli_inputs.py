"""The CLI as editor plug-ins and CI use it: stdin (``-``), output formats, bad input.

Runs the installed entry points as subprocesses (what ALE, conform.nvim or a CI step
run), on real files in a temporary folder.
"""

from __future__ import annotations

import json
import os
import pty
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

LSP = [sys.executable, "-c", "import sys; from rholang_lsp.cli.main import main; sys.exit(main())"]
SERVER = [
    sys.executable,
    "-c",
    "import sys; from rholang_lsp.cli.main import server_main; sys.exit(server_main())",
]
BAD = 'new x in {\n  y!("😀") |\n  x!(1)\n'  # unbound y, missing }
UGLY = "new x in {x!(1)|x!(2)}\n"
PRETTY = "new x in { x!(1) | x!(2) }\n"


def lsp(
    *args: str, stdin: str | bytes | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    data = stdin.encode() if isinstance(stdin, str) else stdin
    proc = subprocess.run(
        [*LSP, *args],
        input=data,
        stdin=None if data is not None else subprocess.DEVNULL,
        capture_output=True,
        cwd=cwd,
        timeout=60,
        check=False,
    )
    return subprocess.CompletedProcess(
        proc.args, proc.returncode, proc.stdout.decode(), proc.stderr.decode()
    )


def test_check_stdin_named_by_stdin_filename() -> None:
    r = lsp("check", "-", "--stdin-filename", "src/app.rho", stdin=BAD)
    assert r.returncode == 1, r
    lines = r.stdout.splitlines()
    assert lines and all(line.startswith("src/app.rho:") for line in lines), r.stdout
    assert any(":2:3: error: Unbound variable `y`" in line for line in lines), r.stdout
    r = lsp("check", "-", stdin="new x in { x!(1) }")
    assert (r.returncode, r.stdout) == (0, ""), r
    r = lsp("check", "-", stdin=BAD)
    assert r.stdout.startswith("<stdin>:"), r.stdout


def test_check_stdin_stands_for_the_named_file(tmp_path: Path) -> None:
    """Unsaved buffer contents replace the file on disk; the other files are still seen."""
    (tmp_path / "lib.rho").write_text('contract @"Lib"(@x, ret) = { ret!(x) }\n', encoding="utf-8")
    app = tmp_path / "app.rho"
    app.write_text("this is not Rholang {{{", encoding="utf-8")
    r = lsp("check", str(tmp_path), "-", "--stdin-filename", str(app), stdin='@"Lib"!(1, 2, 3)\n')
    # the arity of the contract in lib.rho, on the buffer's text (the file on disk has none)
    assert r.stdout == f'{app}:1:1: warning: No contract @"Lib" takes 3 arguments (known: 2).\n'
    assert r.returncode == 0, r


def test_check_github_annotations(tmp_path: Path) -> None:
    f = tmp_path / "a,b.rho"
    f.write_text(BAD, encoding="utf-8")
    r = lsp("check", "--format", "github", f.name, cwd=tmp_path)
    assert r.returncode == 1
    lines = r.stdout.splitlines()
    assert lines and all(line.startswith("::error file=a%2Cb.rho,line=") for line in lines), lines
    unbound = next(line for line in lines if "unbound-variable" in line)
    # 1-based line and column, end included, title from source and code
    assert unbound.startswith(
        "::error file=a%2Cb.rho,line=2,col=3,endLine=2,endColumn=4,"
        "title=rholang-semantic(unbound-variable)::Unbound variable `y`"
    ), unbound


def test_check_sarif_log(tmp_path: Path) -> None:
    f = tmp_path / "emoji.rho"
    f.write_text(BAD, encoding="utf-8")
    r = lsp("check", "--format", "sarif", "emoji.rho", cwd=tmp_path)
    assert r.returncode == 1
    log = json.loads(r.stdout)
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-2.1.0.json")
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "rholang-lsp" and driver["version"]
    rule_ids = [rule["id"] for rule in driver["rules"]]
    assert len(rule_ids) == len(set(rule_ids))
    assert run["columnKind"] == "utf16CodeUnits"
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == tmp_path.resolve().as_uri() + "/"
    assert run["results"]
    for res in run["results"]:
        assert res["level"] in ("error", "warning", "note")
        assert rule_ids[res["ruleIndex"]] == res["ruleId"]
        assert res["message"]["text"]
        (loc,) = res["locations"]
        phys = loc["physicalLocation"]
        assert phys["artifactLocation"] == {"uri": "emoji.rho", "uriBaseId": "%SRCROOT%"}
        region = phys["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
        assert (region["endLine"], region["endColumn"]) >= (
            region["startLine"],
            region["startColumn"],
        )
    missing = next(res for res in run["results"] if res["ruleId"] == "missing-token")
    assert missing["level"] == "error"
    unbound = next(res for res in run["results"] if res["ruleId"] == "unbound-variable")
    assert unbound["locations"][0]["physicalLocation"]["region"]["startLine"] == 2


def test_binary_file_is_one_diagnostic(tmp_path: Path) -> None:
    exe = tmp_path / "ls.rho"
    shutil.copyfile(sys.executable, exe)
    (tmp_path / "ok.rho").write_text("Nil\n", encoding="utf-8")
    r = lsp("check", str(tmp_path))
    assert r.returncode == 1
    assert r.stdout == f"{exe}:1:1: error: binary file (contains NUL bytes), not checked\n"
    r = lsp("format", "--check", str(tmp_path))
    assert r.returncode == 1 and "binary file" in r.stderr and r.stderr.count("\n") <= 3, r.stderr


@pytest.mark.parametrize("command", ["check", "format"])
def test_paths_without_rho_files_are_usage_errors(command: str, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("x", encoding="utf-8")
    r = lsp(command, str(empty))
    assert r.returncode == 2 and f"{empty}: no .rho files in this folder" in r.stderr, r
    r = lsp(command, os.devnull)
    assert r.returncode == 2 and "/dev/null: a character device" in r.stderr, r
    assert "no such file" not in r.stderr
    r = lsp(command, str(tmp_path / "missing.rho"))
    assert r.returncode == 2 and "missing.rho: no such file or directory" in r.stderr, r
    fifo = tmp_path / "fifo.rho"
    os.mkfifo(fifo)
    r = lsp(command, str(fifo))
    assert r.returncode == 2 and "a named pipe" in r.stderr, r


def test_index_nonexistent_and_file() -> None:
    r = lsp("index", "/nonexistent")
    assert r.returncode == 2 and "/nonexistent: does not exist" in r.stderr, r.stderr
    r = lsp("index", os.devnull)
    assert r.returncode == 2 and "not a directory" in r.stderr, r.stderr


def test_unknown_flag_shows_the_command_usage() -> None:
    r = lsp("check", "--bogus", "x")
    assert r.returncode == 2
    assert r.stderr.startswith("usage: rholang-lsp check") and "--bogus" in r.stderr, r.stderr


def test_format_stdin_to_stdout() -> None:
    r = lsp("format", "-", stdin=UGLY)
    assert (r.returncode, r.stdout) == (0, PRETTY), r
    # syntax errors: the input comes back unchanged, exit 1, the reason on stderr
    broken = "new x in { x!(1)\n"
    r = lsp("format", "-", "--stdin-filename", "w.rho", stdin=broken)
    assert (r.returncode, r.stdout) == (1, broken) and "w.rho: syntax errors" in r.stderr, r
    r = lsp("format", "--check", "-", stdin=UGLY)
    assert r.returncode == 1 and r.stdout == "would reformat <stdin>\n", r


def test_format_summary_exit_codes_and_diff(tmp_path: Path) -> None:
    for i in range(3):
        (tmp_path / f"ugly{i}.rho").write_text(UGLY, encoding="utf-8")
    (tmp_path / "pretty.rho").write_text(PRETTY, encoding="utf-8")
    r = lsp("format", "--diff", str(tmp_path))
    assert r.returncode == 0 and r.stdout.count("+new x in { x!(1) | x!(2) }") == 3, r
    assert "3 files would be reformatted, 1 already formatted" in r.stderr, r.stderr
    r = lsp("format", "--check", str(tmp_path))
    assert r.returncode == 1 and r.stdout.count("would reformat") == 3
    r = lsp("format", str(tmp_path))
    assert r.returncode == 0 and "3 files reformatted, 1 unchanged" in r.stderr, r.stderr
    assert (tmp_path / "ugly0.rho").read_text(encoding="utf-8") == PRETTY
    r = lsp("format", "--check", str(tmp_path))
    assert r.returncode == 0 and "0 files would be reformatted, 4 already formatted" in r.stderr


def test_format_rejects_bad_encodings_and_flag_mixes(tmp_path: Path) -> None:
    f = tmp_path / "latin.rho"
    f.write_bytes(b'new x in {\n  x!("caf\xe9") }')
    r = lsp("format", str(f))
    assert r.returncode == 1, r
    assert f"{f}:2:10: error: file is not valid UTF-8, not formatted" in r.stderr, r.stderr
    assert f.read_bytes() == b'new x in {\n  x!("caf\xe9") }'
    r = lsp("check", str(f))  # the same position, as a warning there
    assert f"{f}:2:10: warning: file is not valid UTF-8" in r.stdout, r.stdout
    r = lsp("format", "--indent", "4", "--tabs", str(f))
    assert r.returncode == 2 and "--indent N and --tabs exclude each other" in r.stderr


def test_help_lists_compatibility_flags_and_cache_dir() -> None:
    r = subprocess.run([*SERVER, "--help"], capture_output=True, text=True, timeout=30, check=False)
    assert r.returncode == 0
    for flag in ("--no-rnode", "--validator-backend", "--rnode-address", "--rnode-port"):
        assert flag in r.stdout, flag
    assert "compatibility" in r.stdout
    r = lsp("index", "--help")
    assert "--cache-dir" in r.stdout and "XDG_CACHE_HOME" in r.stdout
    r = lsp("format", "--help")
    assert "exit status:" in r.stdout and "also with --diff alone" in r.stdout, r.stdout
    r = lsp("check", "--help")
    assert "exit status:" in r.stdout and "sarif" in r.stdout, r.stdout


def test_server_with_stdin_at_dev_null_exits_at_once() -> None:
    # a server that waited for input would never exit: the timeout fails the test (no wall-clock
    # bound beside it: start-up alone took 12 s on a machine at load 10)
    r = subprocess.run(
        SERVER, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60, check=False
    )
    assert r.returncode == 1, r
    assert "stdin is /dev/null" in r.stderr and "Traceback" not in r.stderr, r.stderr


def test_server_in_a_terminal_says_it_waits_for_a_client() -> None:
    """Started by hand, stdin a terminal: a hint on stderr, then it serves until Ctrl-C."""
    primary, secondary = pty.openpty()
    proc = subprocess.Popen(
        SERVER, stdin=secondary, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    os.close(secondary)
    try:
        assert proc.stderr is not None
        seen = b""
        deadline = time.monotonic() + 30
        while b"waiting for an LSP client on stdin" not in seen:
            assert time.monotonic() < deadline, seen
            ready, _, _ = select.select([proc.stderr], [], [], deadline - time.monotonic())
            chunk = os.read(proc.stderr.fileno(), 4096) if ready else b""
            assert chunk, seen  # the server must not exit
            seen += chunk
        assert b"--help" in seen and proc.poll() is None
    finally:
        proc.terminate()
        proc.wait(10)
        os.close(primary)
        if proc.stderr is not None:
            proc.stderr.close()


def test_folders_skip_what_the_server_does_not_index(tmp_path: Path) -> None:
    (tmp_path / "node_modules" / "pkg").mkdir(parents=True)
    (tmp_path / "node_modules" / "pkg" / "broken.rho").write_text("{{{", encoding="utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "broken.rho").write_text("{{{", encoding="utf-8")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "ok.rho").write_text("Nil\n", encoding="utf-8")
    r = lsp("check", str(tmp_path))
    assert (r.returncode, r.stdout) == (0, ""), r
    assert "1 file(s)" in r.stderr
