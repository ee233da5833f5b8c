"""Deterministic generator of realistic, valid Rholang benchmark workspaces.

Every generated file is a single RNode-compatible process: one top-level ``new``
that binds ``stdout`` (``rho:io:stdout``) and every local channel, so there are no
top-level free variables. Files define contracts on quoted global names
(``@"svc_0042"``) and call contracts defined in *other* files, plus local
``new``-bound contracts, joins, sequential and persistent receives, ``match``
with list/map patterns, ``let``, ``///`` doc comments with ``@param`` and
non-ASCII string literals (including astral-plane characters, so UTF-16
positions differ from code-point positions).

Same arguments -> same bytes (``random.Random`` seeded with strings, which is
stable across processes and Python versions).

CLI: ``python -m benchmarks.workspace_gen OUT_DIR --files N [--seed S]``
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

ProbeKind = Literal["global_send", "local_var", "contract_name", "doc_contract"]

FILES_PER_MODULE = 25
INDENT = "  "

UNICODE_STRINGS: tuple[str, ...] = (
    "héllo ✓ 𝄞",
    "naïve café ✓",
    "日本語のテキスト",
    "Grüße, Ωmega 🚀",
    "𝄞 ünïcødé 𝔘𝔫𝔦",
    "emoji 😀 and ✓ check",
)

WORDS: tuple[str, ...] = (
    "balance",
    "order",
    "ledger",
    "token",
    "vault",
    "profile",
    "session",
    "invoice",
    "quote",
    "channel",
    "registry",
    "account",
)


@dataclass(frozen=True, slots=True)
class Location:
    """0-based line, UTF-16 character."""

    file: str  # path relative to the workspace root, "/"-separated
    line: int
    character: int


@dataclass(frozen=True, slots=True)
class Probe:
    """A position to send definition/references/hover/rename requests to.

    ``line``/``character`` are 0-based; ``character`` is in UTF-16 code units.
    ``name`` is the symbol text (for quoted names: the text between the quotes).
    ``definition`` is where go-to-definition should land (the contract name for
    contract channels, the binder for pattern variables), when known.
    """

    file: str
    line: int
    character: int
    kind: ProbeKind
    name: str
    definition: Location | None = None


@dataclass(slots=True)
class WorkspaceInfo:
    root: Path
    files: list[Path] = field(default_factory=list)
    total_bytes: int = 0
    total_lines: int = 0
    probes: list[Probe] = field(default_factory=list)
    global_contracts: dict[str, Location] = field(default_factory=dict)
    seed: int = 42

    def probes_of(self, kind: ProbeKind) -> list[Probe]:
        return [p for p in self.probes if p.kind == kind]

    def to_json(self) -> dict[str, object]:
        return {
            "root": str(self.root),
            "seed": self.seed,
            "files": [str(p.relative_to(self.root)) for p in self.files],
            "total_bytes": self.total_bytes,
            "total_lines": self.total_lines,
            "probes": [asdict(p) for p in self.probes],
            "global_contracts": {k: asdict(v) for k, v in self.global_contracts.items()},
        }


def utf16_len(text: str) -> int:
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


# ----------------------------------------------------------------------------- builder


@dataclass(slots=True)
class _RawProbe:
    line: int  # relative to the builder's lines
    col: int  # code points
    kind: ProbeKind
    name: str
    def_line: int | None = None  # same file, relative line
    def_col: int | None = None
    def_global: str | None = None  # global contract name (resolved later)


class _Builder:
    """Accumulates lines of one file's body plus probe marks."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.probes: list[_RawProbe] = []
        self.decls: list[str] = []
        self.defs: dict[str, tuple[int, int]] = {}  # global name -> (line, col)

    def emit(self, depth: int, text: str = "") -> int:
        self.lines.append((INDENT * depth + text) if text else "")
        return len(self.lines) - 1

    def col(self, line: int, needle: str) -> int:
        return self.lines[line].index(needle)

    def mark(
        self,
        line: int,
        needle: str,
        kind: ProbeKind,
        *,
        name: str | None = None,
        definition: tuple[int, int] | None = None,
        def_global: str | None = None,
    ) -> tuple[int, int]:
        """Mark identifier ``name`` found inside the first occurrence of ``needle`` on ``line``.

        ``needle`` is a unique piece of context ending with or around the
        identifier (default: the identifier itself); the *last* occurrence of
        ``name`` inside ``needle`` is the one marked. Returns the (line, col) of the identifier's first
        character. The probe sits one character inside the identifier when it is
        longer than one character.
        """
        if name is None:
            name = needle
        start = self.col(line, needle) + needle.rindex(name)
        inside = start + (1 if len(name) > 1 else 0)
        if definition is None and def_global is None and kind in ("contract_name", "doc_contract"):
            definition = (line, start)  # a contract's name is its own definition
        self.probes.append(
            _RawProbe(
                line,
                inside,
                kind,
                name,
                None if definition is None else definition[0],
                None if definition is None else definition[1],
                def_global,
            )
        )
        return (line, start)

    def position(self, line: int, needle: str, name: str | None = None) -> tuple[int, int]:
        """(line, col) of ``name`` inside the first ``needle`` on ``line``."""
        return (line, self.col(line, needle) + (needle.rindex(name) if name else 0))

    def bar(self) -> None:
        """Append `` |`` to the last non-empty line (parallel composition)."""
        for i in range(len(self.lines) - 1, -1, -1):
            if self.lines[i].strip() and not self.lines[i].lstrip().startswith("//"):
                self.lines[i] += " |"
                return


