"""Known system URIs for `new x(`uri`)` (RHOLANG_SYNTAX.md section 6)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SystemChannel:
    uri: str
    arity: int | None  # None: not a process channel / varies
    description: str
    nodes: str = "both"  # "both", "rnode", "f1r3fly", "test"

    def hover_markdown(self) -> str:
        lines = [f"**System channel** `{self.uri}`", ""]
        if self.arity is not None:
            lines.append(f"Arity: {self.arity}")
            lines.append("")
        lines.append(self.description)
        if self.nodes != "both":
            lines.append("")
            lines.append(
                {
                    "rnode": "Available on RNode only.",
                    "f1r3fly": "Available on F1R3FLY nodes only.",
                    "test": "Test harness only (RhoSpec); not on production nodes.",
                }.get(self.nodes, "")
            )
        return "\n".join(lines)


_RAW: list[tuple[str, int | None, str, str]] = [
    # 6.1 I/O and diagnostics
    ("rho:io:stdout", 1, "`out!(v)` prints `v` on the node's standard output.", "both"),
    ("rho:io:stdoutAck", 2, "`(v, ack)`: prints `v`, then sends `Nil` on `ack`.", "both"),
    ("rho:io:stderr", 1, "Like stdout, to standard error.", "both"),
    ("rho:io:stderrAck", 2, "`(v, ack)`: prints `v` on standard error, then acknowledges.", "both"),
    ("rho:io:stdlog", 2, "`(level, v)`: writes `v` to the node log at `level`.", "both"),
    ("rho:io:devNull", 1, "Discards the message.", "f1r3fly"),
    ("rho:io:grpcTell", 3, "`(host, port, payload)` fire-and-forget gRPC notification.", "f1r3fly"),
    ("rho:execution:abort", 1, "`(reason)` aborts the deploy.", "f1r3fly"),
    # 6.2 Chain data
    (
        "rho:block:data",
        1,
        "`(ret)`: replies with the current block number, (timestamp,) and sender.",
        "both",
    ),
    ("rho:deploy:data", 1, "`(ret)` -> `(timestamp, deployerId, deployId)`.", "f1r3fly"),
    ("rho:casper:invalidBlocks", 1, "`(ret)` -> the current invalid-block map.", "f1r3fly"),
    (
        "rho:rchain:deployerId",
        None,
        "Binds the signing deployer's identity (unforgeable).",
        "rnode",
    ),
    (
        "rho:system:deployerId",
        None,
        "Binds the signing deployer's identity (unforgeable).",
        "f1r3fly",
    ),
    ("rho:rchain:deployId", None, "Binds the unforgeable id of the current deploy.", "rnode"),
    ("rho:system:deployId", None, "Binds the unforgeable id of the current deploy.", "f1r3fly"),
    (
        "rho:rchain:deployerId:ops",
        3,
        '`("pubKeyBytes", deployerId, ret)` -> public key bytes.',
        "rnode",
    ),
    (
        "rho:system:deployerId:ops",
        3,
        '`("pubKeyBytes", deployerId, ret)` -> public key bytes.',
        "f1r3fly",
    ),
    (
        "rho:rev:address",
        3,
        "`(op, arg, ret)`: validate / fromPublicKey / fromDeployerId / fromUnforgeable.",
        "rnode",
    ),
    (
        "rho:vault:address",
        3,
        "`(op, arg, ret)`: validate / fromPublicKey / fromDeployerId / fromUnforgeable.",
        "f1r3fly",
    ),
    # 6.3 Cryptography
    ("rho:crypto:blake2b256Hash", 2, "`(bytes, ret)` -> 32-byte Blake2b-256 hash.", "both"),
    ("rho:crypto:keccak256Hash", 2, "`(bytes, ret)` -> Keccak-256 hash.", "both"),
    ("rho:crypto:sha256Hash", 2, "`(bytes, ret)` -> SHA-256 hash.", "both"),
    (
        "rho:crypto:secp256k1Verify",
        4,
        "`(data, signature, pubKey, ret)` -> `true`/`false`.",
        "both",
    ),
    ("rho:crypto:ed25519Verify", 4, "`(data, signature, pubKey, ret)` -> `true`/`false`.", "both"),
    # 6.4 Registry
    (
        "rho:registry:lookup",
        2,
        "`(uri, ret)`: looks up a registry URI and replies with the stored value.",
        "both",
    ),
    (
        "rho:registry:insertArbitrary",
        2,
        "`(process, ret)` -> a fresh `rho:id:` URI storing `process`.",
        "both",
    ),
    (
        "rho:registry:insertSigned:secp256k1",
        3,
        "`((nonce, value), deployerId, ret)`: signed insert.",
        "both",
    ),
    (
        "rho:registry:ops",
        3,
        '`("buildUri", bytes, ret)` -> the `rho:id:` URI for a key/hash.',
        "both",
    ),
    ("rho:registry:1.0.0", None, "Versioned registry entry point.", "f1r3fly"),
    ("rho:registry:ops:1.0.0", None, "Versioned registry operations.", "f1r3fly"),
    ("rho:internal:registry_lookup", None, "Internal versioned-registry lookup.", "f1r3fly"),
    ("rho:registry:systemContractManager", None, "System-contract update manager.", "rnode"),
    ("sys:authToken:ops", 3, '`("check", token, ret)`: internal system auth token check.', "both"),
    # 6.5 registry shorthands (normally looked up, but harmless in `new`)
    ("rho:lang:either", None, "Either helpers (registry shorthand).", "both"),
    ("rho:lang:listOps", None, "List utilities (registry shorthand).", "both"),
    (
        "rho:lang:nonNegativeNumber",
        None,
        "Non-negative number object (registry shorthand).",
        "both",
    ),
    ("rho:lang:treeHashMap", None, "TreeHashMap (registry shorthand).", "both"),
    ("rho:lang:stack", None, "Stack (registry shorthand).", "f1r3fly"),
    ("rho:rchain:authKey", None, "AuthKey (registry shorthand).", "rnode"),
    ("rho:system:authKey", None, "AuthKey (registry shorthand).", "f1r3fly"),
    ("rho:rchain:makeMint", None, "MakeMint (registry shorthand).", "rnode"),
    ("rho:system:makeMint", None, "MakeMint (registry shorthand).", "f1r3fly"),
    ("rho:rchain:pos", None, "Proof-of-stake contract (registry shorthand).", "rnode"),
    ("rho:system:pos", None, "Proof-of-stake contract (registry shorthand).", "f1r3fly"),
    ("rho:rchain:revVault", None, "REV vault (registry shorthand).", "rnode"),
    ("rho:vault:system", None, "Native-token vault (registry shorthand).", "f1r3fly"),
    (
        "rho:rchain:multiSigRevVault",
        None,
        "Multi-signature REV vault (registry shorthand).",
        "rnode",
    ),
    ("rho:vault:multiSig", None, "Multi-signature vault (registry shorthand).", "f1r3fly"),
    ("rho:system:tokenMetadata", None, "Token metadata (registry shorthand).", "f1r3fly"),
    ("rho:rchain:configPublicKeyCheck", None, "RNode internal (registry shorthand).", "rnode"),
    # 6.6 AI / services
    ("rho:ai:gpt4", 2, "`(prompt, ret)` -> text.", "f1r3fly"),
    ("rho:ai:dalle3", 2, "`(prompt, ret)` -> image URL.", "f1r3fly"),
    ("rho:ai:textToAudio", 2, "`(text, ret)` -> audio.", "f1r3fly"),
    ("rho:ollama:chat", 3, "`(model, prompt, ret)`.", "f1r3fly"),
    ("rho:ollama:generate", 3, "`(model, prompt, ret)`.", "f1r3fly"),
    ("rho:ollama:models", 1, "`(ret)` -> the available models.", "f1r3fly"),
    ("rho:chroma:collection:new", 4, "Creates a vector collection.", "f1r3fly"),
    ("rho:chroma:collection:meta", 2, "Collection metadata.", "f1r3fly"),
    ("rho:chroma:collection:entries:new", 3, "Upserts entries.", "f1r3fly"),
    ("rho:chroma:collection:entries:query", 3, "Queries entries.", "f1r3fly"),
    ("rho:chroma:collection:entries:delete", 3, "Deletes entries.", "f1r3fly"),
    # MeTTa (MeTTaTron on F1R3FLY nodes): string literals sent here are MeTTa code,
    # which the language server analyses as embedded MeTTa
    (
        "rho:metta:compile",
        2,
        "`(source, ret)`: compiles MeTTa `source`, replies with the compiled state (JSON).",
        "f1r3fly",
    ),
    (
        "rho:metta:compile:sync",
        2,
        "`!?(source)`: synchronous MeTTa compile, for the `!?` operator.",
        "f1r3fly",
    ),
    ("rho:metta:eval", None, "Evaluates MeTTa code (MeTTaTron).", "f1r3fly"),
    ("rho:metta:repl", None, "MeTTa REPL channel (MeTTaTron).", "f1r3fly"),
    # 6.7 test harness
    ("rho:test:assertAck", None, "RhoSpec assertion channel.", "test"),
    ("rho:test:testSuiteCompleted", None, "RhoSpec completion channel.", "test"),
    ("rho:test:deployerId:make", 3, '`("deployerId", pubKeyBytes, ret)`.', "test"),
    ("rho:test:crypto:secp256k1Sign", None, "Test signing helper.", "test"),
    ("rho:test:block:data:set", None, "Sets block data in tests.", "test"),
    ("rho:test:casper:invalidBlocks:set", None, "Sets invalid blocks in tests.", "test"),
    ("sys:test:authToken:make", None, "Creates a test auth token.", "test"),
]

SYSTEM_CHANNELS: dict[str, SystemChannel] = {u: SystemChannel(u, a, d, n) for u, a, d, n in _RAW}

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
