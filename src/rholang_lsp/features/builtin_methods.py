"""The built-in methods of Rholang values (`.nth`, `.union`, ...): names, parameters, docs,
which nodes provide them. Shared by completion (after `.`) and signature help."""

from __future__ import annotations

from dataclasses import dataclass

# receiver types
STRING, LIST, MAP, SET, TUPLE, BYTES, INT, PATHMAP, UNFORGEABLE, ANY = (
    "String",
    "List",
    "Map",
    "Set",
    "Tuple",
    "ByteArray",
    "Int",
    "PathMap",
    "unforgeable name",
    "any",
)


@dataclass(frozen=True, slots=True)
class BuiltinMethod:
    name: str
    params: tuple[str, ...]
    doc: str
    nodes: str = "both"  # "both", "rnode", "f1r3fly"
    common: bool = True  # among the everyday methods (sorted first)
    #: the receiver types the node's reducer accepts (empty: not known)
    receivers: frozenset[str] = frozenset()
    #: what it returns: a type, "same" (the receiver's type) or None (not evident)
    returns: str | None = None

    @property
    def signature(self) -> str:
        return f"{self.name}({', '.join(self.params)})"

    def accepts(self, receiver: str) -> bool:
        return ANY in self.receivers or receiver in self.receivers


def _r(*types: str) -> frozenset[str]:
    return frozenset(types)


_SEQ = _r(STRING, BYTES, LIST)
_COLL = _r(SET, MAP, PATHMAP)
# The receiver types are the match arms of each method in the reducers' method tables:
# rchain/rchain `rholang/.../interpreter/Reduce.scala` (`methodTable`) and F1R3FLY-io/f1r3node
# `rholang/src/rust/interpreter/reduce.rs` (`method_table`); where F1R3FLY accepts more
# (pathmaps, `toSet` on a tuple) the union is listed.
_RAW: list[tuple[str, tuple[str, ...], str, str, bool, frozenset[str], str | None]] = [
    (
        "nth",
        ("index",),
        "Element at `index` of a list or tuple.",
        "both",
        True,
        _r(LIST, TUPLE, BYTES),
        None,
    ),
    ("toByteArray", (), "Serialises the value to a byte array.", "both", True, _r(ANY), BYTES),
    ("hexToBytes", (), "Parses a hex string into a byte array.", "both", True, _r(STRING), BYTES),
    ("bytesToHex", (), "Renders a byte array as a hex string.", "both", True, _r(BYTES), STRING),
    ("toUtf8Bytes", (), "UTF-8 bytes of a string.", "both", True, _r(STRING), BYTES),
    ("union", ("other",), "Union of two sets or maps.", "both", True, _COLL, "same"),
    ("diff", ("other",), "Difference of two sets or maps.", "both", True, _COLL, "same"),
    ("add", ("element",), "A set with `element` added.", "both", True, _r(SET), "same"),
    ("delete", ("key",), "A set/map without `key`.", "both", True, _r(SET, MAP), "same"),
    (
        "contains",
        ("key",),
        "`true` when the set/map contains `key`.",
        "both",
        True,
        _r(SET, MAP),
        None,
    ),
    ("get", ("key",), "Value of `key` in a map (`Nil` when absent).", "both", True, _r(MAP), None),
    (
        "getOrElse",
        ("key", "default"),
        "Value of `key` in a map, or `default`.",
        "both",
        True,
        _r(MAP),
        None,
    ),
    ("set", ("key", "value"), "A map with `key` bound to `value`.", "both", True, _r(MAP), "same"),
    ("keys", (), "The set of keys of a map.", "both", True, _r(MAP), SET),
    ("size", (), "Number of elements of a set or map.", "both", True, _r(SET, MAP), INT),
    ("length", (), "Length of a string, byte array or list.", "both", True, _SEQ, INT),
    (
        "slice",
        ("from", "until"),
        "Sub-sequence `[from, until)` of a string, byte array or list.",
        "both",
        True,
        _SEQ,
        "same",
    ),
    ("take", ("n",), "The first `n` elements of a list.", "both", True, _r(LIST), LIST),
    (
        "toList",
        (),
        "Converts a set, map or tuple to a list.",
        "both",
        True,
        _r(LIST, SET, MAP, TUPLE),
        LIST,
    ),
    ("toSet", (), "Converts a list to a set.", "both", True, _r(LIST, SET, MAP, TUPLE), SET),
    ("toMap", (), "Converts a list of pairs to a map.", "both", True, _r(LIST, SET, MAP), MAP),
    (
        "toInt",
        (),
        "Parses a string (or converts a number) to `Int`.",
        "rnode",
        False,
        frozenset(),
        INT,
    ),
    ("toBigInt", (), "Converts to `BigInt`.", "rnode", False, frozenset(), None),
    (
        "toString",
        (),
        "The hex text of a deploy id (`rho:rchain:deployId`).",
        "f1r3fly",
        True,
        _r(UNFORGEABLE),
        STRING,
    ),
    (
        "intersection",
        ("other",),
        "Intersection of two pathmaps.",
        "f1r3fly",
        False,
        _r(PATHMAP),
        "same",
    ),
    (
        "restriction",
        ("keys",),
        "A pathmap restricted to the paths of another.",
        "f1r3fly",
        False,
        _r(PATHMAP),
        "same",
    ),
    (
        "dropHead",
        (),
        "A list (or pathmap paths) without its first element.",
        "f1r3fly",
        False,
        _r(LIST, PATHMAP),
        "same",
    ),
]
_PATHMAP = (
    "run readZipper readZipperAt writeZipper writeZipperAt descendTo getLeaf getSubtrie setLeaf "
    "setSubtrie removeLeaf removeBranches graft joinInto atPath pathExists createPath prunePath "
    "reset ascendOne ascend toNextSibling toPrevSibling descendFirst descendIndexedBranch childCount"
).split()

BUILTIN_METHODS: dict[str, BuiltinMethod] = {
    n: BuiltinMethod(n, p, d, nodes, c, recv, ret) for n, p, d, nodes, c, recv, ret in _RAW
}
for _name in _PATHMAP:
    BUILTIN_METHODS[_name] = BuiltinMethod(
        _name, (), "PathMap / zipper operation (F1R3FLY pathmaps).", "f1r3fly", False, _r(PATHMAP)
    )


def result_type(method: str, receiver: str | None) -> str | None:
    """The type a method call evidently returns (None: not evident)."""
    m = BUILTIN_METHODS.get(method)
    if m is None or m.returns is None:
        return None
    return receiver if m.returns == "same" else m.returns
