"""The built-in methods of Rholang values (`.nth`, `.union`, ...): names, parameters, docs,
which nodes provide them. Shared by completion (after `.`) and signature help."""

from __future__ import annotations

from dataclasses import dataclass

from rholang_lsp.syntax import SyntaxKind

K = SyntaxKind


@dataclass(frozen=True, slots=True)
class BuiltinMethod:
    name: str
    params: tuple[str, ...]
    doc: str
    nodes: str = "both"  # "both", "rnode", "f1r3fly"
    common: bool = True  # among the everyday methods (sorted first)

    @property
    def signature(self) -> str:
        return f"{self.name}({', '.join(self.params)})"


_RAW: list[tuple[str, tuple[str, ...], str, str, bool]] = [
    ("nth", ("index",), "Element at `index` of a list or tuple.", "both", True),
    ("toByteArray", (), "Serialises the value to a byte array.", "both", True),
    ("hexToBytes", (), "Parses a hex string into a byte array.", "both", True),
    ("bytesToHex", (), "Renders a byte array as a hex string.", "both", True),
    ("toUtf8Bytes", (), "UTF-8 bytes of a string.", "both", True),
    ("union", ("other",), "Union of two sets or maps.", "both", True),
    ("diff", ("other",), "Difference of two sets or maps.", "both", True),
    ("add", ("element",), "A set with `element` added.", "both", True),
    ("delete", ("key",), "A set/map without `key`.", "both", True),
    ("contains", ("key",), "`true` when the set/map contains `key`.", "both", True),
    ("get", ("key",), "Value of `key` in a map (`Nil` when absent).", "both", True),
    ("getOrElse", ("key", "default"), "Value of `key` in a map, or `default`.", "both", True),
    ("set", ("key", "value"), "A map with `key` bound to `value`.", "both", True),
    ("keys", (), "The set of keys of a map.", "both", True),
    ("size", (), "Number of elements of a collection.", "both", True),
    ("length", (), "Length of a string, byte array or list.", "both", True),
    (
        "slice",
        ("from", "until"),
        "Sub-sequence `[from, until)` of a string, byte array or list.",
        "both",
        True,
    ),
    ("take", ("n",), "The first `n` elements of a list.", "both", True),
    ("toList", (), "Converts a set, map or tuple to a list.", "both", True),
    ("toSet", (), "Converts a list to a set.", "both", True),
    ("toMap", (), "Converts a list of pairs to a map.", "both", True),
    ("toInt", (), "Parses a string (or converts a number) to `Int`.", "rnode", False),
    ("toBigInt", (), "Converts to `BigInt`.", "rnode", False),
    ("toString", (), "String representation of the value.", "f1r3fly", True),
    ("intersection", ("other",), "Intersection of two sets or maps.", "f1r3fly", False),
    ("restriction", ("keys",), "A map restricted to `keys`.", "f1r3fly", False),
    ("dropHead", (), "A list without its first element.", "f1r3fly", False),
]
_PATHMAP = (
    "run readZipper readZipperAt writeZipper writeZipperAt descendTo getLeaf getSubtrie setLeaf "
    "setSubtrie removeLeaf removeBranches graft joinInto atPath pathExists createPath prunePath "
    "reset ascendOne ascend toNextSibling toPrevSibling descendFirst descendIndexedBranch childCount"
).split()

BUILTIN_METHODS: dict[str, BuiltinMethod] = {
    n: BuiltinMethod(n, p, d, nodes, c) for n, p, d, nodes, c in _RAW
}
for _name in _PATHMAP:
    BUILTIN_METHODS[_name] = BuiltinMethod(
        _name, (), "PathMap / zipper operation (F1R3FLY pathmaps).", "f1r3fly", False
    )
