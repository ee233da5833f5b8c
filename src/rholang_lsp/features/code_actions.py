"""textDocument/codeAction: quick fixes for the semantic diagnostics, matched by code.

* ``unused-name`` -> remove the name from its `new` (the whole `new … in` when it
  was the only name);
* ``unbound-variable`` / ``top-level-free-variable`` -> declare the name in the
  enclosing `new`, or wrap the top-level process in a new `new`;
* ``shadowing`` -> rename the inner binder (and its uses) to a fresh name;
* ``comparison-intent`` -> compare with the outer variable: `*x` -> `=*x`, `x` -> `=x`;
* an unbound name close to a name in scope -> "Change to `resultCh`" (first, preferred);
  ``nil`` -> ``Nil``; a conventional system-channel name (``stdout``) -> declared *with*
  its URI (``stdout(`rho:io:stdout`)``), since a bare ``new stdout`` prints nowhere;
* ``name-in-process-position`` -> ``*x`` at the use (or ``@x`` at the binder when every
  use wants a process); ``process-in-name-position`` -> ``@p`` (or drop the binder's ``@``);
* ``unknown-system-uri`` -> the closest known URI; ``unknown-lookup-uri`` -> the closest
  registry shorthand;
* the parser's ``literal-channel``, ``missing-bar``, ``empty-block``, ``trailing-comma``
  and ``quote-ident`` -> the change their message names (``@"chan"``, `` |``, ``Nil``,
  drop the comma, ``"hello"``);
* source action ``source.sortNew``: sort the declarations of the `new` at the cursor.

Edits are offset ranges into the document ``str``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from rholang_lsp.features.formatting import TextEdit, line_ending
from rholang_lsp.features.legend import QUICKFIX, SOURCE_SORT_NEW
from rholang_lsp.semantics.channel_names import conventional_uri
from rholang_lsp.semantics.checks.codes import UNBOUND_CODES, DiagnosticCode
from rholang_lsp.semantics.checks.unknown_lookup_uri import shorthands
from rholang_lsp.semantics.model import Role, SemanticModel, Sort, SymbolKind
from rholang_lsp.semantics.scope_at import names_in_scope_at, token_before
from rholang_lsp.semantics.spelling import closest
from rholang_lsp.semantics.system_channels import SYSTEM_CHANNELS, bindable_by_new
from rholang_lsp.syntax import Node, SyntaxKind, Token, ast
from rholang_lsp.syntax.kinds import K
from rholang_lsp.workspace.analysis import DocumentAnalysis


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
    parser's and the model's diagnostics overlapping the range."""
    model = a.model
    seen: set[tuple[int, int, str]] = set()
    diags: list[DiagnosticRef] = []
    for d in diagnostics:
        key = (d.start, d.end, d.code)
        if key not in seen:
            seen.add(key)
            diags.append(d)
    for md in (*a.parse.diagnostics, *model.diagnostics):
        if md.start <= end and start <= md.end:
            key = (md.start, md.end, md.code)
            if key not in seen:
                seen.add(key)
                diags.append(DiagnosticRef(md.start, md.end, md.code))
    out: list[CodeAction] = []
    if _kind_wanted(QUICKFIX, only):
        # Each fix costs up to the file's size (a wrap copies the process): a bounded number
        # of them keeps one request linear, whatever the range or the client's list holds.
        fixes: list[CodeAction] = []
        done: set[tuple[str, tuple[tuple[int, int, str], ...]]] = set()
        for d in diags[:MAX_QUICKFIX_DIAGNOSTICS]:
            acts: list[CodeAction | None]
            if d.code == DiagnosticCode.UNUSED_NAME:
                acts = [_remove_unused(a, d)]
            elif d.code in UNBOUND_CODES:
                acts = _fix_unbound(a, d)
            elif d.code == DiagnosticCode.SHADOWING:
                acts = [_rename_shadowing(a, d)]
            elif d.code in _SORT_CODES:
                acts = _fix_sort(a, d)
            elif d.code == DiagnosticCode.UNKNOWN_SYSTEM_URI:
                acts = _fix_uri(a, d)
            elif d.code == DiagnosticCode.UNKNOWN_LOOKUP_URI:
                acts = _fix_uri(a, d, lookup=True)
            elif (by_message := _MESSAGE_FIXES.get(d.code)) is not None:
                acts = [by_message(a, d)]
            elif d.code == DiagnosticCode.COMPARISON_INTENT:
                acts = [_compare_instead(a, d)]
            else:
                acts = []
            for act in acts:
                if act is not None and (akey := _action_key(act)) not in done:
                    done.add(akey)
                    fixes.append(act)
        # the likely intent first (stable: each diagnostic's own order otherwise)
        fixes.sort(key=lambda act: not act.is_preferred)
        out.extend(fixes)
    if _kind_wanted(SOURCE_SORT_NEW, only):
        act = _sort_new(a, start)
        if act is not None:
            out.append(act)
    return out


