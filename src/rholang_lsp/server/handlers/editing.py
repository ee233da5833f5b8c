"""Editing handlers: completion (+resolve), signatureHelp, semanticTokens (full, delta,
range), foldingRange, selectionRange, formatting (document, range), codeAction,
inlayHint, and the configuration they read.

Thin: convert LSP positions to offsets with the document's ``LineIndex`` in the
session's position encoding, call the pure feature, convert offsets back.
"""

from __future__ import annotations

import itertools
from typing import Any, Final

from rholang_lsp.features import completion as completion_feature
from rholang_lsp.features.code_actions import (
    QUICKFIX,
    SOURCE_SORT_NEW,
    DiagnosticRef,
    code_actions,
)
from rholang_lsp.features.folding import folding_ranges
from rholang_lsp.features.formatting import FormatOptions, TextEdit, format_edits
from rholang_lsp.features.inlay_hints import inlay_hints
from rholang_lsp.features.selection_range import selection_chain
from rholang_lsp.features.semantic_tokens import (
    T_COMMENT,
    T_STRING,
    TOKEN_MODIFIERS,
    TOKEN_TYPES,
    SemToken,
    semantic_tokens,
)
from rholang_lsp.features.signature_help import signature_help
from rholang_lsp.server.indexing import session_snapshot
from rholang_lsp.server.markup import COMPLETION_DOC, SIGNATURE_DOC, markup
from rholang_lsp.server.registry import notification, request
from rholang_lsp.server.session import Session
from rholang_lsp.syntax import ParseResult
from rholang_lsp.syntax.line_index import UTF16, LineIndex
from rholang_lsp.workspace.documents import TextDocument
from rholang_lsp.workspace.snapshot import Snapshot

_DATA_KEY: Final = "editing"
_MAX_FOLDS: Final = 5000
_result_ids = itertools.count(1)


# ---------------------------------------------------------------------- plumbing
def _state(session: Session) -> dict[str, Any]:
    st = session.data.get(_DATA_KEY)
    if st is None:
        st = {"semtok": {}, "config": {}}
        session.data[_DATA_KEY] = st
        params = session.initialize_params
        if params is not None and isinstance(params.initializationOptions, dict):
            _merge_config(st["config"], params.initializationOptions)
    return st


def _snapshot(session: Session, uri: str) -> Snapshot:
    """The session's snapshot: the same analysis cache as every other feature."""
    return session_snapshot(session, uri)


def _uri(params: Any) -> str | None:
    if not isinstance(params, dict):
        return None
    td = params.get("textDocument")
    uri = td.get("uri") if isinstance(td, dict) else None
    return uri if isinstance(uri, str) else None


def _offset(session: Session, index: LineIndex, pos: Any) -> int:
    if not isinstance(pos, dict):
        return 0
    return index.offset(
        int(pos.get("line", 0)), int(pos.get("character", 0)), session.position_encoding
    )


def _pos(session: Session, index: LineIndex, offset: int) -> dict[str, int]:
    line, ch = index.position(offset, session.position_encoding)
    return {"line": line, "character": ch}


def _range(session: Session, index: LineIndex, start: int, end: int) -> dict[str, Any]:
    return {"start": _pos(session, index, start), "end": _pos(session, index, max(start, end))}


def _offsets(session: Session, index: LineIndex, rng: Any) -> tuple[int, int]:
    if not isinstance(rng, dict):
        return 0, len(index.text)
    s = _offset(session, index, rng.get("start"))
    e = _offset(session, index, rng.get("end"))
    return (s, e) if s <= e else (e, s)


def _open_parse(session: Session, params: Any) -> tuple[TextDocument, ParseResult] | None:
    """The open document of ``params`` and its parse (syntax only: no bind)."""
    uri = _uri(params)
    doc = session.documents.get(uri) if uri else None
    if doc is None or uri is None:
        return None
    parsed = _snapshot(session, uri).parse(uri)
    if parsed is None:
        return None
    return doc, parsed


def _client_cap(session: Session, *path: str) -> Any:
    node: Any = session.client_capabilities
    for p in path:
        if not isinstance(node, dict):
            return None
        node = node.get(p)
    return node


def _units(text: str, encoding: str) -> int:
    if encoding == "utf-32" or text.isascii():
        return len(text)
    if encoding == UTF16:
        return len(text.encode("utf-16-le", "surrogatepass")) // 2
    return len(text.encode("utf-8", "surrogatepass"))


