"""MeTTa semantics: function clauses, type declarations, variables and their checks."""

from __future__ import annotations

from rholang_lsp.semantics.metta.model import (
    Clause,
    FnOccurrence,
    MettaModel,
    TypeDecl,
    VarOccurrence,
    analyze_metta,
)

__all__ = ["Clause", "FnOccurrence", "MettaModel", "TypeDecl", "VarOccurrence", "analyze_metta"]
