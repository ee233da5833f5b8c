"""The system contracts reached through the registry, as facts: which contract a
lookup URI returns and the method strings (with their formals) it answers.

Taken from the genesis sources (not guessed): rchain/rchain
``casper/src/main/resources/{RevVault,MultiSigRevVault,AuthKey,MakeMint,Either,ListOps,
NonNegativeNumber}.rho`` and ``Pos.rhox``; F1R3FLY-io/f1r3node ``casper/src/main/resources/
{SystemVault,MultiSigSystemVault,...}.rho`` (the same methods under F1R3FLY's URIs). Only
the public overloads of the looked-up contract are listed (not the `"... <-"` channel
variants of Either, nor the internal `securityCheck`).
"""

from __future__ import annotations

from dataclasses import dataclass

#: how a method hands its result back: ``either``: `(true, value)` or `(false, error)` on
#: its last formal (a receive `(true, x)` gets the value); ``value``: the value itself
EITHER, VALUE = "either", "value"


@dataclass(frozen=True, slots=True)
class Returned:
    """What a method of a registry contract returns: an object answering its own methods."""

    method: str  # the method string; "" for a contract without one (`MakeMint!(*ret)`)
    shape: str  # EITHER or VALUE
    object: RegistryContract
    #: the value is a tuple and the object its element at ``index`` (MultiSig's `create`
    #: returns `(true, (multiSig, revAddress, revVault))`); None: the value itself
    index: int | None = None


@dataclass(frozen=True, slots=True)
class RegistryContract:
    name: str  # the contract's name in its source
    source: str  # the genesis file that defines it
    overloads: tuple[tuple[str, ...], ...]  # formals per overload, method string first
    description: str
    returns: tuple[Returned, ...] = ()

    def methods(self) -> list[str]:
        return [f[0][2:-1] for f in self.overloads if f and f[0].startswith('@"')]

    def returned(self, method: str) -> list[Returned]:
        return [r for r in self.returns if r.method == method]

    def overload(self, method: str) -> tuple[str, ...] | None:
        """The formals of the overload answering ``method`` (`""`: the one without a method
        string)."""
        for f in self.overloads:
            lit = f[0][2:-1] if f and f[0].startswith('@"') else ""
            if lit == method:
                return f
        return None


def _m(method: str, *formals: str) -> tuple[str, ...]:
    return (f'@"{method}"', *formals)


# The vault object `_newVault` makes (RevVault.rho lines 196-219 of rchain/rchain;
# `systemVault` in f1r3node's SystemVault.rho, same formals).
_VAULT_METHODS = (
    _m("balance", "ret"),
    _m("transfer", "@targetAddress", "@amount", "authKey", "ret"),
    _m("setLog", "logCh", "authKey", "ret"),
)
_REV_VAULT_OBJECT = RegistryContract(
    "revVault",
    "RevVault.rho",
    _VAULT_METHODS,
    "A REV vault, returned by `RevVault`'s `findOrCreate` as `(true, vault)`: "
    "`transfer` answers `(true, Nil)` or `(false, error)`.",
)
_SYSTEM_VAULT_OBJECT = RegistryContract(
    "systemVault",
    "SystemVault.rho",
    _VAULT_METHODS,
    "A vault, returned by `SystemVault`'s `findOrCreate` as `(true, vault)`.",
)
_REV_VAULT = RegistryContract(
    "RevVault",
    "RevVault.rho",
    (
        _m("findOrCreate", "@revAddress", "retCh"),
        _m("deployerAuthKey", "deployerId", "ret"),
        _m("unforgeableAuthKey", "unf", "ret"),
        _m("init", "ret"),
    ),
    "The REV vault registry contract: `findOrCreate` returns `(true, vault)` or `(false, error)`.",
    (Returned("findOrCreate", EITHER, _REV_VAULT_OBJECT),),
)
_SYSTEM_VAULT = RegistryContract(
    "SystemVault",
    "SystemVault.rho",
    (
        _m("findOrCreate", "@vaultAddress", "retCh"),
        _m("deployerAuthKey", "deployerId", "ret"),
        _m("unforgeableAuthKey", "unf", "ret"),
        _m("init", "ret"),
    ),
    "The native-token vault contract (F1R3FLY's RevVault).",
    (Returned("findOrCreate", EITHER, _SYSTEM_VAULT_OBJECT),),
)
_MULTI_SIG = (
    _m("create", "@publicKeys", "@unsealers", "@quorumSize", "ret"),
    _m("makeSealerUnsealer", "ret"),
    _m("deployerAuthKey", "deployerId", "ret"),
)