def _edits_json(session: Session, index: LineIndex, edits: list[TextEdit]) -> list[dict[str, Any]]:
    return [{"range": _range(session, index, e.start, e.end), "newText": e.new_text} for e in edits]


# ---------------------------------------------------------------------- configuration
def _merge_config(into: dict[str, Any], raw: Any) -> None:
    """Accept ``{"rholang": {...}}``, ``{...}`` or dotted keys ``{"rholang.x.y": v}``."""
    if not isinstance(raw, dict):
        return
    if isinstance(raw.get("rholang"), dict):
        raw = raw["rholang"]
    for key, value in raw.items():
        if not isinstance(key, str):
            continue
        parts = key.split(".")
        if parts[0] == "rholang":
            parts = parts[1:]
        node = into
        for p in parts[:-1]:
            node = node.setdefault(p, {})
            if not isinstance(node, dict):
                break
        else:
            if parts:
                if isinstance(value, dict) and isinstance(node.get(parts[-1]), dict):
                    _merge_config(node[parts[-1]], value)
                else:
                    node[parts[-1]] = value


def _config(session: Session, *path: str) -> Any:
    node: Any = _state(session)["config"]
    for p in path:
        if not isinstance(node, dict):
            return None
        node = node.get(p)
    return node


@notification("workspace/didChangeConfiguration")
def did_change_configuration(session: Session, params: Any) -> None:
    if isinstance(params, dict):
        _merge_config(_state(session)["config"], params.get("settings"))


# ---------------------------------------------------------------------- completion
COMPLETION_CAPABILITIES: Final = {
    "completionProvider": {
        "triggerCharacters": [".", "`", "@", "(", ",", '"'],
        "resolveProvider": True,
        "completionItem": {"labelDetailsSupport": True},
    }
}


@request("textDocument/completion", capabilities=COMPLETION_CAPABILITIES)
def completion(session: Session, params: Any) -> dict[str, Any] | None:
    uri = _uri(params)
    doc = session.documents.get(uri) if uri else None
    if doc is None or uri is None:
        return None
    index = doc.line_index
    offset = _offset(session, index, params.get("position"))
    snippets = bool(
        _client_cap(session, "textDocument", "completion", "completionItem", "snippetSupport")
    )
    res = completion_feature.complete(_snapshot(session, uri), uri, offset, snippets=snippets)
    rng = _range(session, index, res.replace_start, res.replace_end)
    items: list[dict[str, Any]] = []
    for it in res.items:
        item: dict[str, Any] = {
            "label": it.label,
            "kind": it.kind,
            "sortText": it.sort_text,
            "textEdit": {
                "range": rng,
                "newText": it.insert_text if it.insert_text is not None else it.label,
            },
            "insertTextFormat": 2 if it.is_snippet else 1,
        }
        if it.filter_text is not None:
            item["filterText"] = it.filter_text
        if it.detail:
            item["detail"] = it.detail
        if it.label_detail or it.label_description:
            ld: dict[str, str] = {}
            if it.label_detail:
                ld["detail"] = it.label_detail
            if it.label_description:
                ld["description"] = it.label_description
            item["labelDetails"] = ld
        if it.documentation:
            item["documentation"] = markup(session, it.documentation, COMPLETION_DOC)
        if it.data is not None:
            item["data"] = it.data
        items.append(item)
    return {"isIncomplete": res.is_incomplete, "items": items}


@request("completionItem/resolve")
def completion_resolve(session: Session, params: Any) -> Any:
    if not isinstance(params, dict):
        return params
    data = params.get("data")
    uri = data.get("uri") if isinstance(data, dict) else None
    snap = _snapshot(session, uri) if isinstance(uri, str) else Snapshot({})
    md = completion_feature.resolve(snap, data if isinstance(data, dict) else None)
    if md:
        params["documentation"] = markup(session, md, COMPLETION_DOC)
    return params


