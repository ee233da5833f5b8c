"""Editing handlers: completion (+resolve), signatureHelp, semanticTokens (full, delta,
range), foldingRange, selectionRange, formatting (document, range), codeAction,
inlayHint, and the configuration they read.

Thin: convert LSP positions to offsets through the LSP edge (``session.positions``),
call the pure feature, convert offsets back through the same edge.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any, Final

from msgspec import UNSET

from rholang_lsp.features.legend import QUICKFIX, SOURCE_SORT_NEW, TOKEN_MODIFIERS, TOKEN_TYPES
from rholang_lsp.protocol.lsp import (
    CodeActionParams,
    CompletionItem,
    CompletionParams,
    DidChangeConfigurationParams,
    DocumentFormattingParams,
    DocumentRangeFormattingParams,
    FormattingOptions,
    LspDiagnostic,
    SelectionRangeParams,
    SemanticTokensDeltaParams,
    SignatureHelpParams,
    TextDocumentParams,
    TextDocumentRangeParams,
)
from rholang_lsp.server import embedded
from rholang_lsp.server.indexing import session_snapshot
from rholang_lsp.server.markup import COMPLETION_DOC, SIGNATURE_DOC, markup
from rholang_lsp.server.positions import DocumentPositions, encode_semantic_tokens
from rholang_lsp.server.registry import notification, request
from rholang_lsp.server.session import Session

if TYPE_CHECKING:
    from rholang_lsp.features.formatting import FormatOptions, TextEdit
    from rholang_lsp.features.semantic_tokens import SemToken
    from rholang_lsp.syntax import ParseResult
    from rholang_lsp.workspace.snapshot import Snapshot

# The features are imported by the handlers that use them: ``initialize`` is answered
# before the language layers are loaded (issue 19); ``server.warmup`` loads them right
# after it, before the first request that needs them.

_MAX_FOLDS: Final = 5000
_result_ids = itertools.count(1)


# ---------------------------------------------------------------------- plumbing
def _snapshot(session: Session, uri: str) -> Snapshot:
    """The session's snapshot: the same analysis cache as every other feature."""
    return session_snapshot(session, uri)


def _open(session: Session, uri: str, *, metta: bool = False) -> DocumentPositions | None:
    """The positions of an open Rholang document (None: not open; a ``.metta`` file
    too unless ``metta``: the Rholang features must not read or edit MeTTa)."""
    text_doc = session.documents.get(uri)
    if text_doc is None:
        return None
    if not metta and embedded.is_metta_document(uri, text_doc.language_id):
        return None
    return session.positions().document(uri)


def _open_parse(session: Session, uri: str) -> tuple[DocumentPositions, ParseResult] | None:
    """The open document ``uri``'s positions and parse (syntax only: no bind)."""
    doc = _open(session, uri)
    if doc is None:
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


def _edits_json(doc: DocumentPositions, edits: list[TextEdit]) -> list[dict[str, Any]]:
    return [{"range": doc.range(e.start, e.end), "newText": e.new_text} for e in edits]


# ---------------------------------------------------------------------- configuration
@notification("workspace/didChangeConfiguration", params=DidChangeConfigurationParams)
def did_change_configuration(session: Session, params: DidChangeConfigurationParams) -> None:
    session.config.update(params.settings)


# ---------------------------------------------------------------------- completion
COMPLETION_CAPABILITIES: Final = {
    "completionProvider": {
        "triggerCharacters": [".", "`", "@", "(", ",", '"'],
        "resolveProvider": True,
        "completionItem": {"labelDetailsSupport": True},
    }
}


@request("textDocument/completion", params=CompletionParams, capabilities=COMPLETION_CAPABILITIES)
def completion(session: Session, params: CompletionParams) -> dict[str, Any] | None:
    uri = params.textDocument.uri
    inside = embedded.embedded_at(session, uri, params.position)
    if inside is not None:  # MeTTa: the functions, variables and built-in heads
        return embedded.completion(session, uri, *inside)
    doc = _open(session, uri)
    if doc is None:
        return None
    offset = doc.offset(params.position)
    from rholang_lsp.features import completion as completion_feature

    snippets = bool(
        _client_cap(session, "textDocument", "completion", "completionItem", "snippetSupport")
    )
    res = completion_feature.complete(_snapshot(session, uri), uri, offset, snippets=snippets)
    rng = doc.range(res.replace_start, res.replace_end)
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
        if it.deprecated:
            item["tags"] = [1]  # CompletionItemTag.Deprecated (clients without it ignore it)
        items.append(item)
    return {"isIncomplete": res.is_incomplete, "items": items}


