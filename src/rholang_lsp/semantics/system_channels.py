"""System URIs for `new x(`uri`)` (RHOLANG_SYNTAX.md section 6), per node.

Facts taken from the node sources (not guessed):

* RNode: rchain/rchain `rholang/.../interpreter/RhoRuntime.scala` (commit 25e5235):
  ``stdSystemProcesses`` + ``stdRhoCryptoProcesses`` (``Definition(urn, channel, arity, ...)``)
  and ``basicProcesses`` (the three registry entry points, write-only bundles served by
  ``casper/src/main/resources/Registry.rho``) form ``urnMap``; ``models/.../NormalizerEnv.scala``
  injects ``rho:rchain:deployerId`` and ``rho:rchain:deployId``. ``Reduce.eval(New)`` fails the
  deploy for any other URI ("No value set for `urn`" / "Unknown urn for new"). The test
  harness (``casper/src/test/.../RhoSpec.scala``) adds ``rho:test:*``, ``sys:test:*`` and
  ``rho:io:stdlog``: those are not bound on a running node.
* F1R3FLY: F1R3FLY-io/f1r3node `rholang/src/rust/interpreter/rho_runtime.rs` (commit 3507ce3):
  ``std_system_processes``, ``std_rho_crypto_processes``, ``std_rho_ai_processes``,
  ``std_rho_chroma_processes`` (only with the ``chromadb`` feature), ``basic_processes`` and
  ``rho:system:bitmaskMergeableTag`` (inserted into ``urn_map`` at start-up);
  ``models/src/rust/normalizer_env.rs`` injects ``rho:system:deployerId``/``deployId`` and
  the legacy ``rho:rchain:`` aliases. ``system_processes.rs::test_framework_contracts`` (the
  test harness and the REPL service) adds the test URIs and ``rho:io:stdlog``.
* Registry shorthands (``rho:rchain:revVault``, ``rho:lang:listOps``...) are keys of the
  registry's lookup map (``Registry.rho``), to be *looked up*
  (``registryLookup!(`rho:rchain:revVault`, *ch)``); neither node binds them in ``new``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    PROCESS = "process"  # a system process listening on a fixed channel
    REGISTRY = "registry"  # a registry entry point (write-only bundle)
    INJECTION = "injection"  # a value the deploy injects (deployer id, deploy id)
    TAG = "tag"  # an unforgeable name bound at start-up
    SHORTHAND = "shorthand"  # a registry lookup key: never bound by `new`
    TEST = "test"  # test harness (RhoSpec) / REPL only


@dataclass(frozen=True, slots=True)
class SystemChannel:
    uri: str
    arity: int | None  # None: not a process channel / varies
    description: str
    nodes: str = "both"  # "both", "rnode", "f1r3fly", "test"
    kind: Kind = Kind.PROCESS
    # arity per node where the nodes differ, e.g. (("rnode", 3), ("f1r3fly", 4))
    node_arities: tuple[tuple[str, int], ...] = ()

    def on(self, target: str) -> bool:
        """Whether the node of ``target`` ("rnode" / "f1r3fly") knows this URI at all."""
        return self.nodes in ("both", "test") or self.nodes == target

    def arity_on(self, target: str) -> int | None:
        """The number of arguments the system process of ``target``'s node takes."""
        for node, n in self.node_arities:
            if node == target:
                return n
        return self.arity

    def hover_markdown(self) -> str:
        lines = [f"**System channel** `{self.uri}`", ""]
        if self.node_arities:
            lines.append(
                "Arity: "
                + ", ".join(f"{n} on {_NODE_LABEL[node]}" for node, n in self.node_arities)
            )
            lines.append("")
        elif self.arity is not None:
            lines.append(f"Arity: {self.arity}")
            lines.append("")
        lines.append(self.description)
        note = {
            "rnode": "Available on RNode only.",
            "f1r3fly": "Available on F1R3FLY nodes only.",
            "test": "Test harness only (RhoSpec, F1R3FLY's REPL); not on production nodes.",
        }.get(self.nodes)
        if self.kind is Kind.SHORTHAND:
            note = (
                f"Registry shorthand{' (' + _NODE_LABEL[self.nodes] + ')' if self.nodes != 'both' else ''}"
                ": look it up with `rho:registry:lookup`; `new` cannot bind it."
            )
        if note:
            lines.append("")
            lines.append(note)
        return "\n".join(lines)


