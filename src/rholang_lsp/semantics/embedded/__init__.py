"""Embedded languages inside Rholang string literals: regions, their virtual text and
the exact offset map to the parent document, and their detection (MeTTa today)."""

from __future__ import annotations

from rholang_lsp.semantics.embedded.detect import METTA_URIS, detect_metta_regions
from rholang_lsp.semantics.embedded.regions import OffsetMap, Region, virtual_text

__all__ = ["METTA_URIS", "OffsetMap", "Region", "detect_metta_regions", "virtual_text"]
