"""MeTTa language features, pure functions over analysed MeTTa documents.

A feature receives a *group* of documents (``Sequence[MettaModel]``) and the index of
the one the request is in: the regions of one Rholang file form a group (a function
compiled in one region may be called from another), a ``.metta`` file is a group of
one. Results are virtual offsets tagged with their document index (:class:`VLoc`);
the embedding layer maps them to the parent's coordinates.
"""

from __future__ import annotations

from rholang_lsp.features.metta.hover import metta_hover
from rholang_lsp.features.metta.navigation import (
    MettaRenameError,
    VLoc,
    metta_definition,
    metta_highlights,
    metta_prepare_rename,
    metta_references,
    metta_rename,
)
from rholang_lsp.features.metta.outline import metta_folding, metta_symbols
from rholang_lsp.features.metta.tokens import metta_semantic_tokens

__all__ = [
    "MettaRenameError",
    "VLoc",
    "metta_definition",
    "metta_folding",
    "metta_highlights",
    "metta_hover",
    "metta_prepare_rename",
    "metta_references",
    "metta_rename",
    "metta_semantic_tokens",
    "metta_symbols",
]
