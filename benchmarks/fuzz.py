"""Fuzz the real server process over real transports (issue 20).

``python -m benchmarks.fuzz`` (quick, ~20 s), ``--long`` (minutes, about 20x the
inputs), ``--seed N``, ``--json PATH``. The quick mode also runs in the test suite
(``tests/fuzz/test_fuzz_quick.py``).

Classes of input, each on its own connections to one server process (TCP):

* ``framing``: valid frames mutated at the byte level (bit flips, garbage,
  truncation, wrong or absurd Content-Length, non-UTF-8, nesting, batches).
* ``params``: every method the server advertises, with malformed params (wrong
  types, missing fields, huge and negative positions, bad URIs).
* ``corpus``: mutated corpus documents (``../shared/corpus``; skipped if absent)
  opened, then every request at random positions.
* ``edits``: random incremental edits in each position encoding (utf-8, utf-16,
  utf-32) with non-ASCII text; the edited document must analyse exactly like a fresh
  open of the same text (semantic tokens and symbols compared).
* ``formatting``: LF, CRLF and CR variants of corpus files; the formatting edits
  must keep the line endings and every non-blank character.
* ``churn``: connections opened and dropped, slow readers that never read, and a
  flood of unauthenticated connections on a second server with ``--auth-token``.

Meanwhile a probe client pings every 20 ms (the "other client"). Asserted (the
``violations`` list): every request answered exactly once, no loop stall over
100 ms (the server's watchdog), peak RSS under a bound, no traceback in the log.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
SERVER = [sys.executable, "-m", "rholang_lsp.cli.main", "serve", "--test-handlers"]
STALL_LIMIT_MS = 100.0
RSS_LIMIT_MB = 1024.0
REQUEST_TIMEOUT = 60.0

JSON = Any

# ---------------------------------------------------------------------------- client


class Conn:
    """A small independent LSP client over TCP (not the server's own Endpoint), which
    checks that every request it sends is answered exactly once."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.next_id = 1
        self.pending: dict[int, asyncio.Future[JSON]] = {}
        self.answered: set[int] = set()
        self.violations: list[str] = []
        self.notes: list[tuple[str, JSON]] = []
        self.codes: Counter[int] = Counter()
        self.internal: list[str] = []
        self.closed = asyncio.Event()
        self._task = asyncio.ensure_future(self._read())

    @classmethod
    async def open(cls, host: str, port: int) -> Conn:
        reader, writer = await asyncio.open_connection(host, port, limit=64 * 1024 * 1024)
        return cls(reader, writer)

    def send(self, obj: JSON | bytes) -> None:
        body = obj if isinstance(obj, bytes) else json.dumps(obj).encode()
        self.writer.write(b"Content-Length: %d\r\n\r\n%b" % (len(body), body))

    def notify(self, method: str, params: JSON = None) -> None:
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def start_request(self, method: str, params: JSON = None) -> asyncio.Future[JSON]:
        rid = self.next_id
        self.next_id += 1
        fut: asyncio.Future[JSON] = asyncio.get_running_loop().create_future()
        self.pending[rid] = fut
        msg: dict[str, Any] = {"jsonrpc": "2.0", "id": rid, "method": method}
        if params is not None:
            msg["params"] = params
        self.send(msg)
        return fut

    async def request(
        self, method: str, params: JSON = None, timeout: float = REQUEST_TIMEOUT
    ) -> JSON:
        """The whole response message ({"result": ...} or {"error": ...})."""
        return await asyncio.wait_for(self.start_request(method, params), timeout)

    async def result(self, method: str, params: JSON = None) -> JSON:
        msg = await self.request(method, params)
        if "error" in msg:
            raise RuntimeError(f"{method}: {msg['error']}")
        return msg.get("result")

    async def _read(self) -> None:
        try:
            while True:
                header = await self.reader.readuntil(b"\r\n\r\n")
                m = re.search(rb"content-length:\s*(\d+)", header, re.I)
                if m is None:
                    self.violations.append(f"response header without length: {header[:80]!r}")
                    return
                body = await self.reader.readexactly(int(m.group(1)))
                self._dispatch(json.loads(body))
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.CancelledError):
            pass
        finally:
            self.closed.set()

    def _dispatch(self, msg: JSON) -> None:
        for one in msg if isinstance(msg, list) else [msg]:
            if "method" in one:
                if "id" in one:  # a request from the server: answer it
                    self.send({"jsonrpc": "2.0", "id": one["id"], "result": None})
                else:
                    self.notes.append((one["method"], one.get("params")))
                    if len(self.notes) > 2000:
                        del self.notes[:1000]
                continue
            rid = one.get("id")
            if "error" in one:
                self.codes[one["error"].get("code")] += 1
                if one["error"].get("code") == -32603:
                    self.internal.append(str(one["error"].get("message"))[:300])
            if rid is None:
                continue  # an error about a message without a usable id (framing, parse)
            if rid in self.answered:
                self.violations.append(f"request {rid} answered twice")
                continue
            fut = self.pending.pop(rid, None)
            if fut is None:
                self.violations.append(f"answer to unknown request id {rid!r}")
                continue
            self.answered.add(rid)
            if not fut.done():
                fut.set_result(one)

    async def settle(self, timeout: float = REQUEST_TIMEOUT) -> None:
        """Wait for every request sent to be answered; the rest are violations."""
        if self.pending:
            await asyncio.wait(list(self.pending.values()), timeout=timeout)
        for rid in list(self.pending):
            self.violations.append(f"request {rid} never answered")
            self.pending.pop(rid).cancel()

    async def close(self) -> None:
        self._task.cancel()
        self.writer.close()
        try:
            await self.writer.wait_closed()
        except (ConnectionError, OSError):
            pass


