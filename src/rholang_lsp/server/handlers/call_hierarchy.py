"""Call hierarchy: ``textDocument/prepareCallHierarchy``, ``callHierarchy/incomingCalls``,
``callHierarchy/outgoingCalls`` (the work is in ``features.call_hierarchy``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import msgspec
from msgspec import UNSET, UnsetType

from rholang_lsp.protocol.lsp import Range, TextDocumentPositionParams
from rholang_lsp.server.indexing import session_snapshot
from rholang_lsp.server.positions import Positions
from rholang_lsp.server.registry import IndexNeed, request
from rholang_lsp.server.session import Session

if TYPE_CHECKING:  # the feature is imported where used (issue 19: not before initialize)
    from rholang_lsp.features.call_hierarchy import Call, CallItem
    from rholang_lsp.workspace.snapshot import Snapshot


class CallHierarchyItem(msgspec.Struct, omit_defaults=True):
    name: str
    kind: int
    uri: str
    range: Range
    selectionRange: Range
    detail: str | UnsetType = UNSET
    tags: list[int] | UnsetType = UNSET
    data: Any = UNSET


class CallHierarchyCallsParams(msgspec.Struct):
    item: CallHierarchyItem


def _item(positions: Positions, it: CallItem) -> CallHierarchyItem | None:
    doc = positions.document(it.uri)
    if doc is None:
        return None
    return CallHierarchyItem(
        name=it.name,
        kind=it.kind,
        uri=doc.uri,
        range=doc.range(it.start, it.end),
        selectionRange=doc.range(it.sel_start, it.sel_end),
        detail=it.detail or UNSET,
    )


def _at(session: Session, uri: str, rng: Range) -> tuple[Snapshot, Positions, int] | None:
    snap = session_snapshot(session, uri)
    positions = session.positions(snap)
    doc = positions.document(uri)
    if doc is None:
        return None
    return snap, positions, doc.offset(rng.start)


def _calls(positions: Positions, calls: list[Call], ranges_in: str | None, key: str) -> list[Any]:
    out = []
    for call in calls:
        item = _item(positions, call.item)
        doc = positions.document(ranges_in or call.item.uri)
        if item is None or doc is None:
            continue
        out.append({key: item, "fromRanges": [doc.range(s, e) for s, e in call.ranges]})
    return out


@request(
    "textDocument/prepareCallHierarchy",
    params=TextDocumentPositionParams,
    needs_index=IndexNeed.IF_GLOBAL,
    capabilities={"callHierarchyProvider": True},
)
def prepare_call_hierarchy(
    session: Session, params: TextDocumentPositionParams
) -> list[CallHierarchyItem] | None:
    uri = params.textDocument.uri
    at = _at(session, uri, Range(params.position, params.position))
    if at is None:
        return None
    from rholang_lsp.features.call_hierarchy import prepare

    snap, positions, offset = at
    items = [i for it in prepare(snap, uri, offset) if (i := _item(positions, it)) is not None]
    return items or None


@request(
    "callHierarchy/incomingCalls", params=CallHierarchyCallsParams, needs_index=IndexNeed.ALWAYS
)
def incoming_calls(session: Session, params: CallHierarchyCallsParams) -> list[Any] | None:
    item = params.item
    at = _at(session, item.uri, item.selectionRange)
    if at is None:
        return None
    from rholang_lsp.features.call_hierarchy import incoming

    snap, positions, offset = at
    # fromRanges are in the caller's document
    return _calls(positions, incoming(snap, item.uri, offset), None, "from")


@request(
    "callHierarchy/outgoingCalls", params=CallHierarchyCallsParams, needs_index=IndexNeed.ALWAYS
)
def outgoing_calls(session: Session, params: CallHierarchyCallsParams) -> list[Any] | None:
    item = params.item
    at = _at(session, item.uri, item.selectionRange)
    if at is None:
        return None
    from rholang_lsp.features.call_hierarchy import outgoing

    snap, positions, offset = at
    # fromRanges are in the document of the item asked about (the caller)
    return _calls(positions, outgoing(snap, item.uri, offset), item.uri, "to")
