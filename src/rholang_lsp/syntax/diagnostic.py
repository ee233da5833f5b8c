"""The diagnostic record shared by every analysis layer.

Ranges are offsets into the document's Python ``str`` (code points), half-open
``[start, end)``. Conversion to LSP line/character positions in the client's
encoding happens only at the server boundary (see ``syntax.line_index``).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Severity(enum.IntEnum):
    """LSP ``DiagnosticSeverity`` values."""

    ERROR = 1
    WARNING = 2
    INFORMATION = 3
    HINT = 4

    @property
    def label(self) -> str:
        return self.name.lower()


class Tag(enum.IntEnum):
    """LSP ``DiagnosticTag`` values."""

    UNNECESSARY = 1
    DEPRECATED = 2


@dataclass(frozen=True, slots=True)
class Related:
    """A secondary location: ``uri`` None means the same document."""

    start: int
    end: int
    message: str
    uri: str | None = None


@dataclass(frozen=True, slots=True)
class Diagnostic:
    start: int
    end: int
    severity: Severity
    message: str
    code: str
    source: str  # "rholang-parser" for syntax, "rholang-semantic" for semantics
    related: tuple[Related, ...] = ()
    tags: tuple[Tag, ...] = ()
    data: dict[str, object] | None = field(default=None, compare=False)
