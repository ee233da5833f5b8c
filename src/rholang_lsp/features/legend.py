"""Names the features share with the client, in a module of their own: the semantic
tokens legend and the code action kinds are announced in ``initialize``'s capabilities,
before the server has imported the features (issue 19)."""

from __future__ import annotations

from typing import Final

#: the legend, in the order the integer codes refer to
TOKEN_TYPES: Final[tuple[str, ...]] = (
    "namespace",  # 0 URI literals (system channels, registry ids)
    "type",  # 1 simple types (Int, String, ...)
    "function",  # 2 contracts and channels implemented by a contract
    "method",  # 3 method names (`x.nth(0)`)
    "parameter",  # 4 contract formals
    "variable",  # 5 name and process variables
    "keyword",  # 6
    "string",  # 7
    "number",  # 8
    "operator",  # 9
    "comment",  # 10
)
TOKEN_MODIFIERS: Final[tuple[str, ...]] = (
    "declaration",  # 1 binder occurrence
    "readonly",  # 2 names bound to system URIs
    "documentation",  # 4 doc comments
    "defaultLibrary",  # 8 system channels and built-in methods
    "process",  # 16 process variables (as opposed to name variables)
)

T_NAMESPACE, T_TYPE, T_FUNCTION, T_METHOD, T_PARAMETER, T_VARIABLE = 0, 1, 2, 3, 4, 5
T_KEYWORD, T_STRING, T_NUMBER, T_OPERATOR, T_COMMENT = 6, 7, 8, 9, 10
M_DECLARATION, M_READONLY, M_DOCUMENTATION, M_DEFAULT_LIBRARY, M_PROCESS = 1, 2, 4, 8, 16

SemToken = tuple[int, int, int, int]  # start offset, length (code points), type, modifiers

#: the uri scheme of the server's read-only registry contract documents
#: (``features.registry_document``; announced in ``workspace.textDocumentContent``)
REGISTRY_SCHEME: Final = "rholang-registry"

#: code action kinds
QUICKFIX: Final = "quickfix"
SOURCE_SORT_NEW: Final = "source.sortNew"