_NODE_LABEL = {"rnode": "RNode", "f1r3fly": "F1R3FLY", "both": "both nodes", "test": "tests"}

P, R, INJ, T, S, X = (
    Kind.PROCESS,
    Kind.REGISTRY,
    Kind.INJECTION,
    Kind.TAG,
    Kind.SHORTHAND,
    Kind.TEST,
)

_RAW: list[tuple[str, int | None, str, str, Kind]] = [
    # 6.1 I/O and diagnostics
    ("rho:io:stdout", 1, "`out!(v)` prints `v` on the node's standard output.", "both", P),
    ("rho:io:stdoutAck", 2, "`(v, ack)`: prints `v`, then sends `Nil` on `ack`.", "both", P),
    ("rho:io:stderr", 1, "Like stdout, to standard error.", "both", P),
    (
        "rho:io:stderrAck",
        2,
        "`(v, ack)`: prints `v` on standard error, then acknowledges.",
        "both",
        P,
    ),
    ("rho:io:stdlog", 2, "`(level, v)`: writes `v` to the node log at `level`.", "test", X),
    ("rho:io:devNull", 1, "Discards the message.", "f1r3fly", P),
    (
        "rho:io:grpcTell",
        3,
        "`(host, port, payload)` fire-and-forget gRPC notification.",
        "f1r3fly",
        P,
    ),
    ("rho:execution:abort", 1, "`(reason)` aborts the deploy.", "f1r3fly", P),
    # 6.2 Chain data
    (
        "rho:block:data",
        1,
        "`(ret)`: replies with the current block number, (timestamp,) and sender.",
        "both",
        P,
    ),
    ("rho:deploy:data", 1, "`(ret)` -> `(timestamp, deployerId, deployId)`.", "f1r3fly", P),
    ("rho:casper:invalidBlocks", 1, "`(ret)` -> the current invalid-block map.", "f1r3fly", P),
    # F1R3FLY keeps the rho:rchain: names as legacy aliases (normalizer_env.rs)
    (
        "rho:rchain:deployerId",
        None,
        "Binds the signing deployer's identity (unforgeable).",
        "both",
        INJ,
    ),
    (
        "rho:system:deployerId",
        None,
        "Binds the signing deployer's identity (unforgeable).",
        "f1r3fly",
        INJ,
    ),
    ("rho:rchain:deployId", None, "Binds the unforgeable id of the current deploy.", "both", INJ),
    (
        "rho:system:deployId",
        None,
        "Binds the unforgeable id of the current deploy.",
        "f1r3fly",
        INJ,
    ),
    (
        "rho:rchain:deployerId:ops",
        3,
        '`("pubKeyBytes", deployerId, ret)` -> public key bytes.',
        "rnode",
        P,
    ),
    (
        "rho:system:deployerId:ops",
        3,
        '`("pubKeyBytes", deployerId, ret)` -> public key bytes.',
        "f1r3fly",
        P,
    ),
    (
        "rho:rev:address",
        3,
        "`(op, arg, ret)`: validate / fromPublicKey / fromDeployerId / fromUnforgeable.",
        "rnode",
        P,
    ),
    (
        "rho:vault:address",
        3,
        "`(op, arg, ret)`: validate / fromPublicKey / fromDeployerId / fromUnforgeable.",
        "f1r3fly",
        P,
    ),
    (
        "rho:system:bitmaskMergeableTag",
        None,
        "The unforgeable tag of bitmask-OR mergeable channels (bound at node start-up).",
        "f1r3fly",
        T,
    ),
    # 6.3 Cryptography
    ("rho:crypto:blake2b256Hash", 2, "`(bytes, ret)` -> 32-byte Blake2b-256 hash.", "both", P),
    ("rho:crypto:keccak256Hash", 2, "`(bytes, ret)` -> Keccak-256 hash.", "both", P),
    ("rho:crypto:sha256Hash", 2, "`(bytes, ret)` -> SHA-256 hash.", "both", P),
    (
        "rho:crypto:secp256k1Verify",
        4,
        "`(data, signature, pubKey, ret)` -> `true`/`false`.",
        "both",
        P,
    ),
    (
        "rho:crypto:ed25519Verify",
        4,
        "`(data, signature, pubKey, ret)` -> `true`/`false`.",
        "both",
        P,
    ),
    # 6.4 Registry
    (
        "rho:registry:lookup",
        2,
        "`(uri, ret)`: looks up a registry URI or shorthand and replies with the stored value.",
        "both",
        R,
    ),
    (
        "rho:registry:insertArbitrary",
        2,
        "`(process, ret)` -> a fresh `rho:id:` URI storing `process`.",
        "both",
        R,
    ),
    (
        "rho:registry:insertSigned:secp256k1",
        3,
        "Signed insert. RNode: `((nonce, value), deployerId, ret)`; "
        "F1R3FLY: `(pubKeyBytes, (version, value), signature, ret)`.",
        "both",
        R,
    ),
    (
        "rho:registry:ops",
        3,
        '`("buildUri", bytes, ret)` -> the `rho:id:` URI for a key/hash.',
        "both",
        P,
    ),
    (
        "sys:authToken:ops",
        3,
        '`("check", token, ret)`: internal system auth token check.',
        "both",
        P,
    ),
    # F1R3FLY development branches (versioned registry; evolving)
    ("rho:registry:1.0.0", None, "Versioned registry entry point.", "f1r3fly", R),
    ("rho:registry:ops:1.0.0", None, "Versioned registry operations.", "f1r3fly", R),
    ("rho:internal:registry_lookup", 2, "Internal versioned-registry lookup.", "f1r3fly", R),
    # 6.5 registry shorthands: lookup keys of Registry.rho, not bindable by `new`
    ("rho:lang:either", None, "Either helpers.", "both", S),
    ("rho:lang:listOps", None, "List utilities.", "both", S),
    ("rho:lang:nonNegativeNumber", None, "Non-negative number object.", "both", S),
    ("rho:lang:treeHashMap", None, "TreeHashMap.", "both", S),
    ("rho:lang:stack", None, "Stack.", "f1r3fly", S),
    ("rho:rchain:authKey", None, "AuthKey.", "rnode", S),
    ("rho:system:authKey", None, "AuthKey.", "f1r3fly", S),
    ("rho:rchain:makeMint", None, "MakeMint.", "rnode", S),
    ("rho:system:makeMint", None, "MakeMint.", "f1r3fly", S),
    ("rho:rchain:pos", None, "Proof-of-stake contract.", "rnode", S),
    ("rho:system:pos", None, "Proof-of-stake contract.", "f1r3fly", S),
    ("rho:rchain:revVault", None, "REV vault.", "rnode", S),
    ("rho:vault:system", None, "Native-token vault.", "f1r3fly", S),
    ("rho:rchain:multiSigRevVault", None, "Multi-signature REV vault.", "rnode", S),
    ("rho:vault:multiSig", None, "Multi-signature vault.", "f1r3fly", S),
    ("rho:system:tokenMetadata", None, "Token metadata.", "f1r3fly", S),
    ("rho:registry:systemContractManager", None, "System-contract update manager.", "both", S),
    # 6.6 AI / services (F1R3FLY; chroma only in builds with the `chromadb` feature)
    ("rho:ai:gpt4", 2, "`(prompt, ret)` -> text.", "f1r3fly", P),
    ("rho:ai:dalle3", 2, "`(prompt, ret)` -> image URL.", "f1r3fly", P),
    ("rho:ai:textToAudio", 2, "`(text, ret)` -> audio.", "f1r3fly", P),
    ("rho:ollama:chat", 3, "`(model, prompt, ret)`.", "f1r3fly", P),
    ("rho:ollama:generate", 3, "`(model, prompt, ret)`.", "f1r3fly", P),
    ("rho:ollama:models", 1, "`(ret)` -> the available models.", "f1r3fly", P),
    ("rho:chroma:collection:new", 4, "Creates a vector collection.", "f1r3fly", P),
    ("rho:chroma:collection:meta", 2, "Collection metadata.", "f1r3fly", P),
    ("rho:chroma:collection:entries:new", 3, "Upserts entries.", "f1r3fly", P),
    ("rho:chroma:collection:entries:query", 3, "Queries entries.", "f1r3fly", P),
    ("rho:chroma:collection:entries:delete", 3, "Deletes entries.", "f1r3fly", P),
    # MeTTa (MeTTaTron on F1R3FLY nodes; not in f1r3node 3507ce3's rho_runtime.rs, so these
    # come from the MeTTaTron integration): string literals sent here are MeTTa code, which
    # the language server analyses as embedded MeTTa
    (
        "rho:metta:compile",
        2,
        "`(source, ret)`: compiles MeTTa `source`, replies with the compiled state (JSON).",
        "f1r3fly",
        P,
    ),
    (
        "rho:metta:compile:sync",
        2,
        "`!?(source)`: synchronous MeTTa compile, for the `!?` operator.",
        "f1r3fly",
        P,
    ),
    ("rho:metta:eval", None, "Evaluates MeTTa code (MeTTaTron).", "f1r3fly", P),
    ("rho:metta:repl", None, "MeTTa REPL channel (MeTTaTron).", "f1r3fly", P),
    # 6.7 test harness (RhoSpec; F1R3FLY also binds these in its REPL service)
    ("rho:test:assertAck", 5, "RhoSpec assertion channel.", "test", X),
    ("rho:test:testSuiteCompleted", 1, "RhoSpec completion channel.", "test", X),
    ("rho:test:deployerId:make", 3, '`("deployerId", pubKeyBytes, ret)`.', "test", X),
    ("rho:test:crypto:secp256k1Sign", 3, "Test signing helper.", "test", X),
    ("rho:test:block:data:set", 3, "Sets block data in tests.", "test", X),
    ("rho:test:casper:invalidBlocks:set", 2, "Sets invalid blocks in tests (F1R3FLY).", "test", X),
    ("sys:test:authToken:make", 1, "Creates a test auth token.", "test", X),
]