# ---------------------------------------------------------------------- helpers
def _action_key(act: CodeAction) -> tuple[str, tuple[tuple[int, int, str], ...]]:
    return act.title, tuple((e.start, e.end, e.new_text) for e in act.edits)


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
    # unused because a use misspells it (`resltCh`): the spelling fix is the intent
    typo_of = any(r.symbol is None and closest(r.name, [name]) for r in a.model.references)
    return CodeAction(title, QUICKFIX, edits, [d], is_preferred=not typo_of)


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


def _fix_unbound(a: DocumentAnalysis, d: DiagnosticRef) -> list[CodeAction | None]:
    """Spelling first (the likely intent), then declaring the name (with its URI when
    it is a conventional system-channel name)."""
    tok = a.parse.tree.token_at(d.start)
    if tok is None or tok.kind != K.IDENT or tok.start != d.start or tok.text.startswith("'"):
        return []
    name = tok.text
    out: list[CodeAction | None] = []
    if name.lower() == "nil":
        out.append(
            CodeAction(
                "Change to `Nil`",
                QUICKFIX,
                [TextEdit(tok.start, tok.end, "Nil")],
                [d],
                is_preferred=True,
            )
        )
    else:
        visible = [v.name for v in names_in_scope_at(a.parse, tok.start)]
        near = closest(name, visible)
        for i, cand in enumerate(near[:3]):
            out.append(
                CodeAction(
                    f"Change to `{cand}`",
                    QUICKFIX,
                    [TextEdit(tok.start, tok.end, cand)],
                    [d],
                    is_preferred=i == 0,
                )
            )
    uri = conventional_uri(name, a.parse.target)
    out.append(_declare_unbound(a, d, tok, uri, preferred=not out))
    return out


