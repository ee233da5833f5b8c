"""The read-only descriptions of registry contracts (``rholang-registry:`` documents),
which definition answers when the workspace does not hold a contract's source.

``workspace/textDocumentContent`` (LSP 3.18; the server lists the scheme in its
capabilities) returns the text; ``rholang/registryContract`` returns the same text with the
facts behind it (for clients without 3.18, e.g. a Neovim ``BufReadCmd`` on
``rholang-registry://*``). An unknown uri is answered -32602 naming it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import msgspec

from rholang_lsp.features.legend import REGISTRY_SCHEME as SCHEME
from rholang_lsp.protocol.messages import INVALID_PARAMS, ResponseError
from rholang_lsp.server.registry import request
from rholang_lsp.server.session import Session

if TYPE_CHECKING:  # imported where used (issue 19: not before initialize)
    from rholang_lsp.features.registry_document import RegistryDocument


class TextDocumentContentParams(msgspec.Struct):
    uri: str


class RegistryContractParams(msgspec.Struct):
    uri: str  # a `rholang-registry:` document uri or a lookup URI (`rho:rchain:revVault`)


def _document(uri: str) -> RegistryDocument:
    from rholang_lsp.features.registry_document import registry_document

    doc = registry_document(uri)
    if doc is None:
        raise ResponseError(INVALID_PARAMS, f"$.uri: no registry contract is known as {uri!r}")
    return doc


@request(
    "workspace/textDocumentContent",
    params=TextDocumentContentParams,
    capabilities={"workspace": {"textDocumentContent": {"schemes": [SCHEME]}}},
)
def text_document_content(session: Session, params: TextDocumentContentParams) -> dict[str, str]:
    return {"text": _document(params.uri).text}


@request("rholang/registryContract", params=RegistryContractParams)
def registry_contract_request(session: Session, params: RegistryContractParams) -> dict[str, Any]:
    from rholang_lsp.semantics.registry_contracts import registry_contract

    doc = _document(params.uri)
    rc = registry_contract(doc.lookup_uri)
    assert rc is not None  # registry_document found it
    return {
        "uri": doc.uri,
        "lookupUri": doc.lookup_uri,
        "name": rc.name,
        "source": rc.source,
        "text": doc.text,
        "methods": [
            {"contract": m.contract, "method": m.method, "formals": list(m.formals)}
            for m in doc.methods
        ],
    }
