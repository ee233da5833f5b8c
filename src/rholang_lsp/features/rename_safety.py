"""Refuse a rename that would change what the program means.

The check is done on the result, not by re-deriving the binding rules: every file the rename
edits is re-analysed with the edits applied, and every occurrence of a variable (binder or use)
must resolve to the same binder as before, an unbound occurrence must stay unbound, and the
rename must add no syntax error and no error-severity semantic diagnostic (a duplicate formal,
a sort error). A quoted global name must not be renamed onto a name the workspace already uses
(the two channels would become one).

Binders and uses are matched through the edit: an offset outside every edit moves by the
length difference of the edits before it; an occurrence that the rename rewrote starts where
its edit starts.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from rholang_lsp.features.formatting import TextEdit, apply_edits
from rholang_lsp.semantics.model import Reference, SemanticModel
from rholang_lsp.syntax.diagnostic import Severity
from rholang_lsp.syntax.lexer import line_col
from rholang_lsp.workspace.analysis import DocumentAnalysis, analyze
from rholang_lsp.workspace.snapshot import Snapshot


class UnsafeRename(Exception):
    """The rename would change the program's meaning (message for the user)."""


class _OffsetMap:
    """Old offset -> new offset across non-overlapping, sorted replacements."""

    def __init__(self, edits: Sequence[TextEdit]) -> None:
        self._edits = sorted(edits, key=lambda e: e.start)
        self._starts = [e.start for e in self._edits]
        self._shift: list[int] = []
        acc = 0
        for e in self._edits:
            self._shift.append(acc)
            acc += len(e.new_text) - (e.end - e.start)
        self._total = acc

    def __call__(self, offset: int) -> int:
        i = bisect.bisect_right(self._starts, offset) - 1
        if i < 0:
            return offset
        e = self._edits[i]
        if offset < e.end or offset == e.start:
            return e.start + self._shift[i]  # inside (or at) a rewritten occurrence
        return offset + self._shift[i] + len(e.new_text) - (e.end - e.start)


def _describe(model: SemanticModel, text: str, sid: int | None) -> str:
    if sid is None:
        return "nothing (unbound)"
    sym = model.symbol(sid)
    return f"the {sym.kind.value} binder `{sym.name}` at {line_col(text, sym.start)}"


def check_local_rename(
    snap: Snapshot,
    before: DocumentAnalysis,
    edits: Sequence[TextEdit],
    old_name: str,
    new_name: str,
) -> None:
    """Raise UnsafeRename when applying ``edits`` to ``before`` changes any binding."""
    if not edits:
        return
    new_text = apply_edits(before.text, list(edits))
    after = analyze(before.uri, new_text, target=snap.target)
    moved = _OffsetMap(edits)
    old_m, new_m = before.model, after.model

    if len(after.parse.diagnostics) > len(before.parse.diagnostics):
        d = after.parse.diagnostics[0]
        raise UnsafeRename(
            f"Renaming `{old_name}` to `{new_name}` would not parse: {d.message} "
            f"at {line_col(new_text, d.start)}."
        )

    new_by_start: dict[int, Reference] = {}
    for r in new_m.references:
        new_by_start.setdefault(r.start, r)
    for r in old_m.references:
        nr = new_by_start.get(moved(r.start))
        if nr is None:
            continue  # the occurrence is gone from the reference table (should not happen)
        old_binder = None if r.symbol is None else moved(old_m.symbol(r.symbol).start)
        new_binder = None if nr.symbol is None else new_m.symbol(nr.symbol).start
        if old_binder != new_binder:
            where = line_col(before.text, r.start)
            raise UnsafeRename(
                f"Renaming `{old_name}` to `{new_name}` would change the meaning of `{r.name}` "
                f"at {where}: it refers to {_describe(old_m, before.text, r.symbol)}, and would "
                f"then refer to {_describe(new_m, new_text, nr.symbol)}. Choose another name."
            )

    def errors(m: SemanticModel) -> dict[str, int]:
        out: dict[str, int] = {}
        for d in m.diagnostics:
            if d.severity == Severity.ERROR:
                out[d.code] = out.get(d.code, 0) + 1
        return out

    old_errors = errors(old_m)
    for code, n in errors(new_m).items():
        if n > old_errors.get(code, 0):
            d = next(d for d in new_m.diagnostics if d.code == code)
            raise UnsafeRename(
                f"Renaming `{old_name}` to `{new_name}` would introduce an error at "
                f"{line_col(new_text, d.start)}: {d.message}"
            )


def check_global_rename(snap: Snapshot, old_key: str, new_content: str) -> None:
    """A quoted name may not be renamed onto one that is already in use."""
    new_key = f'@"{new_content}"'
    if new_key == old_key:
        return
    used = snap.global_references(new_key)
    if used:
        uri, ref = used[0]
        lines = snap.line_map(uri)
        where = uri.rsplit("/", 1)[-1]
        if lines is not None:
            line, col = lines.position(ref.start, "utf-32")
            where += f":{line + 1}:{col + 1}"
        raise UnsafeRename(
            f"`{new_key}` is already used ({where}): renaming `{old_key}` to it would make "
            "the two channels one."
        )