# ---------------------------------------------------------------------- signature help
@request(
    "textDocument/signatureHelp",
    capabilities={
        "signatureHelpProvider": {
            "triggerCharacters": ["(", ","],
            "retriggerCharacters": [",", ")"],
        }
    },
)
def signature_help_handler(session: Session, params: Any) -> dict[str, Any] | None:
    uri = _uri(params)
    doc = session.documents.get(uri) if uri else None
    if doc is None or uri is None:
        return None
    offset = _offset(session, doc.line_index, params.get("position"))
    res = signature_help(_snapshot(session, uri), uri, offset)
    if res is None:
        return None
    enc = session.position_encoding
    sigs: list[dict[str, Any]] = []
    for s in res.signatures:
        params_json = []
        for p in s.parameters:
            a = _units(s.label[: p.start], enc)
            b = a + _units(s.label[p.start : p.end], enc)
            pj: dict[str, Any] = {"label": [a, b]}
            if p.documentation:
                pj["documentation"] = markup(session, p.documentation, SIGNATURE_DOC)
            params_json.append(pj)
        sj: dict[str, Any] = {"label": s.label, "parameters": params_json}
        if s.documentation:
            sj["documentation"] = markup(session, s.documentation, SIGNATURE_DOC)
        sigs.append(sj)
    active_param = res.active_parameter
    if res.signatures:
        sig = res.signatures[res.active_signature]
        if sig.variadic and sig.parameters:
            active_param = min(active_param, len(sig.parameters) - 1)
    return {
        "signatures": sigs,
        "activeSignature": res.active_signature,
        "activeParameter": active_param,
    }


# ---------------------------------------------------------------------- semantic tokens
SEMANTIC_TOKENS_CAPABILITIES: Final = {
    "semanticTokensProvider": {
        "legend": {"tokenTypes": list(TOKEN_TYPES), "tokenModifiers": list(TOKEN_MODIFIERS)},
        "full": {"delta": True},
        "range": True,
    }
}


def encode_semantic_tokens(
    index: LineIndex, tokens: list[SemToken], encoding: str, *, multiline: bool = False
) -> list[int]:
    """LSP relative encoding of absolute tokens; multi-line tokens are split per line
    unless the client supports them. Tokens must be in document order."""
    text = index.text
    data: list[int] = []
    extend = data.extend
    find = text.find
    n_lines = index.line_count
    eof_next = len(text) + 1
    prev_line = prev_char = 0
    line = 0
    line_start = 0
    line_end = index.line_end(0)
    next_start = index.line_start(1) if n_lines > 1 else eof_next
    # offsets are code units when the encoding is UTF-32 or the text is ASCII; else
    # only the non-ASCII lines need encoding, and there the units up to ``cur_off``
    # (``cur_units``) carry over to the next token instead of re-encoding the prefix
    plain = encoding == "utf-32" or text.isascii()
    line_plain = plain or text[:line_end].isascii()
    cur_off = cur_units = 0
    #: token types split at line breaks (unless the client takes multi-line tokens)
    split_types = () if multiline else (T_COMMENT, T_STRING)
    for start, length, typ, mods in tokens:
        end = start + length
        if typ in split_types and (find("\n", start, end) >= 0 or find("\r", start, end) >= 0):
            segs: list[tuple[int, int]] = []
            ln = index.line_of(start)
            s = start
            while s < end:
                e = min(end, index.line_end(ln))
                if e > s:
                    segs.append((s, e))
                ln += 1
                if ln >= n_lines:
                    break
                s = index.line_start(ln)
        elif line_start <= start < next_start and line_plain and (plain or end <= line_end):
            # the common case: one segment on the current (ASCII) line
            ch = start - line_start
            if line == prev_line:
                extend((0, ch - prev_char, length, typ, mods))
            else:
                extend((line - prev_line, ch, length, typ, mods))
            prev_line, prev_char = line, ch
            continue
        else:
            segs = [(start, end)]
        for s, e in segs:
            if s >= next_start or s < line_start:
                line = index.line_of(s)
                line_start = index.line_start(line)
                line_end = index.line_end(line)
                next_start = index.line_start(line + 1) if line + 1 < n_lines else eof_next
                line_plain = plain or text[line_start:line_end].isascii()
                cur_off, cur_units = line_start, 0
            if line_plain:
                ch = s - line_start
            else:
                if s < cur_off:
                    cur_off, cur_units = line_start, 0
                ch = cur_units + _units(text[cur_off:s], encoding)
                cur_off, cur_units = s, ch
            n = e - s if plain or (line_plain and e <= line_end) else _units(text[s:e], encoding)
            if line == prev_line:
                extend((0, ch - prev_char, n, typ, mods))
            else:
                extend((line - prev_line, ch, n, typ, mods))
            prev_line, prev_char = line, ch
    return data


