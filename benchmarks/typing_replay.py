"""Replay real programs as a user types them, and check what the server answers at every step.

A span of a real file (a few lines inside it) is deleted and typed again one character per
edit, with or without the editor's auto-closing of ``()``, ``[]``, ``{}`` and ``""`` (VS Code's
default: an opener inserts its closer, typing a closer over an auto-inserted one moves over it,
nothing is auto-closed inside a string or comment; what is left of the auto-inserted closers at
the end is deleted). After every keystroke the requests an editor sends while typing run on the
open document's incremental path (the session's ``TextDocument`` edit log, ``AnalysisCache``
and ``Snapshot``): diagnostics, completion, signature help, document highlight, code actions,
semantic tokens, folding. Invariants checked at each step:

* no request raises;
* inside an argument list whose callee is a contract defined outside the typed span, right after
  ``(`` or ``,``: signature help is not null and completion offers the names in scope that are
  bound outside the span;
* diagnostics more than ``FAR_LINES`` lines away from the edit neither appear nor disappear
  from one keystroke to the next, unless the keystroke typed a bracket or a quote (it changed
  the block structure); such changes are counted as "churn";
* at the end, the incremental analysis equals a fresh open of the same text.

``python -m benchmarks.typing_replay [--quick]`` replays the corpus and prints figures: requests
per keystroke, p50/p99 latency per method, diagnostics churn per keystroke.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import statistics
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rholang_lsp.features.code_actions import code_actions
from rholang_lsp.features.completion import complete
from rholang_lsp.features.completion.context import in_pattern
from rholang_lsp.features.diagnostics import document_diagnostics
from rholang_lsp.features.folding import folding_ranges
from rholang_lsp.features.highlight import document_highlights
from rholang_lsp.features.semantic_tokens import semantic_tokens
from rholang_lsp.features.signature_help import enclosing_args, signature_help
from rholang_lsp.semantics.scope_at import names_in_scope_at
from rholang_lsp.syntax import Node, Token, parse
from rholang_lsp.syntax.kinds import SyntaxKind as K
from rholang_lsp.workspace.analysis import AnalysisCache, analyze
from rholang_lsp.workspace.documents import TextDocument
from rholang_lsp.workspace.snapshot import Snapshot

URI = "file:///typing/replay.rho"
FAR_LINES = 3
PAIRS = {"(": ")", "[": "]", "{": "}", '"': '"'}
STRUCTURAL = frozenset('()[]{}"`')
REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"


@dataclass
class Stats:
    keystrokes: int = 0
    requests: int = 0
    failures: list[str] = field(default_factory=list)
    latencies: dict[str, list[float]] = field(default_factory=dict)
    churn: int = 0  # far diagnostics that appeared/disappeared on a structural keystroke
    violations: list[str] = field(default_factory=list)
    checked_args: int = 0

    def merge(self, other: Stats) -> None:
        self.keystrokes += other.keystrokes
        self.requests += other.requests
        self.failures += other.failures
        for k, v in other.latencies.items():
            self.latencies.setdefault(k, []).extend(v)
        self.churn += other.churn
        self.violations += other.violations
        self.checked_args += other.checked_args


def _code_mask(text: str) -> list[bool]:
    """True at offsets in code (not inside a string, URI or comment): where editors auto-close."""
    mask = [True] * (len(text) + 1)
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in '"`':
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            for k in range(i + 1, min(j, n) + 1):
                mask[k] = False
            i = j + 1
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            for k in range(i + 1, j + 1):
                mask[k] = False
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            for k in range(i + 1, j):
                mask[k] = False
            i = j
        else:
            i += 1
    return mask


Edit = tuple[int, int, str]  # start, end, new text (offsets into the buffer before the edit)


def keystrokes(
    text: str, start: int, end: int, *, auto_close: bool
) -> Iterator[tuple[Edit | None, int, str]]:
    """The edits that type ``text[start:end]`` into ``text[:start] + text[end:]``.

    Yields (edit or None for a cursor move over an auto-inserted closer, cursor after the
    keystroke, typed character); a final deletion of leftover auto-inserted closers has
    typed character ``""``."""
    mask = _code_mask(text)
    cursor = start
    pending = ""  # auto-inserted closers right after the cursor
    for i in range(start, end):
        ch = text[i]
        if pending and pending[0] == ch:
            pending = pending[1:]
            cursor += 1
            yield None, cursor, ch
            continue
        if auto_close and ch in PAIRS and mask[i]:
            closer = PAIRS[ch]
            yield (cursor, cursor, ch + closer), cursor + 1, ch
            pending = closer + pending
        else:
            yield (cursor, cursor, ch), cursor + 1, ch
        cursor += 1
    if pending:
        yield (cursor, cursor + len(pending), ""), cursor, ""


_IDENT_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_'")


def _word_before(text: str, offset: int) -> str:
    """The identifier that ends at ``offset`` (or before a single typed punctuation mark)."""
    end = offset
    if end > 0 and text[end - 1] not in _IDENT_CHARS:
        end -= 1
    start = end
    while start > 0 and text[start - 1] in _IDENT_CHARS:
        start -= 1
    return text[start:end]


def _far_key(
    d_start: int, d_end: int, code: str, message: str, cursor: int, length: int
) -> tuple[object, ...]:
    # before the cursor: absolute offsets; after it: offsets from the end (the text after the
    # cursor does not move while typing)
    if d_start >= cursor:
        return ("after", length - d_start, length - d_end, code, message)
    return ("before", d_start, d_end, code, message)


def _subject(key: tuple[object, ...]) -> str:
    """The name a semantic diagnostic is about (its first `quoted` word)."""
    msg = str(key[4])
    i = msg.find("`")
    j = msg.find("`", i + 1)
    return msg[i + 1 : j] if 0 <= i < j else ""


def _related(subject: str, word: str) -> bool:
    return subject.startswith(word) or word.startswith(subject)


class _Probe:
    """The finished program's answers at the same place: what is expected while typing."""

    def __init__(self, text: str, start: int, end: int) -> None:
        self.text = text
        self.start, self.end = start, end
        self.parse = parse(text)
        self.analysis = analyze(URI, text)
        self.snap = Snapshot({URI: TextDocument(URI, text, 1)})

    def expected_at(self, offset: int) -> tuple[bool, set[str]] | None:
        """At ``offset`` (right after `(` or `,` of a send's argument list in the final text,
        outside patterns): (signature help expected, names expected among the completions).

        Expected is what the finished program answers there, limited to what the text outside
        the typed span defines: the callee's contracts and the binders of names in scope."""
        args = enclosing_args(self.parse.tree, offset)
        if args is None or args.parent is None or args.parent.kind not in (K.SEND, K.SYNC_SEND):
            return None
        lp = args.children[0]
        if isinstance(lp, Token) and in_pattern(lp):
            return None  # a send inside a pattern: its arguments are patterns
        sh = signature_help(self.snap, URI, offset)
        name = args.parent.first_child(K.NAME)
        ident = name.text.strip() if isinstance(name, Node) else ""
        contracts = [c for c in self.analysis.model.contracts if c.name == ident]
        want_sig = (
            sh is not None
            and bool(contracts)
            and all(not (self.start <= c.start < self.end) for c in contracts)
        )
        offered = {i.label.lstrip("*@") for i in complete(self.snap, URI, offset).items}
        names = {
            v.name
            for v in names_in_scope_at(self.parse, offset)
            if (v.start < self.start or v.start >= self.end) and v.name in offered
        }
        return want_sig, names


