"""``rholang-lsp format --line-width N``: wrap long lines at N columns (0: never).

Runs the installed entry point as a subprocess on real files, as editor plug-ins and
CI steps do."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

LSP = [sys.executable, "-c", "import sys; from rholang_lsp.cli.main import main; sys.exit(main())"]

LONG = (
    "new rhoSpec, ackCh, transferResult in {\n"
    '  rhoSpec!("assert", ((true, Nil), "== <-", *transferResult), "transfer from genesis to Alice successful",'
    " *ackCh)\n"
    "}\n"
)
AT_80 = (
    "new rhoSpec, ackCh, transferResult in {\n"
    '  rhoSpec!("assert", ((true, Nil), "== <-", *transferResult),\n'
    '    "transfer from genesis to Alice successful", *ackCh)\n'
    "}\n"
)


def lsp(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*LSP, *args],
        input=stdin,
        stdin=None if stdin is not None else subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_line_width_wraps_and_zero_turns_wrapping_off(tmp_path: Path) -> None:
    assert len(LONG.splitlines()[1]) == 114  # over the default width too
    r = lsp("format", "-", "--line-width", "80", stdin=LONG)
    assert (r.returncode, r.stdout) == (0, AT_80), r
    r = lsp("format", "-", "--line-width", "0", stdin=LONG)
    assert (r.returncode, r.stdout) == (0, LONG), r
    # the default is 100: this line is wrapped without the flag as well
    r = lsp("format", "-", stdin=LONG)
    assert r.returncode == 0 and all(len(line) <= 100 for line in r.stdout.splitlines()), r
    # in place, and a fixed point with the same width (--check finds nothing to do)
    f = tmp_path / "spec.rho"
    f.write_text(LONG, encoding="utf-8")
    r = lsp("format", "--line-width", "80", str(f))
    assert r.returncode == 0 and f.read_text(encoding="utf-8") == AT_80, r
    r = lsp("format", "--check", "--line-width", "80", str(f))
    assert r.returncode == 0 and "1 already formatted" in r.stderr, r.stderr
    # a narrower width would change it again
    r = lsp("format", "--check", "--line-width", "40", str(f))
    assert r.returncode == 1 and r.stdout == f"would reformat {f}\n", r


def test_line_width_out_of_range_is_a_usage_error() -> None:
    for bad in ("-1", "10001"):
        r = lsp("format", "-", "--line-width", bad, stdin=LONG)
        assert r.returncode == 2 and "--line-width must be between 0 and 10000" in r.stderr, r
    r = lsp("format", "--help")
    assert "--line-width" in r.stdout and "never wrap" in r.stdout, r.stdout