def _semantic_data(
    session: Session, uri: str, start: int | None = None, end: int | None = None
) -> list[int] | None:
    doc = session.documents.get(uri)
    if doc is None:
        return None
    a = _snapshot(session, uri).analysis(uri)
    if a is None:
        return None
    toks = semantic_tokens(a.parse, a.model, start, end)
    multiline = bool(
        _client_cap(session, "textDocument", "semanticTokens", "multilineTokenSupport")
    )
    return encode_semantic_tokens(
        doc.line_index, toks, session.position_encoding, multiline=multiline
    )


def _remember(session: Session, uri: str, data: list[int]) -> str:
    rid = str(next(_result_ids))
    store: dict[str, tuple[str, list[int]]] = _state(session)["semtok"]
    store[uri] = (rid, data)
    return rid


@request("textDocument/semanticTokens/full", capabilities=SEMANTIC_TOKENS_CAPABILITIES)
def semantic_tokens_full(session: Session, params: Any) -> dict[str, Any] | None:
    uri = _uri(params)
    data = _semantic_data(session, uri) if uri else None
    if data is None or uri is None:
        return None
    return {"resultId": _remember(session, uri, data), "data": data}


@request("textDocument/semanticTokens/full/delta")
def semantic_tokens_delta(session: Session, params: Any) -> dict[str, Any] | None:
    uri = _uri(params)
    data = _semantic_data(session, uri) if uri else None
    if data is None or uri is None:
        return None
    store: dict[str, tuple[str, list[int]]] = _state(session)["semtok"]
    prev = store.get(uri)
    rid = _remember(session, uri, data)
    if prev is None or prev[0] != params.get("previousResultId"):
        return {"resultId": rid, "data": data}
    old = prev[1]
    n = min(len(old), len(data))
    i = 0
    while i < n and old[i] == data[i]:
        i += 1
    j = 0
    while j < n - i and old[len(old) - 1 - j] == data[len(data) - 1 - j]:
        j += 1
    if i == len(old) == len(data):
        return {"resultId": rid, "edits": []}
    return {
        "resultId": rid,
        "edits": [{"start": i, "deleteCount": len(old) - i - j, "data": data[i : len(data) - j]}],
    }


@request("textDocument/semanticTokens/range")
def semantic_tokens_range(session: Session, params: Any) -> dict[str, Any] | None:
    uri = _uri(params)
    doc = session.documents.get(uri) if uri else None
    if doc is None or uri is None:
        return None
    s, e = _offsets(session, doc.line_index, params.get("range"))
    data = _semantic_data(session, uri, s, e)
    return None if data is None else {"data": data}


# ---------------------------------------------------------------------- folding / selection
@request("textDocument/foldingRange", capabilities={"foldingRangeProvider": True})
def folding_range(session: Session, params: Any) -> list[dict[str, Any]] | None:
    opened = _open_parse(session, params)
    if opened is None:
        return None
    doc, parsed = opened
    limit = _client_cap(session, "textDocument", "foldingRange", "rangeLimit")
    cap = int(limit) if isinstance(limit, int) and limit > 0 else _MAX_FOLDS
    out: list[dict[str, Any]] = []
    for f in folding_ranges(parsed, doc.line_index)[:cap]:
        item: dict[str, Any] = {"startLine": f.start_line, "endLine": f.end_line}
        if f.kind:
            item["kind"] = f.kind
        out.append(item)
    return out


@request("textDocument/selectionRange", capabilities={"selectionRangeProvider": True})
def selection_range(session: Session, params: Any) -> list[dict[str, Any]] | None:
    opened = _open_parse(session, params)
    if opened is None:
        return None
    doc, parsed = opened
    index = doc.line_index
    out: list[dict[str, Any]] = []
    for pos in params.get("positions") or []:
        offset = _offset(session, index, pos)
        chain = selection_chain(parsed, offset)
        node: dict[str, Any] | None = None
        for s, e in reversed(chain):
            cur: dict[str, Any] = {"range": _range(session, index, s, e)}
            if node is not None:
                cur["parent"] = node
            node = cur
        out.append(node if node is not None else {"range": _range(session, index, offset, offset)})
    return out