def replay(text: str, start: int, end: int, *, auto_close: bool) -> Stats:
    st = Stats()
    buf = text[:start] + text[end:]
    doc = TextDocument(URI, buf, 1)
    cache = AnalysisCache()
    probe = _Probe(text, start, end)
    code = _code_mask(text)  # the typed character at ``cursor - 1`` is in code (not a string)
    prev_far: set[tuple[object, ...]] | None = None
    prev_cursor = start

    def timed(method: str, fn: Callable[..., object], *args: object, **kw: object) -> object:
        st.requests += 1
        t0 = time.perf_counter()
        try:
            return fn(*args, **kw)
        except Exception:
            st.failures.append(f"{method} at {prev_cursor}: {traceback.format_exc(limit=3)}")
            return None
        finally:
            st.latencies.setdefault(method, []).append(time.perf_counter() - t0)

    for edit, cursor, ch in keystrokes(text, start, end, auto_close=auto_close):
        st.keystrokes += 1
        if edit is not None:
            s, e, new = edit
            line_index = doc.line_index
            sl, sc = line_index.position(s, "utf-32")
            el, ec = line_index.position(e, "utf-32")
            doc.apply_edit(sl, sc, el, ec, new, "utf-32")
            doc.version += 1
        prev_cursor = cursor
        snap = Snapshot({URI: doc}, cache=cache)
        cur = doc.text
        diags = timed("diagnostics", document_diagnostics, cur, uri=URI, snapshot=snap)
        timed("documentHighlight", document_highlights, snap, URI, cursor)
        a = snap.analysis(URI)
        assert a is not None
        timed("codeAction", code_actions, a, cursor, cursor)
        timed("semanticTokens", semantic_tokens, a.parse, a.model)
        timed("foldingRange", folding_ranges, a.parse)
        comp = timed("completion", complete, snap, URI, cursor)
        sh = timed("signatureHelp", signature_help, snap, URI, cursor)
        # argument lists right after `(` or `,`
        if ch in "(," and code[cursor - 1]:
            exp = probe.expected_at(cursor)
            if exp is not None:
                want_sig, names = exp
                st.checked_args += 1
                if want_sig and sh is None:
                    st.violations.append(
                        f"no signature help at {cursor}: {cur[max(0, cursor - 40) : cursor]!r}|"
                    )
                labels = {getattr(i, "label", "").lstrip("*@") for i in getattr(comp, "items", [])}
                missing = names - labels
                if missing and len(labels) < 100:  # a truncated list may drop some
                    st.violations.append(f"completion at {cursor} misses {sorted(missing)[:5]}")
        # far diagnostics
        if isinstance(diags, list):
            line = cur.count("\n", 0, cursor)
            lines_of = [cur.count("\n", 0, d.start) for d in diags]
            far = {
                _far_key(d.start, d.end, d.code, d.message, cursor, len(cur))
                for d, ln in zip(diags, lines_of, strict=True)
                if abs(ln - line) > FAR_LINES
            }
            word = _word_before(cur, cursor)
            if prev_far is not None:
                # a name being typed legitimately binds or unbinds its uses elsewhere
                diff = {
                    k
                    for k in far ^ prev_far
                    if not (
                        word and _subject(k).startswith(word[:1]) and _related(_subject(k), word)
                    )
                }
                changed = len(diff)
                if changed:
                    if ch in STRUCTURAL or ch == "":
                        st.churn += changed
                    else:
                        st.violations.append(
                            f"{changed} far diagnostics changed after typing {ch!r} at {cursor}: "
                            f"{sorted(map(str, diff))[:2]}"
                        )
            prev_far = far
    final = doc.text
    if final != text:
        st.failures.append("the replay did not produce the original text")
    fresh = analyze(URI, final)
    snap = Snapshot({URI: doc}, cache=cache)
    inc = snap.analysis(URI)
    assert inc is not None
    if [(d.start, d.end, d.code) for d in inc.parse.diagnostics] != [
        (d.start, d.end, d.code) for d in fresh.parse.diagnostics
    ] or [(d.start, d.end, d.code) for d in inc.model.diagnostics] != [
        (d.start, d.end, d.code) for d in fresh.model.diagnostics
    ]:
        st.failures.append("incremental analysis differs from a fresh open")
    return st


