"""completionItem/resolve: documentation added lazily to the item the client shows."""

from __future__ import annotations

from typing import Any

from rholang_lsp.features.builtin_methods import BUILTIN_METHODS
from rholang_lsp.features.completion.workspace_contracts import _Globals
from rholang_lsp.semantics.binder import doc_for
from rholang_lsp.semantics.scope_at import (
    contract_at,
    new_declaration_at,
)
from rholang_lsp.semantics.system_channels import SYSTEM_CHANNELS
from rholang_lsp.workspace.snapshot import Snapshot


# ---------------------------------------------------------------------- resolve
def resolve(snap: Snapshot, data: dict[str, Any] | None) -> str | None:
    """Markdown documentation for an item's ``data`` (None when there is none)."""
    if not isinstance(data, dict):
        return None
    kind = data.get("k")
    if kind == "uri":
        ch = SYSTEM_CHANNELS.get(str(data.get("uri")))
        return ch.hover_markdown() if ch is not None else None
    if kind == "method":
        mth = BUILTIN_METHODS.get(str(data.get("name")))
        if mth is None:
            return None
        md = f"```rholang\n.{mth.signature}\n```\n\n{mth.doc}"
        if mth.nodes != "both":
            md += f"\n\n*{'RNode' if mth.nodes == 'rnode' else 'F1R3FLY'} only.*"
        return md
    uri = data.get("uri")
    if not isinstance(uri, str):
        return None
    if kind == "global":
        key = str(data.get("key"))
        current = snap.parse(uri) if snap.is_open(uri) else None
        defs = (
            _Globals(snap, uri, current).definitions(key)
            if current is not None
            else snap.global_definitions(key)
        )
        for u, gc in defs:
            if u == uri and gc.name_start == data.get("start"):
                md = f"```rholang\n{gc.signature}\n```"
                if gc.doc_markdown:
                    md += "\n\n" + gc.doc_markdown
                return md
        return None
    parsed = snap.parse(uri)
    start = data.get("start")
    if parsed is None or not isinstance(start, int):
        return None
    if kind == "contract":
        lc = contract_at(parsed, start)
        if lc is None:
            return None
        md = f"```rholang\n{lc.info.signature}\n```"
        if lc.info.doc is not None:
            md += "\n\n" + lc.info.doc.to_markdown()
        return md
    if kind == "sym":
        name = data.get("name")
        if not isinstance(name, str) or parsed.text[start : start + len(name)] != name:
            return None
        sort = "name" if data.get("sort") == "name" else "process"
        parts = [f"**{name}** — {sort} variable"]
        sys_uri = data.get("sys")
        if isinstance(sys_uri, str):
            ch = SYSTEM_CHANNELS.get(sys_uri)
            if ch is not None:
                parts.append(ch.hover_markdown())
        decl = new_declaration_at(parsed, start)
        if decl is not None:
            doc = doc_for(decl[0])
            if doc is not None:
                parts.append(doc.to_markdown())
        return "\n\n".join(parts)
    return None
