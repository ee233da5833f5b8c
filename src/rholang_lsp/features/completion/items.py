"""Completion items: the item and result records, LSP item kinds, snippets, and the
collector that filters by the typed prefix; the adders that need no scope query."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from rholang_lsp.features.builtin_methods import BUILTIN_METHODS, LIST, MAP, SET, STRING
from rholang_lsp.semantics.model import ContractInfo, Sort
from rholang_lsp.semantics.scope_at import (
    VisibleName,
)
from rholang_lsp.semantics.system_channels import SYSTEM_CHANNELS, Kind, bindable_by_new
from rholang_lsp.workspace.fuzzy import fuzzy_score

# LSP CompletionItemKind
CK_METHOD, CK_FUNCTION, CK_VARIABLE, CK_MODULE, CK_KEYWORD, CK_SNIPPET = 2, 3, 6, 9, 14, 15
CK_VALUE, CK_CONSTANT, CK_TYPE_PARAMETER, CK_EVENT = 12, 21, 25, 23


@dataclass(slots=True)
class CompletionItem:
    label: str
    kind: int
    detail: str | None = None
    insert_text: str | None = None
    is_snippet: bool = False
    filter_text: str | None = None
    sort_text: str = ""
    label_detail: str | None = None  # labelDetails.detail (e.g. the formals)
    label_description: str | None = None  # labelDetails.description
    documentation: str | None = None  # Markdown (filled by resolve)
    data: dict[str, Any] | None = None
    deprecated: bool = False  # shown struck through (CompletionItemTag.Deprecated)


@dataclass(slots=True)
class CompletionResult:
    items: list[CompletionItem] = field(default_factory=list)
    is_incomplete: bool = False
    #: the range the items replace (the typed prefix)
    replace_start: int = 0
    replace_end: int = 0
    context: str = "none"


# (label, snippet, detail)
_PROCESS_KEYWORDS: list[tuple[str, str, str]] = [
    ("new", "new ${1:x} in {\n\t$0\n}", "new names: new x in { P }"),
    ("for", "for (${1:x} <- ${2:ch}) {\n\t$0\n}", "receive: for (pattern <- channel) { P }"),
    ("contract", "contract ${1:name}(${2:args}) = {\n\t$0\n}", "contract name(formals) = { P }"),
    ("match", "match ${1:expr} {\n\t${2:pattern} => ${3:Nil}\n}", "match expr { pattern => P }"),
    ("if", "if (${1:cond}) {\n\t$2\n}", "if (cond) P else Q"),
    ("let", "let ${1:x} <- ${2:value} in {\n\t$0\n}", "let x <- value in { P }"),
    ("bundle", "bundle {${1}}", "bundle { P } (no read, no write)"),
    ("bundle+", "bundle+{${1}}", "bundle+ { P } (write only)"),
    ("bundle-", "bundle-{${1}}", "bundle- { P } (read only)"),
    ("bundle0", "bundle0{${1}}", "bundle0 { P } (neither)"),
    (
        "select",
        "select {\n\t${1:x} <- ${2:ch} => ${3:Nil}\n}",
        "select (parsed, but no node compiles it)",
    ),
]
_VALUE_KEYWORDS: list[tuple[str, str]] = [
    ("Nil", "the stopped process"),
    ("true", "boolean"),
    ("false", "boolean"),
    ("not", "boolean negation"),
    ("Set", "Set(a, b, ...)"),
]
_TYPE_PATTERNS = ["Int", "String", "Bool", "Uri", "ByteArray"]


def _short_name(uri: str) -> str:
    parts = [p for p in uri.split(":") if p and not p[0].isdigit()]
    last = parts[-1] if parts else uri
    if last in ("ops", "data", "address", "lookup") and len(parts) >= 2:
        return parts[-2] + last[0].upper() + last[1:] if last != "lookup" else "lookup"
    return re.sub(r"[^A-Za-z0-9_]", "", last) or "ch"


def formal_placeholder(text: str) -> str:
    """The argument a send passes for a formal: a formal `@P` matches the process `P`, so
    the placeholder is `P` (`@"fromNillable"` -> `"fromNillable"`, `@{x}` -> `x`), never the
    quoted name (a name where the send needs a process is a syntax error)."""
    t = text.strip()
    if t.startswith("@") and not t.startswith("@@"):
        t = t[1:].strip()
        if t.startswith("{") and t.endswith("}") and _balanced(t[1:-1]):
            t = t[1:-1].strip() or "Nil"
    return t


def _balanced(s: str) -> bool:
    depth = 0
    for ch in s:
        depth += (ch == "{") - (ch == "}")
        if depth < 0:
            return False
    return depth == 0


def snippet_escape(s: str) -> str:
    return s.replace("\\", "\\\\").replace("$", "\\$").replace("}", "\\}")


def send_snippet(channel: str, formals: list[str], remainder: str | None = None) -> str:
    parts = [f"${{{i + 1}:{snippet_escape(formal_placeholder(f))}}}" for i, f in enumerate(formals)]
    return f"{channel}!({', '.join(parts)})"


def formals_from_signature(sig: str) -> list[str]:
    """Formal texts of a `contract name(a, b)` signature string."""
    i = sig.rfind("(")
    if i < 0 or not sig.endswith(")"):
        return []
    inner = sig[i + 1 : -1]
    out: list[str] = []
    depth = 0
    cur = ""
    in_str = False
    for ch in inner:
        if ch == '"':
            in_str = not in_str
        if not in_str:
            if ch in "([{":
                depth += 1
            elif ch in ")]}":
                depth -= 1
            elif ch == "," and depth == 0:
                out.append(cur.strip())
                cur = ""
                continue
        cur += ch
    if cur.strip():
        out.append(cur.strip())
    return [f for f in out if not f.startswith("...")]


# ---------------------------------------------------------------------- the feature
class _Collector:
    def __init__(self, prefix: str, snippets: bool) -> None:
        self.prefix = prefix
        self.snippets = snippets
        self.items: list[
            tuple[int, int, int, CompletionItem]
        ] = []  # (score-group, rank, -score, item)
        self._labels: set[tuple[str, str | None]] = set()
        #: a source was cut (workspace names: the first ones of the prefix index):
        #: the result is incomplete, the client asks again as the prefix grows
        self.incomplete = False

    def add(self, item: CompletionItem, group: int, rank: int = 0) -> None:
        key = (item.label, item.label_detail)
        if key in self._labels:
            return
        ft = item.filter_text or item.label
        score = fuzzy_score(self.prefix, ft) if self.prefix else 0
        if score is None:
            return
        if item.is_snippet and not self.snippets:
            return
        self._labels.add(key)
        # exact-prefix matches first, then by group and rank
        prefix_bonus = 0 if not self.prefix or ft.lower().startswith(self.prefix.lower()) else 1
        self.items.append((prefix_bonus * 100 + group, rank, -score, item))


def _sym_item(sym: VisibleName, label: str, uri: str) -> CompletionItem:
    sort = "name" if sym.sort == Sort.NAME else "process"
    kind = CK_EVENT if sym.uri is not None else CK_VARIABLE
    detail = f"{sort} variable ({sym.kind.value})"
    if sym.uri is not None:
        detail = f"system channel `{sym.uri}`"
    data: dict[str, Any] = {
        "k": "sym",
        "uri": uri,
        "start": sym.start,
        "name": sym.name,
        "sort": sort,
    }
    if sym.uri is not None:
        data["sys"] = sym.uri
    return CompletionItem(label, kind, detail, data=data)


def _add_contract_item(
    col: _Collector, name: str, c: ContractInfo, uri: str, rank: int, sym: VisibleName | None
) -> None:
    formals = [f.text for f in c.formals]
    label_detail = "(" + ", ".join(formals + ([f"...{c.remainder}"] if c.remainder else [])) + ")"
    item = CompletionItem(
        name,
        CK_FUNCTION,
        c.signature,
        send_snippet(name, formals) if col.snippets else name,
        col.snippets,
        label_detail=label_detail,
        data={"k": "contract", "uri": uri, "start": c.name_start, "name": name},
    )
    col.add(item, 0, rank)


def _add_uris(
    col: _Collector, *, backticks: bool, in_new: bool = False, in_lookup: bool = False
) -> None:
    """System URIs; ``in_lookup`` (the URI of `rl!(`…`, ch)`): the registry's shorthands first."""
    for rank, ch in enumerate(SYSTEM_CHANNELS.values()):
        if in_new and not bindable_by_new(ch):
            continue  # a registry shorthand in `new` fails the deploy
        group = 0 if ch.nodes == "both" else 1 if ch.nodes in ("f1r3fly", "rnode") else 2
        if in_lookup:
            group = group if ch.kind is Kind.SHORTHAND else group + 3
        detail = ch.description if ch.arity is None else f"arity {ch.arity}: {ch.description}"
        label = f"`{ch.uri}`" if backticks else ch.uri
        col.add(
            CompletionItem(
                label,
                CK_MODULE,
                detail,
                filter_text=ch.uri,
                label_description=None if ch.nodes == "both" else ch.nodes,
                data={"k": "uri", "uri": ch.uri},
            ),
            group,
            rank,
        )


