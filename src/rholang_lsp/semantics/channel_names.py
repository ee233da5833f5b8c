"""The identifiers Rholang code conventionally gives system channels.

``stdout`` is not a global: a program must declare ``new stdout(`rho:io:stdout`) in``.
When a name is used unbound and it is one of these conventional names, the quick fix
declares it *with* its URI (a bare ``new stdout`` would print nowhere). The names come
from the node sources' own programs (RChain ``casper/src/main/resources/*.rho``, the
F1R3FLY genesis contracts and examples): ``stdout``, ``rl`` / ``registryLookup``,
``insertArbitrary``, ``deployerId``, ``revAddress`` ...; every URI is checked against
``system_channels`` by the tests.
"""

from __future__ import annotations

from rholang_lsp.semantics.system_channels import bindable_by_new, lookup

#: identifier -> URI, or per target ``{"rnode": uri, "f1r3fly": uri}``
_CONVENTIONAL: dict[str, str | dict[str, str]] = {
    "stdout": "rho:io:stdout",
    "stdoutAck": "rho:io:stdoutAck",
    "stderr": "rho:io:stderr",
    "stderrAck": "rho:io:stderrAck",
    "devNull": "rho:io:devNull",
    "rl": "rho:registry:lookup",
    "registryLookup": "rho:registry:lookup",
    "lookup": "rho:registry:lookup",
    "insertArbitrary": "rho:registry:insertArbitrary",
    "insertSigned": "rho:registry:insertSigned:secp256k1",
    "deployerId": "rho:rchain:deployerId",
    "deployId": "rho:rchain:deployId",
    "blockData": "rho:block:data",
    "blake2b256Hash": "rho:crypto:blake2b256Hash",
    "keccak256Hash": "rho:crypto:keccak256Hash",
    "sha256Hash": "rho:crypto:sha256Hash",
    "secp256k1Verify": "rho:crypto:secp256k1Verify",
    "ed25519Verify": "rho:crypto:ed25519Verify",
    "revAddress": {"rnode": "rho:rev:address", "f1r3fly": "rho:vault:address"},
    "vaultAddress": {"rnode": "rho:rev:address", "f1r3fly": "rho:vault:address"},
}


def conventional_uri(name: str, target: str) -> str | None:
    """The system URI a program of ``target``'s node would bind ``name`` to, if the
    name is a conventional one and the node binds that URI in `new`."""
    entry = _CONVENTIONAL.get(name)
    if entry is None:
        return None
    uri = entry if isinstance(entry, str) else entry.get(target)
    if uri is None:
        return None
    ch = lookup(uri)
    if ch is None or not bindable_by_new(ch) or not ch.on(target):
        return None
    return uri


def conventional_names() -> list[str]:
    return list(_CONVENTIONAL)