# ----------------------------------------------------------------------------- blocks


class _FileGen:
    def __init__(self, rng: random.Random, pick_target: Callable[[random.Random], str]) -> None:
        self.rng = rng
        self.pick_target = pick_target
        self.b = _Builder()
        self.k = 0

    def _next(self) -> int:
        self.k += 1
        return self.k

    def _target(self) -> str:
        return self.pick_target(self.rng)

    def _ustr(self) -> str:
        return self.rng.choice(UNICODE_STRINGS)

    def _word(self) -> str:
        return self.rng.choice(WORDS)

    # -- block: global contract on a quoted name, optionally documented
    def global_contract(self, name: str, documented: bool) -> None:
        b, rng = self.b, self.rng
        k = self._next()
        arg = rng.choice(["request", "payload", "msg", "input"])
        word = self._word()
        d = 1
        if documented:
            b.emit(d, f"/// Handles {word} requests sent to {name}.")
            b.emit(d, "///")
            b.emit(d, f"/// Forwards the request to another service and reshapes its {word} reply.")
            b.emit(d, f"/// @param {arg} the {word} request (any process)")
            b.emit(d, "/// @param ret channel that receives the reply")
        else:
            b.emit(d, f"// service {name}: {word} handler")
        ln = b.emit(d, f'contract @"{name}"(@{arg}, ret) = {{')
        kind: ProbeKind = "doc_contract" if documented else "contract_name"
        b.defs[name] = b.mark(ln, f'@"{name}"(', kind, name=name)
        arg_def = b.position(ln, f"(@{arg},", arg)
        b.emit(d + 1, f"new tmp{k} in {{")
        target = self._target()
        ln = b.emit(d + 2, f'@"{target}"!({arg}, *tmp{k}) |')
        b.mark(ln, f'@"{target}"!', "global_send", name=target, def_global=target)
        b.mark(ln, f"!({arg},", "local_var", name=arg, definition=arg_def)
        ln = b.emit(d + 2, f"for (@reply <- tmp{k}) {{")
        reply_def = b.position(ln, "(@reply ", "reply")
        ln = b.emit(d + 3, "match reply {")
        b.mark(ln, "match reply", "local_var", name="reply", definition=reply_def)
        b.emit(d + 4, 'Nil => ret!("empty")')
        b.emit(d + 4, "[first ...rest] => ret!((first, rest.length()))")
        b.emit(d + 4, '{"status": status} => ret!(status)')
        b.emit(
            d + 4, f'_ => ret!({{"service": "{name}", "reply": reply, "note": "{self._ustr()}"}})'
        )
        b.emit(d + 3, "}")
        b.emit(d + 2, "}")
        b.emit(d + 1, "}")
        b.emit(d, "}")

    # -- block: local contract bound by the top-level new, and a call to it
    def local_contract(self) -> None:
        b, rng = self.b, self.rng
        k = self._next()
        helper = f"{self._word()}Helper{k}"
        b.decls.append(helper)
        d = 1
        c1, c2, v = rng.randint(1, 50), rng.randint(1, 9), rng.randint(0, 100)
        if rng.random() < 0.5:
            b.emit(d, f"/// Doubles large values and increments small ones (local {helper}).")
            b.emit(d, "/// @param n the number to transform")
            b.emit(d, "/// @param ret where the result is sent")
            kind: ProbeKind = "doc_contract"
        else:
            kind = "contract_name"
        ln = b.emit(d, f"contract {helper}(@n, ret) = {{")
        helper_def = b.mark(ln, f"{helper}(", kind, name=helper)
        n_def = b.position(ln, "(@n,", "n")
        ln = b.emit(d + 1, f"if (n > {c1}) {{ ret!(n * 2) }} else {{ ret!(n + {c2}) }}")
        b.mark(ln, "(n * 2", "local_var", name="n", definition=n_def)
        b.emit(d, "} |")
        b.emit(d, f"new result{k} in {{")
        ln = b.emit(d + 1, f"{helper}!({v}, *result{k}) |")
        b.mark(ln, f"{helper}!", "local_var", name=helper, definition=helper_def)
        ln = b.emit(d + 1, f"for (@out <- result{k}) {{")
        out_def = b.position(ln, "(@out ", "out")
        ln = b.emit(d + 2, f'stdout!(["{helper}", out])')
        b.mark(ln, ", out]", "local_var", name="out", definition=out_def)
        b.emit(d + 1, "}")
        b.emit(d, "}")

    # -- block: join of two channels
    def join(self) -> None:
        b, rng = self.b, self.rng
        k = self._next()
        left, right = f"left{k}", f"right{k}"
        b.decls += [left, right]
        d = 1
        b.emit(d, "// wait for both halves, then report them together")
        ln = b.emit(d, f"for (@a <- {left} & @b <- {right}) {{")
        a_def = b.position(ln, "(@a ", "a")
        ln = b.emit(d + 1, f'stdout!("join {k}: ${{a}} and ${{b}}" %% {{"a": a, "b": b}})')
        b.mark(ln, '"a": a,', "local_var", name="a", definition=a_def)
        b.emit(d, "} |")
        b.emit(d, f"{left}!({rng.randint(0, 999)}) |")
        b.emit(d, f'{right}!("{self._ustr()}")')

    # -- block: persistent receive as a bounded counter + sequential receipts
    def counter(self) -> None:
        b, rng = self.b, self.rng
        k = self._next()
        ctr, step = f"counter{k}", f"step{k}"
        b.decls += [ctr, step]
        d = 1
        limit = rng.randint(2, 20)
        ln = b.emit(d, f"for (@count <= {ctr}; @delta <- {step}) {{")
        count_def = b.position(ln, "(@count ", "count")
        ln = b.emit(d + 1, f"if (count + delta < {limit}) {{")
        b.mark(ln, "(count +", "local_var", name="count", definition=count_def)
        b.emit(d + 2, f"{ctr}!(count + delta) | {step}!(delta)")
        b.emit(d + 1, "} else {")
        b.emit(d + 2, f'stdout!("counter {k} reached " ++ "{self._ustr()}")')
        b.emit(d + 1, "}")
        b.emit(d, "} |")
        b.emit(d, f"{ctr}!(0) |")
        b.emit(d, f"{step}!({rng.randint(1, 3)})")

    # -- block: let (sequential) with arithmetic
    def let_block(self) -> None:
        b, rng = self.b, self.rng
        self._next()
        d = 1
        x, y = rng.randint(1, 100), rng.randint(1, 100)
        ln = b.emit(d, f"let @base <- {x} ; @scale <- base * {y} in {{")
        base_def = b.position(ln, "@base ", "base")
        ln = b.emit(
            d + 1,
            f'stdout!({{"label": "{self._ustr()}", "base": base, "scaled": scale, "neg": -base}})',
        )
        b.mark(ln, '"base": base,', "local_var", name="base", definition=base_def)
        b.emit(d, "}")

    # -- block: record state with map patterns and method calls
    def record(self) -> None:
        b, rng = self.b, self.rng
        k = self._next()
        store = f"store{k}"
        d = 1
        word = self._word()
        b.emit(d, f"new {store} in {{")
        b.emit(
            d + 1,
            f'{store}!({{"name": "{word}{k}", "tags": ["a", "b", "{self._ustr()}"], '
            f'"size": {rng.randint(0, 500)}}}) |',
        )
        ln = b.emit(d + 1, f"for (@record <- {store}) {{")
        rec_def = b.position(ln, "(@record ", "record")
        b.emit(d + 2, "match record {")
        ln = b.emit(d + 3, '{"name": name, "tags": tags, "size": size} => {')
        tags_def = b.position(ln, '"tags": tags,', "tags")
        ln = b.emit(d + 4, 'stdout!("${n} has ${t} tags" %% {"n": name, "t": tags.length()}) |')
        b.mark(ln, "tags.length", "local_var", name="tags", definition=tags_def)
        ln = b.emit(d + 4, f'{store}!(record.set("size", size + 1))')
        b.mark(ln, "(record.set", "local_var", name="record", definition=rec_def)
        b.emit(d + 3, "}")
        b.emit(d + 3, "[head ...tail] => stdout!(head)")
        b.emit(d + 3, 'Int => stdout!("just a number")')
        b.emit(d + 3, '_ => stdout!("unexpected record")')
        b.emit(d + 2, "}")
        b.emit(d + 1, "}")
        b.emit(d, "}")

    # -- block: call a service in another file and wait for the answer
    def cross_call(self) -> None:
        b, rng = self.b, self.rng
        k = self._next()
        d = 1
        target = self._target()
        b.emit(d, f"new ack{k} in {{")
        reply = f"*ack{k}" if rng.random() < 0.7 else f"bundle+ {{*ack{k}}}"
        ln = b.emit(
            d + 1,
            f'@"{target}"!(["req", {rng.randint(0, 99)}, "{self._ustr()}"], {reply}) |',
        )
        b.mark(ln, f'@"{target}"!', "global_send", name=target, def_global=target)
        ln = b.emit(d + 1, f"for (@answer <- ack{k}) {{")
        ans_def = b.position(ln, "(@answer ", "answer")
        ln = b.emit(d + 2, "if (answer == Nil) { Nil } else { stdout!(answer) }")
        b.mark(ln, "(answer ==", "local_var", name="answer", definition=ans_def)
        b.emit(d + 1, "}")
        b.emit(d, "}")

    # -- block: contract bound by an inner new, boolean logic and `matches`
    def checker(self) -> None:
        b, rng = self.b, self.rng
        k = self._next()
        chk = f"check{k}"
        d = 1
        b.emit(d, f"new {chk}, verdict{k} in {{")
        ln = b.emit(d + 1, f"contract {chk}(@value, ret) = {{")
        chk_def = b.mark(ln, f"{chk}(", "contract_name", name=chk)
        val_def = b.position(ln, "(@value,", "value")
        ln = b.emit(d + 2, "ret!(value matches Int and value >= 0 and not (value == 13))")
        b.mark(ln, "(value matches", "local_var", name="value", definition=val_def)
        b.emit(d + 1, "} |")
        ln = b.emit(d + 1, f"{chk}!({rng.randint(-5, 40)}, *verdict{k}) |")
        b.mark(ln, f"{chk}!", "local_var", name=chk, definition=chk_def)
        b.emit(d + 1, f"for (@ok <- verdict{k}) {{")
        b.emit(d + 2, 'if (ok) { stdout!("valid") } else { stdout!(["invalid", ok]) }')
        b.emit(d + 1, "}")
        b.emit(d, "}")

    def filler(self) -> None:
        choice = self.rng.choices(
            [
                self.local_contract,
                self.join,
                self.counter,
                self.let_block,
                self.record,
                self.cross_call,
                self.checker,
            ],
            weights=[3, 2, 2, 1, 2, 3, 2],
        )[0]
        choice()