def spans(text: str, rng: random.Random, count: int, max_lines: int = 3) -> list[tuple[int, int]]:
    """Spans of 1..max_lines whole lines (without their final newline) inside the file."""
    starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
    out = []
    for _ in range(count):
        if len(starts) < 3:
            break
        i = rng.randrange(1, len(starts) - 1)
        j = min(len(starts) - 1, i + rng.randint(1, max_lines))
        s, e = starts[i], starts[j] - 1
        while s < e and text[s] in " \t":
            s += 1  # keep the indentation: the editor would
        if e > s:
            out.append((s, e))
    return out


def corpus_files(limit: int | None = None, seed: int = 1) -> list[Path]:
    manifest = CORPUS / "MANIFEST.tsv"
    if not manifest.is_file():
        return []
    with manifest.open(encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f, delimiter="\t") if r["category"] == "valid"]
    random.Random(seed).shuffle(rows)
    paths = [CORPUS / r["path"] for r in rows]
    return paths[:limit] if limit is not None else paths


def run(
    files: list[Path], spans_per_file: int, seed: int = 3, modes: tuple[bool, ...] = (False, True)
) -> dict[bool, Stats]:
    """Replay spans of ``files``, typed (False) and/or with auto-closing (True)."""
    rng = random.Random(seed)
    out = {auto: Stats() for auto in modes}
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        for s, e in spans(text, rng, spans_per_file):
            for auto in modes:
                out[auto].merge(replay(text, s, e, auto_close=auto))
    return out