def _add_new_decls(col: _Collector) -> None:
    for rank, ch in enumerate(SYSTEM_CHANNELS.values()):
        if ch.nodes == "test" or not bindable_by_new(ch):
            continue  # registry shorthands are looked up, never bound by `new`
        name = _short_name(ch.uri)
        label = f"{name}(`{ch.uri}`)"
        col.add(
            CompletionItem(
                label,
                CK_MODULE,
                ch.description,
                f"${{1:{name}}}(`{ch.uri}`)" if col.snippets else label,
                col.snippets,
                filter_text=name,
                label_description=None if ch.nodes == "both" else ch.nodes,
                data={"k": "uri", "uri": ch.uri},
            ),
            0 if ch.nodes == "both" else 1,
            rank,
        )


def _add_methods(
    col: _Collector, snippets: bool, receiver: str | None = None, target: str | None = None
) -> None:
    """The built-in methods after `.`. With an evident ``receiver`` type, that type's
    methods first and the others after; methods the ``target`` node does not have
    (`rnode` / `f1r3fly`) last, marked with the dialect that has them and deprecated."""
    for rank, mth in enumerate(BUILTIN_METHODS.values()):
        params = ", ".join(f"${{{i + 1}:{p}}}" for i, p in enumerate(mth.params))
        other_dialect = target is not None and mth.nodes not in ("both", target)
        group = 0 if mth.common else 1
        if receiver is not None:
            if receiver not in mth.receivers:  # `toByteArray` (any value) after the type's own
                group = 2 if mth.accepts(receiver) else group + 3
        if other_dialect:
            group = 8
        description = None if mth.nodes == "both" else _DIALECT.get(mth.nodes, mth.nodes)
        if other_dialect:
            description = f"{description} only"
        elif receiver is not None and mth.accepts(receiver):
            description = receiver if description is None else f"{receiver}, {description}"
        lead = _EVERYDAY.get(receiver or "", ())
        order = lead.index(mth.name) if mth.name in lead else len(lead) + rank
        col.add(
            CompletionItem(
                mth.name,
                CK_METHOD,
                mth.signature,
                f"{mth.name}({params})" if snippets else mth.name,
                snippets,
                label_detail="(" + ", ".join(mth.params) + ")",
                label_description=description,
                data={"k": "method", "name": mth.name},
                deprecated=other_dialect,
            ),
            group,
            order,
        )


_DIALECT = {"rnode": "RChain", "f1r3fly": "F1R3FLY"}
# the methods most code calls on a type, first among that type's own
_EVERYDAY: dict[str, tuple[str, ...]] = {
    MAP: ("get", "getOrElse", "set", "contains", "delete", "keys", "size"),
    SET: ("contains", "add", "delete", "size", "union", "diff"),
    LIST: ("nth", "length", "slice", "take"),
    STRING: ("length", "slice", "toUtf8Bytes", "hexToBytes"),
}


def _finish(col: _Collector, start: int, end: int, ctx: str, limit: int) -> CompletionResult:
    ranked = sorted(col.items, key=lambda t: (t[0], t[2], t[1], t[3].label))
    cut = len(ranked) > limit or col.incomplete
    items: list[CompletionItem] = []
    for i, (_g, _r, _s, item) in enumerate(ranked[:limit]):
        item.sort_text = f"{i:05d}"
        items.append(item)
    return CompletionResult(items, cut, start, end, ctx)
