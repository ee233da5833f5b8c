"""MeTTa semantics: function clauses, type declarations, variables and their checks.

The model's names are loaded on first use (PEP 562): ``semantics.metta.summary``'s
file-name tests are used before ``initialize`` is answered, the MeTTa parser only
when a MeTTa text is analysed (issue 19).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rholang_lsp.semantics.metta.model import (
        Clause,
        FnOccurrence,
        MettaModel,
        TypeDecl,
        VarOccurrence,
        analyze_metta,
    )

__all__ = ["Clause", "FnOccurrence", "MettaModel", "TypeDecl", "VarOccurrence", "analyze_metta"]

if not TYPE_CHECKING:

    def __getattr__(name: str) -> Any:
        if name not in __all__:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        from rholang_lsp.semantics.metta import model

        value = getattr(model, name)
        globals()[name] = value
        return value
