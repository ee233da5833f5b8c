"""The web editor of ``examples/web/`` in a real headless Chromium against the real server.

Builds the page with vite (``npm run build``; skipped when ``dist/`` is up to date with the
sources), serves it over HTTP on 127.0.0.1, starts ``rholang-language-server --websocket
--port 0`` and has ``tests/node/web_editor.js`` (puppeteer-core driving Debian's
``chromium``, no browser download) use it as a person would: the squiggle under a mistake,
the hover under the mouse, Ctrl+Space, F12, Ctrl+. and Enter on the quick fix; then a page
from another site is refused (403), and accepted by a server started with
``--allow-origin``. Screenshots of failing steps go to ``$RHOLANG_TEST_ARTIFACTS`` (default:
the test's tmp folder). Skips without node, chromium or the npm packages.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import http.server
import json
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import SpawnServer

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "examples" / "web"
DRIVER = ROOT / "tests" / "node" / "web_editor.js"
NODE = shutil.which("node")
NPM = shutil.which("npm")
CHROMIUM = os.environ.get("CHROMIUM") or next(
    (p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None
)
FOREIGN = "http://ide.example.org"  # http: an https page may not open ws://

pytestmark = [
    pytest.mark.timeout(420),
    pytest.mark.skipif(NODE is None or NPM is None, reason="no node/npm"),
    pytest.mark.skipif(CHROMIUM is None, reason="no chromium (apt-get install chromium)"),
    pytest.mark.skipif(
        not (ROOT / "tests" / "node" / "node_modules" / "puppeteer-core").is_dir(),
        reason="puppeteer-core missing: (cd tests/node && npm ci)",
    ),
    pytest.mark.skipif(
        not (WEB / "node_modules" / "vite").is_dir(),
        reason="examples/web packages missing: (cd examples/web && npm ci)",
    ),
]

PROGRAM = """\
// 😀 Rholang in a browser
new stdout(`rho:io:stdout`), greeter in {
  contract greeter(@name, return) = {
    return!("Hello, " ++ name)
  } |
  new answer in {
    greeter!("Rholang", *answer) |
    for (@text <- answer) { stdout!("😀 " ++ text) | stdot!(text) }
  }
}
"""
LINES = PROGRAM.splitlines()


def where(line: int, needle: str, nth: int = 0) -> tuple[int, int]:
    """1-based Monaco line and UTF-16 column of ``needle`` on 0-based ``line``."""
    text = LINES[line]
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return line + 1, len(text[:start].encode("utf-16-le")) // 2 + 1


def _wire_tail(wire: Path, keep: int = 12) -> str:
    """The last document messages of the wire log, shortened (the failure's evidence)."""
    if not wire.is_file():
        return "(no wire log)"
    lines = wire.read_text(encoding="utf-8", errors="replace").splitlines()
    wanted = ("didChange", "publishDiagnostics", "codeAction")
    picked = [line for line in lines if any(w in line for w in wanted)][-keep:]
    return "\n".join(line if len(line) < 600 else line[:600] + "..." for line in picked)


def sources_digest() -> str:
    h = hashlib.sha256()
    for p in sorted(
        [WEB / "package-lock.json", WEB / "index.html", WEB / "vite.config.js"]
        + list((WEB / "src").rglob("*"))
    ):
        if p.is_file():
            h.update(p.relative_to(WEB).as_posix().encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


@pytest.fixture(scope="module")
def built_page() -> Path:
    """``npm run build`` unless dist/ was built from these very sources."""
    dist = WEB / "dist"
    stamp = dist / ".sources-sha256"
    digest = sources_digest()
    if not (stamp.is_file() and stamp.read_text() == digest and (dist / "index.html").is_file()):
        assert NPM is not None
        proc = subprocess.run(
            [NPM, "run", "build", "--silent"],
            cwd=WEB,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr
        stamp.write_text(digest)
    return dist


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def page_server(built_page: Path) -> Iterator[str]:
    handler = functools.partial(_Quiet, directory=str(built_page))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


async def test_web_editor_in_chromium(
    page_server: str, spawn_server: SpawnServer, tmp_path: Path
) -> None:
    from urllib.parse import urlencode

    wire = tmp_path / "wire.log"  # every message both ways: what a failure is explained by
    server = await spawn_server(
        "--websocket", "--port", "0", "--no-index-cache", "--wire-log", str(wire)
    )
    open_server = await spawn_server(
        "--websocket", "--port", "0", "--no-index-cache", "--allow-origin", FOREIGN
    )
    artifacts = Path(os.environ.get("RHOLANG_TEST_ARTIFACTS") or tmp_path / "artifacts")
    query = urlencode({"server": server.url, "text": PROGRAM, "uri": "file:///web/main.rho"})
    hover_line, hover_col = where(6, "greeter")
    config = {
        "chromium": CHROMIUM,
        "pageUrl": f"{page_server}/index.html?{query}",
        "artifacts": str(artifacts),
        "foreignOrigin": FOREIGN,
        "wsUrl": server.url,
        "wsUrlAllowingForeign": open_server.url,
        "unbound": "stdot",
        "hover": {"line": hover_line, "column": hover_col + 2},
        "definitionFrom": {"line": hover_line, "column": hover_col + 3},
        "completion": {
            "line": 6,
            "column": len(LINES[5]) + 1,
            "typed": "gree",
            "expect": "greeter",
        },
        "timeoutMs": 20000,
    }
    config_file = tmp_path / "web.json"
    config_file.write_text(json.dumps(config), encoding="utf-8")
    assert NODE is not None
    proc = await asyncio.create_subprocess_exec(
        NODE,
        str(DRIVER),
        str(config_file),
        cwd=DRIVER.parent,
        stdout=asyncio.subprocess.PIPE,
        env={**os.environ, "PUPPETEER_SKIP_DOWNLOAD": "1"},
    )
    out, _ = await asyncio.wait_for(proc.communicate(), 300)
    record = json.loads(out.decode().strip().splitlines()[-1])
    timings = {k: v for k, v in record.items() if k.endswith("Ms")}
    print(f"\n{record.get('browserVersion')}: {timings}")
    assert not record["errors"], (
        "\n\n".join(f"{k}: {v}" for k, v in record["errors"].items())
        + f"\nquick fixes offered: {record.get('quickFixTitles')}"
        + "\nlast messages on the wire:\n"
        + _wire_tail(wire)
        + "\nserver warnings and errors:\n"
        + "\n".join(
            line.decode(errors="replace").rstrip()[:400]
            for line in server.stderr_lines
            if b" INFO " not in line and b" DEBUG " not in line  # warnings, errors, tracebacks
        )[-4000:]
        + "\nbrowser console:\n"
        + "\n".join(record["console"][-20:])
    )
    steps = record["steps"]
    assert "connected to rholang-language-server" in steps["load"]

    # the mistake after an emoji: its marker starts at the UTF-16 column of `stdot`
    (marker,) = steps["marker"]
    line, col = where(7, "stdot")
    assert (marker["line"], marker["column"], marker["endColumn"]) == (line, col, col + 5), marker
    assert marker["severity"] == 8 and "Unbound variable `stdot`" in marker["message"]

    assert "contract greeter(@name, return)" in steps["hover"], steps["hover"]

    assert "greeter" in steps["completion"]["labels"], steps["completion"]
    # the snippet with its parameters as placeholders, on a new line indented by the editor
    assert steps["completion"]["inserted"].strip() == "greeter!(name, return)", steps["completion"]

    def_line, def_col = where(2, "greeter")
    assert (steps["definition"]["line"], steps["definition"]["column"]) == (def_line, def_col)

    fix = steps["quickFix"]
    # the likely intent first: the misspelt `stdout` in scope (issue 14), then declaring it
    assert fix["titles"][:2] == [
        "Change to `stdout`",
        "Declare `stdot` in the enclosing `new`",
    ], fix
    assert fix["before"] == PROGRAM  # the completion was undone
    assert fix["after"] == PROGRAM.replace("stdot!(text)", "stdout!(text)"), fix

    origin = steps["foreignOrigin"]
    assert origin["refused"]["opened"] is False and origin["refused"]["origin"] == FOREIGN
    assert origin["allowed"]["opened"] is True, (origin, record["console"])
    assert any("Unexpected response code: 403" in m for m in origin["messages"]), origin
    assert origin["handshakes"] == [{"status": 101}], origin
    assert any(b"403" in line and b"origin" in line.lower() for line in server.stderr_lines), (
        server.stderr_lines[-5:]
    )