def _p(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] * 1000


def report(results: dict[bool, Stats]) -> str:
    lines = []
    for auto, st in results.items():
        lines.append(
            f"auto-close {'on' if auto else 'off'}: {st.keystrokes} keystrokes, "
            f"{st.requests / max(1, st.keystrokes):.1f} requests/keystroke, "
            f"{len(st.failures)} failed requests, {st.checked_args} argument-list checks, "
            f"{len(st.violations)} invariant violations, "
            f"churn {st.churn / max(1, st.keystrokes):.3f} far diagnostics/keystroke"
        )
        for method, lat in sorted(st.latencies.items()):
            lines.append(
                f"  {method:18s} p50 {statistics.median(lat) * 1000:7.2f} ms  p99 {_p(lat, 0.99):7.2f} ms"
            )
    return "\n".join(lines)


FIGURES = Path(__file__).with_name("typing_figures.json")


def figures(results: dict[bool, Stats], files: int, seconds: float) -> dict[str, object]:
    """What BENCHMARKS.md shows (``benchmarks.report.typing_section``)."""
    out: dict[str, object] = {
        "files": files,
        "seconds": round(seconds, 1),
        "recorded": time.strftime("%Y-%m-%d"),
        "load_average": round(os.getloadavg()[0], 1),
    }
    for auto, st in results.items():
        far = sum(1 for v in st.violations if "far diagnostics" in v)
        out["auto" if auto else "typed"] = {
            "keystrokes": st.keystrokes,
            "requests_per_keystroke": round(st.requests / max(1, st.keystrokes), 2),
            "failed_requests": len(st.failures),
            "argument_list_checks": st.checked_args,
            "argument_list_violations": len(st.violations) - far,
            "far_changes_per_keystroke": round((st.churn + far) / max(1, st.keystrokes), 4),
            "latency_ms": {
                m: {"p50": round(statistics.median(v) * 1000, 3), "p99": round(_p(v, 0.99), 3)}
                for m, v in sorted(st.latencies.items())
            },
        }
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="20 files, 2 spans each")
    ap.add_argument("--files", type=int, default=None)
    ap.add_argument("--record", action="store_true", help=f"write the figures to {FIGURES.name}")
    args = ap.parse_args()
    n = args.files if args.files is not None else (20 if args.quick else None)
    files = corpus_files(n)
    t0 = time.perf_counter()
    results = run(files, spans_per_file=2 if args.quick else 4)
    print(f"{len(files)} corpus files")
    print(report(results))
    for st in results.values():
        for v in (st.failures + st.violations)[:10]:
            print("  !", v[:300])
    if args.record:
        data = figures(results, len(files), time.perf_counter() - t0)
        FIGURES.write_text(json.dumps(data, indent=1) + "\n")


if __name__ == "__main__":
    main()