def _render_file(
    rng: random.Random,
    header: str,
    own_globals: Sequence[str],
    pick_target: Callable[[random.Random], str],
    target_lines: int,
) -> tuple[str, list[_RawProbe], dict[str, tuple[int, int]]]:
    """Return (text, probes with absolute lines, {own global -> (line, col)})."""
    g = _FileGen(rng, pick_target)
    b = g.b
    for i, name in enumerate(own_globals):
        if i:
            b.bar()
        g.global_contract(name, documented=rng.random() < 0.6)
    # the block sizes are 4..22 lines; stop when the next block would overshoot a lot
    while len(b.lines) + 12 < target_lines:
        b.bar()
        b.emit(0)
        g.filler()
    # top-level `new`, wrapped 6 names per line
    names = ["stdout(`rho:io:stdout`)", *b.decls]
    head: list[str] = [f"// {header}", "// Generated by benchmarks/workspace_gen.py; do not edit."]
    chunks = [names[i : i + 6] for i in range(0, len(names), 6)]
    for ci, chunk in enumerate(chunks):
        prefix = "new " if ci == 0 else INDENT * 2
        suffix = " in {" if ci == len(chunks) - 1 else ","
        head.append(prefix + ", ".join(chunk) + suffix)
    shift = len(head)
    lines = head + b.lines + ["}", ""]
    for p in b.probes:
        p.line += shift
        if p.def_line is not None:
            p.def_line += shift
    defs = {k: (ln + shift, c) for k, (ln, c) in b.defs.items()}
    return "\n".join(lines), b.probes, defs