# ---------------------------------------------------------------------------- server


@dataclass
class ServerProc:
    proc: asyncio.subprocess.Process
    log_path: Path
    host: str = "127.0.0.1"
    port: int = 0
    peak_rss_mb: float = 0.0
    _sampler: asyncio.Task[None] | None = None

    @classmethod
    async def start(cls, workdir: Path, *extra: str) -> ServerProc:
        log_path = workdir / f"server-{len(list(workdir.glob('server-*')))}.log"
        log = open(log_path, "wb")  # noqa: SIM115 - handed to the child
        proc = await asyncio.create_subprocess_exec(
            *SERVER,
            "--socket",
            "--port",
            "0",
            "--no-index-cache",
            *extra,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=log,
            cwd=workdir,
        )
        log.close()
        sp = cls(proc, log_path)
        for _ in range(400):
            m = re.search(rb"listening on tcp://([\d.]+):(\d+)", log_path.read_bytes())
            if m:
                sp.host, sp.port = m.group(1).decode(), int(m.group(2))
                break
            if proc.returncode is not None:
                raise RuntimeError(f"server exited: {log_path.read_text()[-2000:]}")
            await asyncio.sleep(0.05)
        else:
            raise RuntimeError("server did not listen")
        sp._sampler = asyncio.ensure_future(sp._sample())
        return sp

    def rss_mb(self) -> float:
        try:
            with open(f"/proc/{self.proc.pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1]) / 1024
        except OSError:
            pass
        return 0.0

    async def _sample(self) -> None:
        while self.proc.returncode is None:
            self.peak_rss_mb = max(self.peak_rss_mb, self.rss_mb())
            await asyncio.sleep(0.05)

    async def connect(self, root: Path | None = None, encoding: str | None = None) -> Conn:
        c = await Conn.open(self.host, self.port)
        caps: dict[str, Any] = {}
        if encoding:
            caps["general"] = {"positionEncodings": [encoding]}
        params: dict[str, Any] = {"processId": os.getpid(), "capabilities": caps}
        if root is not None:
            params["rootUri"] = root.as_uri()
        await c.result("initialize", params)
        c.notify("initialized", {})
        return c

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")

    async def stop(self) -> None:
        if self.proc.returncode is None:
            self.proc.terminate()
            try:
                await asyncio.wait_for(self.proc.wait(), 15)
            except TimeoutError:
                self.proc.kill()
                await self.proc.wait()
        if self._sampler is not None:
            self._sampler.cancel()


# ---------------------------------------------------------------------------- report


@dataclass
class Report:
    mode: str
    seed: int
    inputs: Counter[str] = field(default_factory=Counter)
    requests: Counter[str] = field(default_factory=Counter)
    codes: Counter[int] = field(default_factory=Counter)
    internal_errors: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    ping_worst_ms: float = 0.0
    ping_worst_by_class: dict[str, float] = field(default_factory=dict)
    current_class: str = ""
    auth_during_flood_ms: float = 0.0
    pings: int = 0
    worst_stall_ms: float = 0.0
    worst_culprit: str = ""
    max_lag_ms: float = 0.0
    peak_rss_mb: float = 0.0
    seconds: float = 0.0
    load_average: float = 0.0  # the machine's 1-minute load at the end (context for latencies)
    skipped: list[str] = field(default_factory=list)

    def absorb(self, c: Conn) -> None:
        self.codes.update(c.codes)
        self.internal_errors.extend(c.internal[:20])
        self.violations.extend(c.violations)

    def to_json(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "seed": self.seed,
            "seconds": round(self.seconds, 1),
            "load_average": round(self.load_average, 1),
            "inputs": dict(self.inputs),
            "requests": dict(self.requests),
            "error_codes": {str(k): v for k, v in sorted(self.codes.items())},
            "internal_errors": self.internal_errors[:20],
            "violations": self.violations[:50],
            "ping_worst_ms": round(self.ping_worst_ms, 1),
            "ping_worst_ms_by_class": {k: round(v, 1) for k, v in self.ping_worst_by_class.items()},
            "auth_during_flood_ms": round(self.auth_during_flood_ms, 1),
            "pings": self.pings,
            "worst_stall_ms": round(self.worst_stall_ms, 1),
            "worst_culprit": self.worst_culprit,
            "max_lag_ms": round(self.max_lag_ms, 1),
            "peak_rss_mb": round(self.peak_rss_mb, 1),
            "skipped": self.skipped,
        }


# ---------------------------------------------------------------------------- inputs

SNIPPETS = [
    '"', "{", "}", "(", ")", "[", "]", "|", "@", "*", "!", "<-", "=>", ";", ",", "\\",
    "new x in { x!(1) }", "for (y <- x) { Nil }", "match 1 { 1 => Nil }", "contract c(a) = { Nil }",
    "// comment\n", "/* open comment", "\r", "\r\n", "\t", "😀", "λ", "中文", "\u0000", "\ud7ff",
    "bundle+{ Nil }", "1 + 2 * 3", "`rho:io:stdout`", "${", "if (true) { Nil } else { Nil }",
]  # fmt: skip


def corpus_files() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(p for p in CORPUS.rglob("*.rho") if p.stat().st_size < 200_000)


def mutate_text(rng: random.Random, text: str, n: int) -> str:
    for _ in range(n):
        if not text:
            text = rng.choice(SNIPPETS)
            continue
        i = rng.randrange(len(text) + 1)
        op = rng.random()
        if op < 0.35:
            text = text[:i] + rng.choice(SNIPPETS) + text[i:]
        elif op < 0.6:
            text = text[:i] + text[i + rng.randint(1, 40) :]
        elif op < 0.8:
            j = min(len(text), i + rng.randint(1, 200))
            text = text[:i] + text[i:j] * 2 + text[j:]
        else:
            text = text[:i] + chr(rng.randint(1, 0x2FFF)) + text[i:]
    return text


def random_json(rng: random.Random, depth: int = 0) -> JSON:
    r = rng.random()
    if depth > 3 or r < 0.4:
        return rng.choice(
            [None, True, False, 0, -1, 2**31, 2**53, -(2**63), 1.5, "", "x", "file:///%00",
             "file:///dev/zero", "\u0000", "😀" * 10, 10**30]
        )  # fmt: skip
    if r < 0.7:
        return [random_json(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    keys = ["textDocument", "position", "range", "uri", "line", "character", "query", "options",
            "context", "newName", "positions", "start", "end", "tabSize", "previousResultId"]  # fmt: skip
    return {rng.choice(keys): random_json(rng, depth + 1) for _ in range(rng.randint(0, 4))}


def mutate_params(rng: random.Random, params: JSON) -> JSON:
    """Replace, drop or add one field somewhere in ``params``."""
    if not isinstance(params, dict) or rng.random() < 0.15:
        return random_json(rng)
    out = dict(params)
    key = rng.choice(list(out) + ["extra"])
    op = rng.random()
    if op < 0.25 and key in out:
        del out[key]
    elif op < 0.6 and isinstance(out.get(key), dict):
        out[key] = mutate_params(rng, out[key])
    else:
        out[key] = random_json(rng)
    return out


def pos(line: int, ch: int) -> dict[str, int]:
    return {"line": line, "character": ch}


def request_params(method: str, uri: str, line: int, ch: int) -> JSON:
    td = {"uri": uri}
    p = pos(line, ch)
    rng_ = {"start": pos(max(0, line - 3), 0), "end": p}
    return {
        "textDocument/hover": {"textDocument": td, "position": p},
        "textDocument/definition": {"textDocument": td, "position": p},
        "textDocument/declaration": {"textDocument": td, "position": p},
        "textDocument/references": {
            "textDocument": td,
            "position": p,
            "context": {"includeDeclaration": True},
        },
        "textDocument/documentHighlight": {"textDocument": td, "position": p},
        "textDocument/completion": {"textDocument": td, "position": p},
        "textDocument/signatureHelp": {"textDocument": td, "position": p},
        "textDocument/prepareRename": {"textDocument": td, "position": p},
        "textDocument/rename": {"textDocument": td, "position": p, "newName": "renamed_x"},
        "textDocument/selectionRange": {"textDocument": td, "positions": [p, pos(0, 0)]},
        "textDocument/documentSymbol": {"textDocument": td},
        "textDocument/semanticTokens/full": {"textDocument": td},
        "textDocument/semanticTokens/full/delta": {"textDocument": td, "previousResultId": "1"},
        "textDocument/semanticTokens/range": {"textDocument": td, "range": rng_},
        "textDocument/foldingRange": {"textDocument": td},
        "textDocument/formatting": {
            "textDocument": td,
            "options": {"tabSize": 2, "insertSpaces": True},
        },
        "textDocument/rangeFormatting": {
            "textDocument": td,
            "range": rng_,
            "options": {"tabSize": 4, "insertSpaces": False},
        },
        "textDocument/codeAction": {
            "textDocument": td,
            "range": rng_,
            "context": {"diagnostics": []},
        },
        "textDocument/inlayHint": {"textDocument": td, "range": rng_},
        "workspace/symbol": {"query": "a"},
        "completionItem/resolve": {"label": "x"},
        "workspaceSymbol/resolve": {"name": "x", "kind": 12, "location": {"uri": uri}},
        "rholang/indexingStatus": None,
        "rholang/ping": {"n": line},
    }[method]


PROVIDERS = {
    "hoverProvider": ["textDocument/hover"],
    "definitionProvider": ["textDocument/definition"],
    "declarationProvider": ["textDocument/declaration"],
    "referencesProvider": ["textDocument/references"],
    "documentHighlightProvider": ["textDocument/documentHighlight"],
    "completionProvider": ["textDocument/completion", "completionItem/resolve"],
    "signatureHelpProvider": ["textDocument/signatureHelp"],
    "renameProvider": ["textDocument/prepareRename", "textDocument/rename"],
    "selectionRangeProvider": ["textDocument/selectionRange"],
    "documentSymbolProvider": ["textDocument/documentSymbol"],
    "semanticTokensProvider": [
        "textDocument/semanticTokens/full",
        "textDocument/semanticTokens/full/delta",
        "textDocument/semanticTokens/range",
    ],
    "foldingRangeProvider": ["textDocument/foldingRange"],
    "documentFormattingProvider": ["textDocument/formatting"],
    "documentRangeFormattingProvider": ["textDocument/rangeFormatting"],
    "codeActionProvider": ["textDocument/codeAction"],
    "inlayHintProvider": ["textDocument/inlayHint"],
    "workspaceSymbolProvider": ["workspace/symbol", "workspaceSymbol/resolve"],
}
ALWAYS = ["rholang/ping", "rholang/indexingStatus"]


def advertised(capabilities: dict[str, Any]) -> list[str]:
    out = list(ALWAYS)
    for cap, methods in PROVIDERS.items():
        if capabilities.get(cap):
            out.extend(methods)
    return out


# ---------------------------------------------------------------------------- positions


def split_lines(text: str) -> list[tuple[int, int]]:
    """(start, end) code-point offsets of each line (LSP: \\n, \\r\\n and \\r end lines)."""
    out = []
    start = 0
    for m in re.finditer(r"\r\n|\r|\n", text):
        out.append((start, m.start()))
        start = m.end()
    out.append((start, len(text)))
    return out


def units(s: str, encoding: str) -> int:
    if encoding == "utf-8":
        return len(s.encode("utf-8", "surrogatepass"))
    if encoding == "utf-16":
        return len(s.encode("utf-16-le", "surrogatepass")) // 2
    return len(s)


def offset_to_pos(text: str, offset: int, encoding: str) -> dict[str, int]:
    for i, (s, e) in enumerate(split_lines(text)):
        if offset <= e:
            return pos(i, units(text[s:offset], encoding))
    raise ValueError(offset)


def pos_to_offset(text: str, p: dict[str, int], encoding: str) -> int:
    lines = split_lines(text)
    s, e = lines[min(p["line"], len(lines) - 1)]
    n = 0
    for i in range(s, e):
        if n >= p["character"]:
            return i
        n += units(text[i], encoding)
    return e


def apply_edits(text: str, edits: list[JSON], encoding: str = "utf-16") -> str:
    spans = [
        (pos_to_offset(text, e["range"]["start"], encoding), pos_to_offset(text, e["range"]["end"], encoding), e["newText"])
        for e in edits
    ]  # fmt: skip
    for s, e, new in sorted(spans, reverse=True):
        text = text[:s] + new + text[e:]
    return text


# ---------------------------------------------------------------------------- classes


class Fuzz:
    def __init__(self, report: Report, scale: int, workdir: Path) -> None:
        self.r = report
        self.scale = scale
        self.rng = random.Random(report.seed)
        self.workdir = workdir
        self.files = corpus_files()
        self.server: ServerProc | None = None
        self.methods: list[str] = []

    @property
    def srv(self) -> ServerProc:
        assert self.server is not None
        return self.server

    async def framing(self) -> None:
        n = 30 * self.scale
        valid = [
            {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}},
            {"jsonrpc": "2.0", "id": 2, "method": "rholang/ping", "params": [1]},
            {"jsonrpc": "2.0", "method": "initialized", "params": {}},
        ]
        for _ in range(n):
            data = b"".join(
                b"Content-Length: %d\r\n\r\n%b" % (len(b), b)
                for b in (json.dumps(m).encode() for m in valid)
            )
            data = bytearray(data)
            for _ in range(self.rng.randint(1, 6)):
                op = self.rng.random()
                i = self.rng.randrange(len(data) + 1)
                if op < 0.3 and data:
                    data[min(i, len(data) - 1)] ^= 1 << self.rng.randrange(8)
                elif op < 0.45:
                    data[i:i] = self.rng.randbytes(self.rng.randint(1, 64))
                elif op < 0.55:
                    data[i:i] = b"Content-Length: %d\r\n\r\n" % self.rng.choice(
                        [0, 1, 10**12, 2**31, 99999999999999999999]
                    )
                elif op < 0.65:
                    data[i:i] = b"Content-Length: -5\r\n\r\n"
                elif op < 0.75:
                    body = b"[" * 3000 + b"]" * 3000
                    data[i:i] = b"Content-Length: %d\r\n\r\n%b" % (len(body), body)
                elif op < 0.85:
                    body = json.dumps([valid[1]] * self.rng.randint(0, 5)).encode()
                    data[i:i] = b"Content-Length: %d\r\n\r\n%b" % (len(body), body)
                else:
                    del data[i : i + self.rng.randint(1, 30)]
            try:
                reader, writer = await asyncio.open_connection(self.srv.host, self.srv.port)
                writer.write(bytes(data))
                await writer.drain()
                if self.rng.random() < 0.5:
                    try:
                        await asyncio.wait_for(reader.read(65536), 0.05)
                    except TimeoutError:
                        pass
                writer.close()
            except (ConnectionError, OSError):
                pass
            self.r.inputs["framing"] += 1

    async def params(self) -> None:
        c = await self.srv.connect()
        uri = "file:///fuzz/params.rho"
        text = "new x, y in { contract x(a) = { a!(1) } | x!(y) | for (z <- y) { Nil } }\n" * 5
        c.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "rholang", "version": 1, "text": text}})  # fmt: skip
        per_method = 12 * self.scale
        futs = []
        for method in self.methods:
            good = request_params(method, uri, 0, 15)
            for _ in range(per_method):
                futs.append(c.start_request(method, mutate_params(self.rng, good)))
                self.r.inputs["params"] += 1
                self.r.requests[method] += 1
                if len(futs) % 50 == 0:
                    await c.writer.drain()
        await c.settle()
        self.r.absorb(c)
        await c.close()

    async def corpus(self) -> None:
        if not self.files:
            self.r.skipped.append("corpus: ../shared/corpus absent")
            return
        c = await self.srv.connect()
        for k in range(3 * self.scale):
            path = self.rng.choice(self.files)
            text = mutate_text(self.rng, path.read_text(errors="replace"), self.rng.randint(1, 12))
            uri = f"file:///fuzz/corpus/{k}/{path.name}"
            c.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "rholang", "version": 1, "text": text}})  # fmt: skip
            lines = split_lines(text)
            for method in self.methods:
                for _ in range(2):
                    line = self.rng.randrange(len(lines))
                    s, e = lines[line]
                    ch = units(text[s : self.rng.randint(s, e)], "utf-16")
                    c.start_request(method, request_params(method, uri, line, ch))
                    self.r.requests[method] += 1
            await c.settle()
            c.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
            self.r.inputs["corpus documents"] += 1
        self.r.absorb(c)
        await c.close()

    async def edits(self) -> None:
        base = self.files[0].read_text() if self.files else "new x in { x!(1) }\n" * 40
        base = base[:4000] + "\n// ünïcödé 😀 中文 𝔘\n" + base[4000:8000]
        for enc in ("utf-8", "utf-16", "utf-32"):
            c = await self.srv.connect(encoding=enc)
            uri = f"file:///fuzz/edits-{enc}.rho"
            text = base
            version = 1
            c.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "rholang", "version": 1, "text": text}})  # fmt: skip
            for _round in range(self.scale):
                for _ in range(20):
                    s = self.rng.randrange(len(text) + 1)
                    e = min(len(text), s + self.rng.choice([0, 0, 1, 3, 20]))
                    # no position inside a \r\n: it has none (positions must be exact)
                    if 0 < s < len(text) and text[s - 1 : s + 1] == "\r\n":
                        s -= 1
                    if 0 < e < len(text) and text[e - 1 : e + 1] == "\r\n":
                        e += 1
                    new = self.rng.choice(SNIPPETS + ["", "x", "😀", "\n"])
                    rng_ = {
                        "start": offset_to_pos(text, s, enc),
                        "end": offset_to_pos(text, e, enc),
                    }
                    text = text[:s] + new + text[e:]
                    version += 1
                    c.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"range": rng_, "text": new}]})  # fmt: skip
                    self.r.inputs[f"edits {enc}"] += 1
                fresh = f"{uri}.fresh{_round}"
                c.notify("textDocument/didOpen", {"textDocument": {"uri": fresh, "languageId": "rholang", "version": 1, "text": text}})  # fmt: skip
                for method in ("textDocument/semanticTokens/full", "textDocument/documentSymbol"):
                    a = await c.request(method, {"textDocument": {"uri": uri}})
                    b = await c.request(method, {"textDocument": {"uri": fresh}})
                    self.r.requests[method] += 2
                    if _strip_uris(a.get("result")) != _strip_uris(b.get("result")):
                        self.r.violations.append(
                            f"edits {enc}: {method} after edits differs from a fresh open"
                        )
                c.notify("textDocument/didClose", {"textDocument": {"uri": fresh}})
            await c.settle()
            self.r.absorb(c)
            await c.close()

    async def formatting(self) -> None:
        files = (
            self.rng.sample(self.files, min(len(self.files), 3 * self.scale)) if self.files else []
        )
        if not files:
            self.r.skipped.append("formatting: ../shared/corpus absent")
            return
        c = await self.srv.connect()
        for k, path in enumerate(files):
            lf = path.read_text(errors="replace").replace("\r\n", "\n").replace("\r", "\n")
            for name, eol in (("LF", "\n"), ("CRLF", "\r\n"), ("CR", "\r")):
                text = lf.replace("\n", eol)
                uri = f"file:///fuzz/fmt/{k}-{name}.rho"
                c.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "rholang", "version": 1, "text": text}})  # fmt: skip
                msg = await c.request(
                    "textDocument/formatting",
                    {"textDocument": {"uri": uri}, "options": {"tabSize": 2, "insertSpaces": True}},
                )
                self.r.requests["textDocument/formatting"] += 1
                self.r.inputs[f"formatting {name}"] += 1
                edits = msg.get("result") or []
                out = apply_edits(text, edits)
                # the file's own ending; a file without one may get any single one
                had = set(re.findall(r"\r\n|\r|\n", text))
                has = set(re.findall(r"\r\n|\r|\n", out))
                if (had and not has <= had) or len(has) > 1:
                    self.r.violations.append(f"formatting {name} {path.name}: line endings changed")
                if re.sub(r"\s+", "", out) != re.sub(r"\s+", "", text):
                    self.r.violations.append(f"formatting {name} {path.name}: content changed")
                c.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
        self.r.absorb(c)
        await c.close()

    async def churn(self) -> None:
        big = (
            "\n|\n".join([self.files[-1].read_text()] * 3)
            if self.files
            else "new x in { x!(1) }\n" * 3000
        )
        # connections opened and dropped mid-way
        for k in range(10 * self.scale):
            c = await Conn.open(self.srv.host, self.srv.port)
            c.start_request("initialize", {"capabilities": {}})
            if k % 2:
                c.notify("initialized", {})
                uri = f"file:///fuzz/churn/{k}.rho"
                c.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "rholang", "version": 1, "text": big[: 20_000]}})  # fmt: skip
                c.start_request("textDocument/semanticTokens/full", {"textDocument": {"uri": uri}})
            await asyncio.sleep(self.rng.random() * 0.02)
            c.pending.clear()  # dropped on purpose: its answers are not awaited
            await c.close()
            self.r.inputs["churned connections"] += 1
        # slow readers: ask for much output and never read it
        slow = []
        for k in range(max(1, self.scale // 2)):
            reader, writer = await asyncio.open_connection(self.srv.host, self.srv.port)
            uri = f"file:///fuzz/slow/{k}.rho"
            msgs: list[JSON] = [
                {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}},
                {"jsonrpc": "2.0", "method": "initialized", "params": {}},
                {
                    "jsonrpc": "2.0",
                    "method": "textDocument/didOpen",
                    "params": {
                        "textDocument": {
                            "uri": uri,
                            "languageId": "rholang",
                            "version": 1,
                            "text": big,
                        }
                    },
                },  # fmt: skip
            ] + [
                {
                    "jsonrpc": "2.0",
                    "id": 2 + i,
                    "method": "textDocument/semanticTokens/full",
                    "params": {"textDocument": {"uri": uri}},
                }  # fmt: skip
                for i in range(100)
            ]
            for m in msgs:
                b = json.dumps(m).encode()
                writer.write(b"Content-Length: %d\r\n\r\n%b" % (len(b), b))
            slow.append(writer)
            self.r.inputs["slow readers"] += 1
        # the slow readers' work competes with the probe for a while
        await asyncio.sleep(2.0 if self.scale <= 2 else 10.0)
        for w in slow:
            w.close()

    async def unauthenticated_flood(self) -> None:
        srv = await ServerProc.start(self.workdir, "--auth-token", "fuzz-token")
        try:
            rss0 = srv.rss_mb()
            idle = []
            for k in range(40 * self.scale):
                try:
                    reader, writer = await asyncio.open_connection(srv.host, srv.port)
                except OSError:
                    continue
                choice = k % 4
                if choice == 0:
                    writer.write(b"Content-Length: 268435456\r\n\r\n" + b"[" * 60_000)
                elif choice == 1:
                    writer.write(b"Content-Len")  # and nothing more
                elif choice == 2:
                    b = b'{"jsonrpc":"2.0","id":1,"method":"$/authenticate","params":{"token":"wrong"}}'
                    writer.write(b"Content-Length: %d\r\n\r\n%b" % (len(b), b))
                idle.append(writer)
                self.r.inputs["unauthenticated connections"] += 1
            # an authorised client is served meanwhile, promptly
            t0 = time.perf_counter()
            good = await Conn.open(srv.host, srv.port)
            auth = await good.request("$/authenticate", {"token": "fuzz-token"}, timeout=10)
            if auth.get("result") is not True:
                self.r.violations.append(f"authentication during a flood failed: {auth}")
            await good.result("initialize", {"capabilities": {}})
            await good.result("rholang/ping", 1)
            self.r.auth_during_flood_ms = (time.perf_counter() - t0) * 1000  # 3 round trips
            grown = srv.rss_mb() - rss0
            if grown > 100:
                self.r.violations.append(f"unauthenticated flood grew the server by {grown:.0f} MB")
            self.r.peak_rss_mb = max(self.r.peak_rss_mb, srv.peak_rss_mb)
            for w in idle:
                w.close()
            await good.close()
            self._check_log(srv, "auth server")
        finally:
            await srv.stop()

    def _check_log(self, srv: ServerProc, what: str) -> None:
        log = srv.log_text()
        for m in re.finditer(r"Traceback \(most recent call last\)", log):
            ctx = log[max(0, m.start() - 300) : m.start() + 1500]
            self.r.violations.append(f"traceback in the {what} log:\n{ctx}")
            break


def _strip_uris(obj: JSON) -> JSON:
    """Compare results of two uris of the same text: drop uris and result ids."""
    if isinstance(obj, dict):
        return {k: _strip_uris(v) for k, v in obj.items() if k not in ("uri", "resultId")}
    if isinstance(obj, list):
        return [_strip_uris(v) for v in obj]
    return obj


async def _probe(srv: ServerProc, report: Report, stop: asyncio.Event) -> None:
    """The other client: pings every 20 ms and records the worst round trip."""
    c = await srv.connect()
    while not stop.is_set():
        t0 = time.perf_counter()
        msg = await c.request("rholang/ping", report.pings, timeout=30)
        dt = (time.perf_counter() - t0) * 1000
        if msg.get("result", {}).get("pong") != report.pings:
            report.violations.append(f"probe ping answered wrongly: {msg}")
        report.pings += 1
        report.ping_worst_ms = max(report.ping_worst_ms, dt)
        cls = report.current_class
        report.ping_worst_by_class[cls] = max(report.ping_worst_by_class.get(cls, 0.0), dt)
        try:
            await asyncio.wait_for(stop.wait(), 0.02)
        except TimeoutError:
            pass
    metrics = await c.result("rholang/metrics")
    loop = metrics.get("loop") or {}
    report.worst_stall_ms = float(loop.get("worst_stall_ms", 0.0))
    report.worst_culprit = str(loop.get("worst_culprit", ""))
    report.max_lag_ms = float(loop.get("max_lag_ms", 0.0))
    report.absorb(c)
    await c.close()


CLASSES = ("framing", "params", "corpus", "edits", "formatting", "churn", "unauthenticated_flood")


async def run(*, long: bool = False, seed: int = 20, classes: tuple[str, ...] = CLASSES) -> Report:
    report = Report("long" if long else "quick", seed)
    scale = 20 if long else 1
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="rholang-fuzz-") as tmp:
        workdir = Path(tmp)
        fuzz = Fuzz(report, scale, workdir)
        fuzz.server = await ServerProc.start(workdir, "--max-outbound-bytes", str(8 * 1024 * 1024))
        try:
            init = await Conn.open(fuzz.srv.host, fuzz.srv.port)
            result = await init.result("initialize", {"capabilities": {}})
            fuzz.methods = advertised(result["capabilities"])
            await init.close()
            stop = asyncio.Event()
            probe = asyncio.ensure_future(_probe(fuzz.srv, report, stop))
            for name in classes:
                if name == "unauthenticated_flood":
                    continue
                report.current_class = name
                await getattr(fuzz, name)()
            stop.set()
            await probe
            if fuzz.srv.proc.returncode is not None:
                report.violations.append(f"server exited with {fuzz.srv.proc.returncode}")
            report.peak_rss_mb = max(report.peak_rss_mb, fuzz.srv.peak_rss_mb)
            fuzz._check_log(fuzz.srv, "server")
        finally:
            await fuzz.srv.stop()
        if "unauthenticated_flood" in classes:
            await fuzz.unauthenticated_flood()
    if report.worst_stall_ms > STALL_LIMIT_MS:
        report.violations.append(
            f"event loop stalled {report.worst_stall_ms:.0f} ms: {report.worst_culprit}"
        )
    if report.peak_rss_mb > RSS_LIMIT_MB:
        report.violations.append(f"peak RSS {report.peak_rss_mb:.0f} MB > {RSS_LIMIT_MB:.0f} MB")
    report.seconds = time.perf_counter() - t0
    report.load_average = os.getloadavg()[0]
    return report


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m benchmarks.fuzz", description=__doc__.split("\n")[0]
    )
    ap.add_argument("--long", action="store_true", help="about 20x the inputs (minutes)")
    ap.add_argument("--seed", type=int, default=20)
    ap.add_argument("--only", help="comma-separated classes: " + ",".join(CLASSES))
    ap.add_argument("--json", metavar="PATH", help="also write the report as JSON")
    ap.add_argument(
        "--record",
        action="store_true",
        help="write the figures to benchmarks/fuzz_figures.json (the BENCHMARKS.md section)",
    )
    args = ap.parse_args(argv)
    classes = tuple(args.only.split(",")) if args.only else CLASSES
    report = asyncio.run(run(long=args.long, seed=args.seed, classes=classes))
    out = report.to_json()
    print(json.dumps(out, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=2))
    if args.record:
        out["recorded"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        Path(__file__).with_name("fuzz_figures.json").write_text(json.dumps(out, indent=2) + "\n")
    return 1 if report.violations else 0


if __name__ == "__main__":
    sys.exit(main())