@request("completionItem/resolve", params=CompletionItem)
def completion_resolve(session: Session, params: CompletionItem) -> CompletionItem:
    # ``data`` is what ``completion`` put there, echoed by the client: free-form JSON
    from rholang_lsp.features import completion as completion_feature
    from rholang_lsp.workspace.snapshot import Snapshot

    data = params.data if isinstance(params.data, dict) else None
    uri = data.get("uri") if data is not None else None
    snap = _snapshot(session, uri) if isinstance(uri, str) else Snapshot({})
    md = completion_feature.resolve(snap, data)
    if md:
        params.documentation = markup(session, md, COMPLETION_DOC)
    return params


# ---------------------------------------------------------------------- signature help
@request(
    "textDocument/signatureHelp",
    params=SignatureHelpParams,
    capabilities={
        "signatureHelpProvider": {
            "triggerCharacters": ["(", ","],
            "retriggerCharacters": [",", ")"],
        }
    },
)
def signature_help_handler(session: Session, params: SignatureHelpParams) -> dict[str, Any] | None:
    uri = params.textDocument.uri
    doc = _open(session, uri)
    if doc is None:
        return None
    from rholang_lsp.features.signature_help import signature_help

    res = signature_help(_snapshot(session, uri), uri, doc.offset(params.position))
    if res is None:
        return None
    sigs: list[dict[str, Any]] = []
    for s in res.signatures:
        params_json = []
        for p in s.parameters:
            a = doc.units(s.label[: p.start])
            b = a + doc.units(s.label[p.start : p.end])
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


def _semantic_data(
    session: Session, uri: str, start: int | None = None, end: int | None = None
) -> list[int] | None:
    text_doc = session.documents.get(uri)
    doc = _open(session, uri)
    if doc is None or text_doc is None:
        return None
    if embedded.is_metta_document(uri, text_doc.language_id):
        toks: list[SemToken] = []
    else:
        a = _snapshot(session, uri).analysis(uri)
        if a is None:
            return None
        from rholang_lsp.features.semantic_tokens import semantic_tokens

        toks = semantic_tokens(a.parse, a.model, start, end)
    toks = embedded.semantic_tokens(session, uri, toks, start, end)  # MeTTa regions merged in
    multiline = bool(
        _client_cap(session, "textDocument", "semanticTokens", "multilineTokenSupport")
    )
    return doc.semantic_tokens(toks, multiline=multiline)


def _remember(session: Session, uri: str, data: list[int]) -> str:
    rid = str(next(_result_ids))
    session.semantic_tokens[uri] = (rid, data)
    return rid


@request(
    "textDocument/semanticTokens/full",
    params=TextDocumentParams,
    capabilities=SEMANTIC_TOKENS_CAPABILITIES,
)
def semantic_tokens_full(session: Session, params: TextDocumentParams) -> dict[str, Any] | None:
    uri = params.textDocument.uri
    data = _semantic_data(session, uri)
    if data is None:
        return None
    return {"resultId": _remember(session, uri, data), "data": data}


@request("textDocument/semanticTokens/full/delta", params=SemanticTokensDeltaParams)
def semantic_tokens_delta(
    session: Session, params: SemanticTokensDeltaParams
) -> dict[str, Any] | None:
    uri = params.textDocument.uri
    data = _semantic_data(session, uri)
    if data is None:
        return None
    prev = session.semantic_tokens.get(uri)
    rid = _remember(session, uri, data)
    if prev is None or prev[0] != params.previousResultId:
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


@request("textDocument/semanticTokens/range", params=TextDocumentRangeParams)
def semantic_tokens_range(
    session: Session, params: TextDocumentRangeParams
) -> dict[str, Any] | None:
    uri = params.textDocument.uri
    doc = _open(session, uri, metta=True)
    if doc is None:
        return None
    s, e = doc.offsets(params.range)
    data = _semantic_data(session, uri, s, e)
    return None if data is None else {"data": data}


# ---------------------------------------------------------------------- folding / selection
@request(
    "textDocument/foldingRange",
    params=TextDocumentParams,
    capabilities={"foldingRangeProvider": True},
)
def folding_range(session: Session, params: TextDocumentParams) -> list[dict[str, Any]] | None:
    uri = params.textDocument.uri
    opened = _open_parse(session, uri)
    text_doc = session.documents.get(uri)
    if opened is None:
        if text_doc is None or _open(session, uri, metta=True) is None:
            return None
        folds = embedded.folding(session, uri, [])  # a .metta file
    else:
        from rholang_lsp.features.folding import folding_ranges

        doc, parsed = opened
        folds = embedded.folding(session, uri, folding_ranges(parsed, doc.line_index))
    limit = _client_cap(session, "textDocument", "foldingRange", "rangeLimit")
    cap = int(limit) if isinstance(limit, int) and limit > 0 else _MAX_FOLDS
    out: list[dict[str, Any]] = []
    for f in folds[:cap]:
        item: dict[str, Any] = {"startLine": f.start_line, "endLine": f.end_line}
        if f.kind:
            item["kind"] = f.kind
        out.append(item)
    return out