def _declare_unbound(
    a: DocumentAnalysis, d: DiagnosticRef, tok: Token, uri: str | None, *, preferred: bool
) -> CodeAction | None:
    name = tok.text
    decl = f"{name}(`{uri}`)" if uri is not None else name
    shown = f"`{name}` as `{uri}`" if uri is not None else f"`{name}`"
    new = _enclosing_new(tok)
    if new is not None:
        decls = ast.New(new).decls
        if not decls:
            return None
        last = decls[-1]
        return CodeAction(
            f"Declare {shown} in the enclosing `new`",
            QUICKFIX,
            [TextEdit(last.end, last.end, f", {decl}")],
            [d],
            is_preferred=preferred,
        )
    # no enclosing `new`: wrap the whole top-level process (every part may use the name)
    target = ast.SourceFile(a.parse.tree).process
    if target is None:
        return None
    indent = "  "
    body = a.text[target.start : target.end]
    eol = line_ending(a.text)  # the file's own line endings (CRLF and CR files stay so)
    body = _LINE_BREAK.sub(lambda m: m.group() + indent, body)
    wrapped = f"new {decl} in {{{eol}{indent}{body}{eol}}}"
    return CodeAction(
        f"Add `new {decl} in {{ … }}` around the process",
        QUICKFIX,
        [TextEdit(target.start, target.end, wrapped)],
        [d],
        # declaring a system channel with its URI is what the program needs
        is_preferred=preferred and uri is not None,
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


# ---------------------------------------------------------------------- sort mismatches
_SORT_CODES = frozenset(
    {DiagnosticCode.NAME_IN_PROCESS_POSITION, DiagnosticCode.PROCESS_IN_NAME_POSITION}
)

#: binders whose pattern may be written either way (`x` or `@x`)
_PATTERN_BINDERS = frozenset({SymbolKind.RECEIVE, SymbolKind.CONTRACT_FORMAL})


def _fix_sort(a: DocumentAnalysis, d: DiagnosticRef) -> list[CodeAction | None]:
    """The use gets `*x` / `@x`; the binder changes sort instead when every use of it
    wants the other sort (then that is the likely intent and the preferred fix)."""
    model = a.model
    ref = next(
        (
            r
            for r in model.references
            if r.start == d.start and r.end == d.end and r.symbol is not None and not r.var_ref
        ),
        None,
    )
    if ref is None or ref.symbol is None:
        return []
    sym = model.symbols[ref.symbol]
    uses = [r for r in model.occurrences(sym.id) if r.role is Role.READ]
    all_mismatch = bool(uses) and all(r.position != sym.sort for r in uses)
    binder_fix: CodeAction | None = None
    if sym.kind in _PATTERN_BINDERS and all_mismatch:
        if sym.sort == Sort.NAME:
            binder_fix = CodeAction(
                f"Bind `@{sym.name}` (a process) in the pattern",
                QUICKFIX,
                [TextEdit(sym.start, sym.start, "@")],
                [d],
            )
        elif sym.start > 0 and a.text[sym.start - 1] == "@":
            binder_fix = CodeAction(
                f"Bind `{sym.name}` (a name) in the pattern",
                QUICKFIX,
                [TextEdit(sym.start - 1, sym.start, "")],
                [d],
            )
    prefix = "*" if sym.sort == Sort.NAME else "@"
    use_fix = CodeAction(
        f"Change to `{prefix}{sym.name}`",
        QUICKFIX,
        [TextEdit(ref.start, ref.start, prefix)],
        [d],
    )
    if binder_fix is not None and len(uses) > 1:
        binder_fix.is_preferred = True
        return [binder_fix, use_fix]
    use_fix.is_preferred = True
    return [use_fix, binder_fix]


# ---------------------------------------------------------------------- system URIs
def _fix_uri(
    a: DocumentAnalysis, d: DiagnosticRef, *, lookup: bool = False
) -> list[CodeAction | None]:
    """The closest URI `new` binds (or, in a registry lookup, the closest shorthand)."""
    raw = a.text[d.start : d.end]
    if len(raw) < 2 or raw[0] != "`" or raw[-1] != "`":
        return []
    uri = raw[1:-1]
    target = a.parse.target
    if lookup:
        known = shorthands(target)
    else:
        known = [u for u, ch in SYSTEM_CHANNELS.items() if bindable_by_new(ch) and ch.on(target)]
    near = closest(uri, known, limit=3)
    return [
        CodeAction(
            f"Change to `{cand}`",
            QUICKFIX,
            [TextEdit(d.start + 1, d.end - 1, cand)],
            [d],
            is_preferred=i == 0,
        )
        for i, cand in enumerate(near[:3])
    ]


# ---------------------------------------------------------------------- parser messages
# Each fix makes the change the parser's message names; the tests re-parse the result.


def _quote_literal_channel(a: DocumentAnalysis, d: DiagnosticRef) -> CodeAction | None:
    lit = a.text[d.start : d.end]
    return CodeAction(
        f"Quote the channel: `@{lit}`",
        QUICKFIX,
        [TextEdit(d.start, d.start, "@")],
        [d],
        is_preferred=True,
    )


def _insert_bar(a: DocumentAnalysis, d: DiagnosticRef) -> CodeAction | None:
    prev = token_before(a.parse.tree, d.start)
    if prev is None:
        return None
    return CodeAction(
        "Insert `|` between the processes",
        QUICKFIX,
        [TextEdit(prev.end, prev.end, " |")],
        [d],
        is_preferred=True,
    )


def _nil_in_block(a: DocumentAnalysis, d: DiagnosticRef) -> CodeAction | None:
    block = a.text[d.start : d.end]
    if len(block) < 2 or block[0] != "{" or block[-1] != "}" or block[1:-1].strip():
        return None
    inner = block[1:-1]
    if "\n" in inner or "\r" in inner:
        edit = TextEdit(d.start + 1, d.start + 1, " Nil")
    else:
        edit = TextEdit(d.start, d.end, "{ Nil }")
    return CodeAction("Write `Nil` in the empty block", QUICKFIX, [edit], [d], is_preferred=True)


def _drop_trailing_comma(a: DocumentAnalysis, d: DiagnosticRef) -> CodeAction | None:
    comma = a.text.find(",", d.start, d.end)
    if comma < 0:
        return None
    return CodeAction(
        "Remove the trailing comma",
        QUICKFIX,
        [TextEdit(comma, comma + 1, "")],
        [d],
        is_preferred=True,
    )


def _double_quote(a: DocumentAnalysis, d: DiagnosticRef) -> CodeAction | None:
    lit = a.text[d.start : d.end]
    if len(lit) < 2 or lit[0] != "'" or lit[-1] != "'":
        return None
    body = lit[1:-1].replace("\\", "\\\\").replace('"', '\\"')
    return CodeAction(
        f'Use a string: `"{body}"`',
        QUICKFIX,
        [TextEdit(d.start, d.end, f'"{body}"')],
        [d],
        is_preferred=True,
    )


_MESSAGE_FIXES = {
    "literal-channel": _quote_literal_channel,
    "missing-bar": _insert_bar,
    "empty-block": _nil_in_block,
    "trailing-comma": _drop_trailing_comma,
    "quote-ident": _double_quote,
}
