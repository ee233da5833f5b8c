"""The read-only description of a registry contract: a virtual document the client can
open when the workspace does not hold the contract's source.

Its uri is ``rholang-registry:///rho/rchain/revVault.rho`` for the lookup URI
``rho:rchain:revVault``: the URI's colons as path separators, so an editor shows
``revVault.rho`` and picks the Rholang mode, and ``://`` so that Neovim takes it for a URL
(a `BufReadCmd` on ``rholang-registry://*``), not a relative file name. Its text is valid
Rholang: a comment with what the contract is and how to look it up, then one empty-bodied
`contract` per method with its formals, and the same for the objects its methods return
(the vault of `findOrCreate`). Facts from ``semantics.registry_contracts``; the server serves the text
through ``workspace/textDocumentContent`` (LSP 3.18) and ``rholang/registryContract``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from rholang_lsp.features.legend import REGISTRY_SCHEME
from rholang_lsp.semantics.registry_contracts import (
    EITHER,
    REGISTRY_CONTRACTS,
    RegistryContract,
    registry_contract,
)

SCHEME: Final = REGISTRY_SCHEME


@dataclass(frozen=True, slots=True)
class MethodSpan:
    contract: str  # the contract's (or returned object's) name
    method: str  # "" for an overload without a method string
    start: int  # the contract name in the text
    end: int
    formals: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RegistryDocument:
    uri: str
    lookup_uri: str
    text: str
    methods: tuple[MethodSpan, ...]

    def span(self, contract: str, method: str | None) -> MethodSpan | None:
        """The overload of ``contract`` answering ``method`` (None: its first overload)."""
        for m in self.methods:
            if m.contract == contract and (method is None or m.method == method):
                return m
        return None


def document_uri(lookup_uri: str) -> str:
    return f"{SCHEME}:///{lookup_uri.replace(':', '/')}.rho"


def lookup_uri_of(uri: str) -> str | None:
    """The lookup URI a registry document's uri (or the lookup URI itself) names."""
    if uri in REGISTRY_CONTRACTS:
        return uri
    prefix = SCHEME + ":"
    if not uri.startswith(prefix) or not uri.endswith(".rho"):
        return None
    path = uri[len(prefix) : -len(".rho")].lstrip("/")
    key = path.replace("/", ":")
    return key if key in REGISTRY_CONTRACTS else None


def _objects(rc: RegistryContract) -> list[tuple[RegistryContract, str]]:
    """The contract, then every object its methods return (depth first, each once), with
    the sentence saying where it comes from."""
    out: list[tuple[RegistryContract, str]] = [(rc, "")]
    seen = {id(rc)}
    i = 0
    while i < len(out):
        owner = out[i][0]
        for r in owner.returns:
            if id(r.object) in seen:
                continue
            seen.add(id(r.object))
            call = f'`{owner.name}!("{r.method}", …)`' if r.method else f"`{owner.name}!(…)`"
            got = f"`{r.object.name}`"
            if r.index is not None:
                got = f"a tuple whose element {r.index} is {got}"
            if r.shape == EITHER:
                got = f"`(true, value)` or `(false, error)`, the value {got}"
            out.append((r.object, f"{call} returns {got}"))
        i += 1
    return out


def registry_document(uri_or_lookup: str) -> RegistryDocument | None:
    """The description of a lookup URI's contract (from its uri or the lookup URI)."""
    key = lookup_uri_of(uri_or_lookup)
    rc = registry_contract(key) if key is not None else None
    if key is None or rc is None:
        return None
    objects = _objects(rc)
    lines = [
        f"// `{key}`: {rc.name}, defined in {rc.source} in the node's genesis.",
        "// A read-only description written by the language server: the methods and",
        "// their formals; the bodies run on the node.",
        "//",
        f"// {rc.description}",
        "//",
        "// Look it up:",
        "//   new rl(`rho:registry:lookup`), ch in {",
        f"//     rl!(`{key}`, *ch) | for (@(_, {rc.name}) <- ch) {{ … }}",
        "//   }",
        "new " + ", ".join(o.name for o, _ in objects) + " in {",
    ]
    text = "\n".join(lines) + "\n"
    entries: list[tuple[str, RegistryContract, tuple[str, ...]]] = []
    for obj, origin in objects:
        for k, formals in enumerate(obj.overloads):
            entries.append((origin if k == 0 else "", obj, formals))
    spans: list[MethodSpan] = []
    for i, (origin, obj, formals) in enumerate(entries):
        if origin:
            text += f"  // {origin}.\n  // {obj.description}\n"
        head = "  contract "
        start = len(text) + len(head)
        bar = " |" if i < len(entries) - 1 else ""
        text += f"{head}{obj.name}({', '.join(formals)}) = {{ Nil }}{bar}\n"
        method = formals[0][2:-1] if formals and formals[0].startswith('@"') else ""
        spans.append(MethodSpan(obj.name, method, start, start + len(obj.name), formals))
    text += "}\n"
    return RegistryDocument(document_uri(key), key, text, tuple(spans))