def _multi_sig_object(address: str) -> RegistryContract:
    """The multi-signature vault `create` makes (MultiSigRevVault.rho of rchain/rchain,
    MultiSigSystemVault.rho of f1r3node, which names the address `targetVaultAddress`)."""
    return RegistryContract(
        "multiSig",
        "MultiSigRevVault.rho" if address == "@targetRevAddress" else "MultiSigSystemVault.rho",
        (
            _m("balance", "ret"),
            _m("transfer", address, "@amount", "@auth", "ret"),
            _m("confirm", address, "@amount", "@auth", "@nonce", "ret"),
        ),
        "A multi-signature vault: `transfer` answers `(true, (true, nonce))` while more "
        'confirmations are needed, `(true, (false, "done"))` once done, `(false, error)`.',
    )


def _multi_sig(name: str, source: str, address: str, vault: RegistryContract) -> RegistryContract:
    obj = _multi_sig_object(address)
    return RegistryContract(
        name,
        source,
        _MULTI_SIG,
        "Multi-signature vaults: `create` returns `(true, (multiSig, address, vault))` or "
        "`(false, error)`.",
        (Returned("create", EITHER, obj, 0), Returned("create", EITHER, vault, 2)),
    )


_AUTH_KEY = RegistryContract(
    "AuthKey",
    "AuthKey.rho",
    (_m("make", "@shape", "ret"), _m("check", "key", "@shape", "ret")),
    "Unforgeable authentication keys of a shape.",
)
# MakeMint.rho (rchain/rchain): `MakeMint!(*ret)` returns `bundle+{*thisMint}`; the mint's
# `makePurse` returns `bundle+{*thisPurse}`; `decr` and the `@=thisDecr` overload are the
# mint's own.
_PURSE = RegistryContract(
    "thisPurse",
    "MakeMint.rho",
    (
        _m("getBalance", "return"),
        _m("sprout", "return"),
        _m("split", "@amount", "return"),
        _m("deposit", "@amount", "@src", "success"),
    ),
    "A purse of a mint: `split` returns `[purse]` or `[]`; `deposit` answers `true` / `false`.",
)
_MINT = RegistryContract(
    "thisMint",
    "MakeMint.rho",
    (_m("makePurse", "@init", "return"),),
    "A mint, returned by `MakeMint`: `makePurse` returns a purse holding `init`.",
    (Returned("makePurse", VALUE, _PURSE),),
)
_MAKE_MINT = RegistryContract(
    "MakeMint",
    "MakeMint.rho",
    (("return",),),
    "Makes a new mint (`makePurse`).",
    (Returned("", VALUE, _MINT),),
)
_POS_METHODS = (
    _m("bond", "@deployerId", "@amount", "returnCh"),
    _m("withdraw", "@deployerId", "returnCh"),
    _m("getBonds", "returnCh"),
    _m("getActiveValidators", "returnCh"),
    _m("getRewards", "returnCh"),
    _m("getCurrentEpochRewards", "returnCh"),
    _m("getWithdrawers", "returnCh"),
    _m("getPendingWithdrawer", "returnCh"),
    _m("getEpochLength", "returnCh"),
    _m("getQuarantineLength", "returnCh"),
    _m("getCoopVault", "returnCh"),
    _m("getInitialPosVault", "returnCh"),
)
_POS = RegistryContract("PoS", "Pos.rhox", _POS_METHODS, "The proof-of-stake contract.")
# f1r3node PoS.rhox: `getInitialPosVault` answers `(posVaultAddr, posVault)`
_SYSTEM_POS = RegistryContract(
    "PoS",
    "PoS.rhox",
    _POS_METHODS,
    "The proof-of-stake contract.",
    (Returned("getInitialPosVault", VALUE, _SYSTEM_VAULT_OBJECT, 1),),
)
_EITHER = RegistryContract(
    "Either",
    "Either.rho",
    (
        _m("fromNillable", "@value", "@nilValue", "return"),
        _m("fromBoolean", "@success", "@failureMessage", "return"),
        _m("fromSingletonList", "@list", "@failureMessage", "return"),
        _m("fromNillableError", "@error", "return"),
        _m("productR", "@a", "@b", "return"),
        _m("map2", "@a", "@b", "@f", "return"),
        _m("flatMap", "@either", "f", "return"),
        _m("map", "@either", "f", "return"),
        _m("compose", "@input", "@functions", "return"),
    ),
    "Either values `(true, value)` / `(false, error)` and their combinators.",
)
_LIST_OPS = RegistryContract(
    "ListOps",
    "ListOps.rho",
    (
        _m("prepend", "@head", "@tail", "return"),
        _m("append", "@list", "@element", "return"),
        _m("fold", "@list", "@start", "combinator", "return"),
        _m("partialFold", "@list", "@start", "combinatorAndCondition", "return"),
        _m("reverse", "@list", "return"),
        _m("map", "@list", "function", "return"),
        _m("parMap", "@list", "function", "return"),
        _m("unorderedParMap", "@list", "function", "return"),
        _m("foreach", "@list", "proc", "isDone"),
        _m("indexOf", "@list", "@value", "return"),
        _m("zip", "@list1", "@list2", "return"),
        _m("range", "@start", "@end", "return"),
        _m("forall", "@list", "predicate", "returnCh"),
        _m("exists", "@list", "predicate", "returnCh"),
        _m("sum", "@list", "returnCh"),
        _m("filter", "@list", "predicate", "returnCh"),
    ),
    "List utilities.",
)
# NonNegativeNumber.rho (rchain/rchain): `NonNegativeNumber!(init, *ret)` returns
# `bundle+{*this}`, answering `add` / `sub` (`success!(true/false)`) and `value`.
_NON_NEGATIVE = RegistryContract(
    "NonNegativeNumber",
    "NonNegativeNumber.rho",
    (("@init", "return"),),
    "Makes a number object that never goes below zero (`add`, `sub`, `value`).",
    (
        Returned(
            "",
            VALUE,
            RegistryContract(
                "this",
                "NonNegativeNumber.rho",
                (_m("add", "@x", "success"), _m("sub", "@x", "success"), _m("value", "return")),
                "A number that never goes below zero: `add` / `sub` answer `true` or `false`.",
            ),
        ),
    ),
)

REGISTRY_CONTRACTS: dict[str, RegistryContract] = {
    "rho:rchain:revVault": _REV_VAULT,
    "rho:vault:system": _SYSTEM_VAULT,
    "rho:rchain:multiSigRevVault": _multi_sig(
        "MultiSigRevVault", "MultiSigRevVault.rho", "@targetRevAddress", _REV_VAULT_OBJECT
    ),
    "rho:vault:multiSig": _multi_sig(
        "MultiSigSystemVault",
        "MultiSigSystemVault.rho",
        "@targetVaultAddress",
        _SYSTEM_VAULT_OBJECT,
    ),
    "rho:rchain:authKey": _AUTH_KEY,
    "rho:system:authKey": _AUTH_KEY,
    "rho:rchain:makeMint": _MAKE_MINT,
    "rho:system:makeMint": _MAKE_MINT,
    "rho:rchain:pos": _POS,
    "rho:system:pos": _SYSTEM_POS,
    "rho:lang:either": _EITHER,
    "rho:lang:listOps": _LIST_OPS,
    "rho:lang:nonNegativeNumber": _NON_NEGATIVE,
}


def registry_contract(uri: str) -> RegistryContract | None:
    return REGISTRY_CONTRACTS.get(uri)