# ---------------------------------------------------------------------- formatting
def _format_options(session: Session, params: Any) -> FormatOptions:
    opts = params.get("options") if isinstance(params, dict) else None
    tab = 2
    spaces = True
    if isinstance(opts, dict):
        if isinstance(opts.get("tabSize"), int):
            tab = int(opts["tabSize"])
        if isinstance(opts.get("insertSpaces"), bool):
            spaces = bool(opts["insertSpaces"])
    width = _config(session, "format", "indentWidth")
    if isinstance(width, int) and width > 0:
        tab = width
    return FormatOptions(tab_size=tab, insert_spaces=spaces)


@request("textDocument/formatting", capabilities={"documentFormattingProvider": True})
def formatting(session: Session, params: Any) -> list[dict[str, Any]] | None:
    uri = _uri(params)
    doc = session.documents.get(uri) if uri else None
    if doc is None:
        return None
    parsed = _snapshot(session, uri).parse(uri) if uri else None
    edits = format_edits(doc.text, _format_options(session, params), parsed=parsed)
    return [] if edits is None else _edits_json(session, doc.line_index, edits)


@request("textDocument/rangeFormatting", capabilities={"documentRangeFormattingProvider": True})
def range_formatting(session: Session, params: Any) -> list[dict[str, Any]] | None:
    uri = _uri(params)
    doc = session.documents.get(uri) if uri else None
    if doc is None:
        return None
    s, e = _offsets(session, doc.line_index, params.get("range"))
    parsed = _snapshot(session, uri).parse(uri) if uri else None
    edits = format_edits(doc.text, _format_options(session, params), start=s, end=e, parsed=parsed)
    return [] if edits is None else _edits_json(session, doc.line_index, edits)


# ---------------------------------------------------------------------- code actions
@request(
    "textDocument/codeAction",
    capabilities={"codeActionProvider": {"codeActionKinds": [QUICKFIX, SOURCE_SORT_NEW]}},
)
def code_action(session: Session, params: Any) -> list[dict[str, Any]] | None:
    uri = _uri(params)
    doc = session.documents.get(uri) if uri else None
    if doc is None or uri is None:
        return None
    a = _snapshot(session, uri).analysis(uri)
    if a is None:
        return None
    index = doc.line_index
    s, e = _offsets(session, index, params.get("range"))
    ctx = params.get("context") if isinstance(params.get("context"), dict) else {}
    client_diags: dict[tuple[int, int, str], dict[str, Any]] = {}
    refs: list[DiagnosticRef] = []
    for d in ctx.get("diagnostics") or []:
        if not isinstance(d, dict) or d.get("code") is None:
            continue
        ds, de = _offsets(session, index, d.get("range"))
        ref = DiagnosticRef(ds, de, str(d["code"]))
        client_diags[(ds, de, ref.code)] = d
        refs.append(ref)
    only = ctx.get("only") if isinstance(ctx.get("only"), list) else None
    out: list[dict[str, Any]] = []
    for act in code_actions(a, s, e, refs, only):
        item: dict[str, Any] = {
            "title": act.title,
            "kind": act.kind,
            "edit": {"changes": {uri: _edits_json(session, index, act.edits)}},
        }
        matched = [
            client_diags[k]
            for d in act.diagnostics
            if (k := (d.start, d.end, d.code)) in client_diags
        ]
        if matched:
            item["diagnostics"] = matched
        if act.is_preferred:
            item["isPreferred"] = True
        out.append(item)
    return out


# ---------------------------------------------------------------------- inlay hints
def inlay_parameter_names_enabled(session: Session) -> bool:
    v = _config(session, "inlayHints", "parameterNames")
    if isinstance(v, dict):
        v = v.get("enabled")
    return v is True or v == "all" or v == "literals"


@request("textDocument/inlayHint", capabilities={"inlayHintProvider": True})
def inlay_hint(session: Session, params: Any) -> list[dict[str, Any]] | None:
    uri = _uri(params)
    doc = session.documents.get(uri) if uri else None
    if doc is None or uri is None:
        return None
    if not inlay_parameter_names_enabled(session):
        return []
    index = doc.line_index
    s, e = _offsets(session, index, params.get("range"))
    return [
        {
            "position": _pos(session, index, h.offset),
            "label": h.label,
            "kind": 2,
            "paddingRight": True,
        }
        for h in inlay_hints(_snapshot(session, uri), uri, s, e)
    ]


__all__ = ["encode_semantic_tokens"]