def _to_utf16(lines: list[str], line: int, col: int) -> int:
    return utf16_len(lines[line][:col])


def _file_rng(seed: int, index: int) -> random.Random:
    return random.Random(f"rholang-bench:{seed}:{index}")


def generate_workspace(
    root: Path,
    files: int,
    *,
    seed: int = 42,
    lines_per_file: tuple[int, int] = (40, 160),
) -> WorkspaceInfo:
    """Write ``files`` Rholang files under ``root/src/moduleNN/fileNNNN.rho``."""
    if files < 1:
        raise ValueError("files must be >= 1")
    lo, hi = lines_per_file
    if lo < 1 or hi < lo:
        raise ValueError("lines_per_file must be (lo, hi) with 1 <= lo <= hi")
    root = Path(root)
    plan = random.Random(f"rholang-bench-plan:{seed}")
    # plan: how many global contracts each file defines
    owners: list[int] = []
    own: list[list[str]] = []
    width = max(4, len(str(files * 3)))
    for i in range(files):
        count = plan.choice((1, 1, 2, 2, 3))
        names = []
        for _ in range(count):
            names.append(f"svc_{len(owners):0{width}d}")
            owners.append(i)
        own.append(names)
    all_globals = [n for names in own for n in names]
    fwidth = max(4, len(str(files - 1)))
    mwidth = max(2, len(str((files - 1) // FILES_PER_MODULE)))
    rel_paths = [
        f"src/module{i // FILES_PER_MODULE:0{mwidth}d}/file{i:0{fwidth}d}.rho" for i in range(files)
    ]

    info = WorkspaceInfo(root=root, seed=seed)
    raw: list[tuple[int, list[str], list[_RawProbe]]] = []
    for i in range(files):
        rng = _file_rng(seed, i)
        target = rng.randint(lo, hi)

        def pick(r: random.Random, i: int = i) -> str:
            if files == 1:
                return r.choice(own[i])
            while True:  # a contract defined in another file
                n = r.randrange(len(all_globals))
                if owners[n] != i:
                    return all_globals[n]

        text, probes, defs = _render_file(
            rng, f"{rel_paths[i]} (seed {seed})", own[i], pick, target
        )
        path = root / rel_paths[i]
        path.parent.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8")
        path.write_bytes(data)
        info.files.append(path)
        info.total_bytes += len(data)
        lines = text.split("\n")
        info.total_lines += len(lines) - 1
        for name, (ln, col) in defs.items():
            info.global_contracts[name] = Location(rel_paths[i], ln, _to_utf16(lines, ln, col))
        raw.append((i, lines, probes))

    for i, lines, probes in raw:
        for p in probes:
            definition: Location | None = None
            if p.def_global is not None:
                definition = info.global_contracts.get(p.def_global)
            elif p.def_line is not None and p.def_col is not None:
                definition = Location(
                    rel_paths[i], p.def_line, _to_utf16(lines, p.def_line, p.def_col)
                )
            info.probes.append(
                Probe(
                    rel_paths[i],
                    p.line,
                    _to_utf16(lines, p.line, p.col),
                    p.kind,
                    p.name,
                    definition,
                )
            )
    return info


def generate_large_file(lines: int = 2000, seed: int = 42) -> str:
    """One valid file of about ``lines`` lines (within a block's size, ~20 lines)."""
    rng = _file_rng(seed, -1)
    own = [f"big_svc_{i:02d}" for i in range(3)]
    text, _, _ = _render_file(
        rng, f"large file ({lines} lines, seed {seed})", own, lambda r: r.choice(own), lines
    )
    return text


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.workspace_gen", description=__doc__)
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--files", type=int, default=100)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--min-lines", type=int, default=40)
    ap.add_argument("--max-lines", type=int, default=160)
    ap.add_argument("--info", type=Path, help="write WorkspaceInfo (incl. probes) as JSON here")
    args = ap.parse_args(argv)
    info = generate_workspace(
        args.out_dir, args.files, seed=args.seed, lines_per_file=(args.min_lines, args.max_lines)
    )
    if args.info:
        args.info.write_text(json.dumps(info.to_json(), indent=1), encoding="utf-8")
    print(
        f"wrote {len(info.files)} files, {info.total_lines} lines, {info.total_bytes} bytes, "
        f"{len(info.probes)} probes to {args.out_dir}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
