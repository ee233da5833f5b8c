"""textDocument/codeAction: quick fixes for the semantic diagnostics, matched by code.

* ``unused-name`` -> remove the name from its `new` (the whole `new … in` when it
  was the only name);
* ``unbound-variable`` / ``top-level-free-variable`` -> declare the name in the
  enclosing `new`, or wrap the top-level process in a new `new`;
* ``shadowing`` -> rename the inner binder (and its uses) to a fresh name;
* ``comparison-intent`` -> compare with the outer variable: `*x` -> `=*x`, `x` -> `=x`;
* source action ``source.sortNew``: sort the declarations of the `new` at the cursor.

Edits are offset ranges into the document ``str``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from rholang_lsp.features.formatting import TextEdit, line_ending
from rholang_lsp.semantics.checks.codes import UNBOUND_CODES, DiagnosticCode
from rholang_lsp.semantics.model import SemanticModel, SymbolKind
from rholang_lsp.syntax import Node, SyntaxKind, Token, ast
from rholang_lsp.workspace.analysis import DocumentAnalysis

K = SyntaxKind

QUICKFIX = "quickfix"
SOURCE_SORT_NEW = "source.sortNew"


@dataclass(frozen=True, slots=True)
class DiagnosticRef:
    """The diagnostic a fix answers (offsets + code), as sent by the client."""

    start: int
    end: int
    code: str


@dataclass(slots=True)
class CodeAction:
    title: str
    kind: str
    edits: list[TextEdit]
    diagnostics: list[DiagnosticRef] = field(default_factory=list)
    is_preferred: bool = False


_LINE_BREAK = re.compile(r"\r\n|\r|\n")

#: quick fixes are computed for at most this many diagnostics per request (ARCHITECTURE "Limits")
MAX_QUICKFIX_DIAGNOSTICS = 64


def _kind_wanted(kind: str, only: list[str] | None) -> bool:
    if not only:
        return True
    return any(kind == o or kind.startswith(o + ".") for o in only)


def code_actions(
    a: DocumentAnalysis,
    start: int,
    end: int,
    diagnostics: Iterable[DiagnosticRef] = (),
    only: list[str] | None = None,
) -> list[CodeAction]:
    """Actions for the range ``[start, end]``: fixes for the given diagnostics plus the
    semantic diagnostics of the model overlapping the range."""
    model = a.model
    seen: set[tuple[int, int, str]] = set()
    diags: list[DiagnosticRef] = []
    for d in diagnostics:
        key = (d.start, d.end, d.code)
        if key not in seen:
            seen.add(key)
            diags.append(d)
    for md in model.diagnostics:
        if md.start <= end and start <= md.end:
            key = (md.start, md.end, md.code)
            if key not in seen:
                seen.add(key)
                diags.append(DiagnosticRef(md.start, md.end, md.code))
    out: list[CodeAction] = []
    if _kind_wanted(QUICKFIX, only):
        # Each fix costs up to the file's size (a wrap copies the process): a bounded number
        # of them keeps one request linear, whatever the range or the client's list holds.
        for d in diags[:MAX_QUICKFIX_DIAGNOSTICS]:
            if d.code == DiagnosticCode.UNUSED_NAME:
                act = _remove_unused(a, d)
            elif d.code in UNBOUND_CODES:
                act = _declare_unbound(a, d)
            elif d.code == DiagnosticCode.SHADOWING:
                act = _rename_shadowing(a, d)
            elif d.code == DiagnosticCode.COMPARISON_INTENT:
                act = _compare_instead(a, d)
            else:
                act = None
            if act is not None:
                out.append(act)
    if _kind_wanted(SOURCE_SORT_NEW, only):
        act = _sort_new(a, start)
        if act is not None:
            out.append(act)
    return out


# ---------------------------------------------------------------------- helpers
def _ancestor(node: Node | None, kind: SyntaxKind) -> Node | None:
    while node is not None and node.kind != kind:
        node = node.parent
    return node


def _decl_at(root: Node, offset: int) -> Node | None:
    tok = root.token_at(offset)
    if tok is None:
        return None
    return _ancestor(tok.parent, K.NAME_DECL)


def _remove_unused(a: DocumentAnalysis, d: DiagnosticRef) -> CodeAction | None:
    decl = _decl_at(a.parse.tree, d.start)
    if decl is None or decl.parent is None or decl.parent.kind != K.NEW:
        return None
    new = decl.parent
    name = a.text[d.start : d.end]
    decls = ast.New(new).decls
    if len(decls) == 1:
        view = ast.New(new)
        body = view.body[0] if view.body else None
        kw_in = view.kw_in
        if body is None or kw_in is None:
            return None
        first_body_tok = body.first_token()
        if first_body_tok is None:
            return None
        edits = [TextEdit(new.start, first_body_tok.start, "")]
        title = f"Remove unused `{name}` (and its `new`)"
    else:
        idx = decls.index(decl)
        if idx + 1 < len(decls):
            s, e = decl.start, decls[idx + 1].start  # `x, ` up to the next declaration
        else:
            prev = decls[idx - 1]
            s, e = prev.end, decl.end  # `, x` after the previous declaration
        edits = [TextEdit(s, e, "")]
        title = f"Remove unused `{name}` from `new`"
    return CodeAction(title, QUICKFIX, edits, [d], is_preferred=True)


def _enclosing_new(tok: Token) -> Node | None:
    """The innermost `new` whose body contains ``tok``."""
    child: Node | Token = tok
    node = tok.parent
    while node is not None:
        if node.kind == K.NEW and isinstance(child, Node) and child.kind != K.NAME_DECL:
            return node
        child = node
        node = node.parent
    return None


def _declare_unbound(a: DocumentAnalysis, d: DiagnosticRef) -> CodeAction | None:
    tok = a.parse.tree.token_at(d.start)
    if tok is None or tok.kind != K.IDENT or tok.start != d.start:
        return None
    name = tok.text
    new = _enclosing_new(tok)
    if new is not None:
        decls = ast.New(new).decls
        if not decls:
            return None
        last = decls[-1]
        return CodeAction(
            f"Declare `{name}` in the enclosing `new`",
            QUICKFIX,
            [TextEdit(last.end, last.end, f", {name}")],
            [d],
            is_preferred=True,
        )
    # no enclosing `new`: wrap the whole top-level process (every part may use the name)
    target = next((c for c in a.parse.tree.children if isinstance(c, Node)), None)
    if target is None:
        return None
    indent = "  "
    body = a.text[target.start : target.end]
    eol = line_ending(a.text)  # the file's own line endings (CRLF and CR files stay so)
    body = _LINE_BREAK.sub(lambda m: m.group() + indent, body)
    wrapped = f"new {name} in {{{eol}{indent}{body}{eol}}}"
    return CodeAction(
        f"Add `new {name} in {{ … }}` around the process",
        QUICKFIX,
        [TextEdit(target.start, target.end, wrapped)],
        [d],
    )


def _compare_instead(a: DocumentAnalysis, d: DiagnosticRef) -> CodeAction | None:
    """Replace the binder that was meant as a comparison by the comparison (the fix the
    binder recorded with the fact)."""
    for f in a.model.facts.shadowing:
        if f.fix is not None and (f.fix[0], f.fix[1]) == (d.start, d.end):
            start, end, text = f.fix
            return CodeAction(
                f"Compare with the outer `{a.model.symbols[f.outer].name}`: `{text}`",
                QUICKFIX,
                [TextEdit(start, end, text)],
                [d],
            )
    return None


def _fresh_name(model: SemanticModel, text: str, base: str) -> str:
    """``base2``, ``base3``, ...: the first that is not a name and not in the text at all."""
    used = {s.name for s in model.symbols} | {r.name for r in model.references}
    # one scan for every ``base<digits>`` in the text (not one scan per candidate)
    taken = {int(m.group(1)) for m in re.finditer(re.escape(base) + r"(\d{1,9})", text)}
    i = 2
    while i in taken or f"{base}{i}" in used:
        i += 1
    return f"{base}{i}"


def _rename_shadowing(a: DocumentAnalysis, d: DiagnosticRef) -> CodeAction | None:
    model = a.model
    sym = next((s for s in model.symbols if s.start == d.start and s.end == d.end), None)
    if sym is None or sym.kind == SymbolKind.PATTERN:
        return None
    new_name = _fresh_name(model, a.text, sym.name)
    edits = [TextEdit(r.start, r.end, new_name) for r in model.occurrences(sym.id)]
    if not edits:
        edits = [TextEdit(sym.start, sym.end, new_name)]
    return CodeAction(f"Rename `{sym.name}` to `{new_name}`", QUICKFIX, edits, [d])


def _sort_new(a: DocumentAnalysis, offset: int) -> CodeAction | None:
    tok = a.parse.tree.token_at(offset)
    new = _ancestor(tok.parent if tok is not None else None, K.NEW)
    # prefer the `new` whose declaration list holds the cursor, else the innermost
    if new is None:
        return None
    decls = ast.New(new).decls
    if len(decls) < 2:
        return None
    texts = [a.text[c.start : c.end] for c in decls]

    def key(t: str) -> tuple[int, str, str]:
        return (0 if "(" in t else 1, t.lower(), t)  # system channels first, then by name

    ordered = sorted(texts, key=key)
    if ordered == texts:
        return None
    edits = [
        TextEdit(c.start, c.end, t)
        for c, t in zip(decls, ordered, strict=True)
        if a.text[c.start : c.end] != t
    ]
    return CodeAction("Sort `new` declarations", SOURCE_SORT_NEW, edits)