# Where the nodes' processes take different numbers of arguments (Registry.rho of each node:
# RNode `insertSigned(@(nonce, data), deployerID, ret)`, F1R3FLY
# `insertSigned(@pubKeyBytes, @(version, data), @sig, ret)`).
_NODE_ARITIES: dict[str, tuple[tuple[str, int], ...]] = {
    "rho:registry:insertSigned:secp256k1": (("rnode", 3), ("f1r3fly", 4)),
}

SYSTEM_CHANNELS: dict[str, SystemChannel] = {
    u: SystemChannel(u, a, d, n, k, _NODE_ARITIES.get(u, ())) for u, a, d, n, k in _RAW
}

#: URI prefixes that are valid without being listed (registry ids, versioned libraries).
OPEN_PREFIXES: tuple[str, ...] = (
    "rho:id:",
    "rho:lib:",
    "rho:serve:",
    "rho:metta:",
    "rho:registry:v1:",  # F1R3FLY versioned registry (evolving, section 6.4)
)


def lookup(uri: str) -> SystemChannel | None:
    return SYSTEM_CHANNELS.get(uri)


def is_known(uri: str) -> bool:
    return uri in SYSTEM_CHANNELS or uri.startswith(OPEN_PREFIXES)


def bindable_by_new(ch: SystemChannel) -> bool:
    """Whether some node (or the test harness) binds ``ch`` in ``new x(`uri`)``."""
    return ch.kind is not Kind.SHORTHAND