@request(
    "textDocument/selectionRange",
    params=SelectionRangeParams,
    capabilities={"selectionRangeProvider": True},
)
def selection_range(session: Session, params: SelectionRangeParams) -> list[dict[str, Any]] | None:
    opened = _open_parse(session, params.textDocument.uri)
    if opened is None:
        return None
    from rholang_lsp.features.selection_range import selection_chain

    doc, parsed = opened
    out: list[dict[str, Any]] = []
    for pos in params.positions:
        offset = doc.offset(pos)
        chain = selection_chain(parsed, offset)
        node: dict[str, Any] | None = None
        for s, e in reversed(chain):
            cur: dict[str, Any] = {"range": doc.range(s, e)}
            if node is not None:
                cur["parent"] = node
            node = cur
        out.append(node if node is not None else {"range": doc.range(offset, offset)})
    return out


# ---------------------------------------------------------------------- formatting
def _format_options(session: Session, opts: FormattingOptions) -> FormatOptions:
    from rholang_lsp.features.formatting import FormatOptions

    tab = opts.tabSize
    spaces = opts.insertSpaces
    width = session.config.format_indent_width
    if width is not None:
        tab = width
    line = session.config.format_line_width
    if line is None:
        return FormatOptions(tab_size=tab, insert_spaces=spaces)
    return FormatOptions(tab_size=tab, insert_spaces=spaces, line_width=line)


@request(
    "textDocument/formatting",
    params=DocumentFormattingParams,
    capabilities={"documentFormattingProvider": True},
)
def formatting(session: Session, params: DocumentFormattingParams) -> list[dict[str, Any]] | None:
    uri = params.textDocument.uri
    text_doc = session.documents.get(uri)
    doc = _open(session, uri)
    if text_doc is None or doc is None:
        return None
    from rholang_lsp.features.formatting import format_edits

    parsed = _snapshot(session, uri).parse(uri)
    edits = format_edits(text_doc.text, _format_options(session, params.options), parsed=parsed)
    return [] if edits is None else _edits_json(doc, edits)


@request(
    "textDocument/rangeFormatting",
    params=DocumentRangeFormattingParams,
    capabilities={"documentRangeFormattingProvider": True},
)
def range_formatting(
    session: Session, params: DocumentRangeFormattingParams
) -> list[dict[str, Any]] | None:
    uri = params.textDocument.uri
    text_doc = session.documents.get(uri)
    doc = _open(session, uri)
    if text_doc is None or doc is None:
        return None
    from rholang_lsp.features.formatting import format_edits

    s, e = doc.offsets(params.range)
    parsed = _snapshot(session, uri).parse(uri)
    opts = _format_options(session, params.options)
    edits = format_edits(text_doc.text, opts, start=s, end=e, parsed=parsed)
    return [] if edits is None else _edits_json(doc, edits)


# ---------------------------------------------------------------------- code actions
@request(
    "textDocument/codeAction",
    params=CodeActionParams,
    capabilities={"codeActionProvider": {"codeActionKinds": [QUICKFIX, SOURCE_SORT_NEW]}},
)
def code_action(session: Session, params: CodeActionParams) -> list[dict[str, Any]] | None:
    uri = params.textDocument.uri
    doc = _open(session, uri)
    if doc is None:
        return None
    from rholang_lsp.features.code_actions import DiagnosticRef, code_actions

    a = _snapshot(session, uri).analysis(uri)
    if a is None:
        return None
    s, e = doc.offsets(params.range)
    ctx = params.context
    client_diags: dict[tuple[int, int, str], LspDiagnostic] = {}
    refs: list[DiagnosticRef] = []
    for d in ctx.diagnostics:
        if d.code is UNSET:
            continue
        ds, de = doc.offsets(d.range)
        ref = DiagnosticRef(ds, de, str(d.code))
        client_diags[(ds, de, ref.code)] = d
        refs.append(ref)
    out: list[dict[str, Any]] = []
    for act in code_actions(a, s, e, refs, ctx.only):
        item: dict[str, Any] = {
            "title": act.title,
            "kind": act.kind,
            "edit": {"changes": {doc.uri: _edits_json(doc, act.edits)}},
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
@request(
    "textDocument/inlayHint",
    params=TextDocumentRangeParams,
    capabilities={"inlayHintProvider": True},
)
def inlay_hint(session: Session, params: TextDocumentRangeParams) -> list[dict[str, Any]] | None:
    uri = params.textDocument.uri
    doc = _open(session, uri)
    if doc is None:
        return None
    if not session.config.inlay_parameter_names:
        return []
    from rholang_lsp.features.inlay_hints import inlay_hints

    s, e = doc.offsets(params.range)
    return [
        {
            "position": doc.position(h.offset),
            "label": h.label,
            "kind": 2,
            "paddingRight": True,
        }
        for h in inlay_hints(_snapshot(session, uri), uri, s, e)
    ]


__all__ = ["encode_semantic_tokens"]
