"""The diagnostic record shared by every analysis layer.

Ranges are offsets into the document's Python ``str`` (code points), half-open
``[start, end)``. Conversion to LSP line/character positions in the client's
encoding happens only at the server boundary (see ``syntax.line_index``).
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final


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


def slot_setter(cls: type, name: str) -> Callable[[Any, Any], None]:
    """The setter of the slot ``name`` of ``cls`` (bypasses a frozen class's ``__setattr__``)."""
    setter: Callable[[Any, Any], None] = cls.__dict__[name].__set__
    return setter


class Diagnostic:
    """One diagnostic: a range, a severity, a message, a code and its source.

    An immutable record, equal and hashed by every field but ``data`` (what a frozen
    dataclass would be). Written as a plain class with ``Final`` fields rather than a frozen
    dataclass: a frozen dataclass's ``__init__`` must go around its own ``__setattr__``
    (a call per field), and a large file builds thousands of diagnostics after every
    keystroke; here each field is one store (in a compiled build, a native slot, read-only
    from outside the class). The type checker refuses any assignment after ``__init__``."""

    __slots__ = ("start", "end", "severity", "message", "code", "source", "related", "tags", "data")

    def __init__(
        self,
        start: int,
        end: int,
        severity: Severity,
        message: str,
        code: str,
        source: str,  # "rholang-parser" for syntax, "rholang-semantic" for semantics
        related: tuple[Related, ...] = (),
        tags: tuple[Tag, ...] = (),
        data: dict[str, object] | None = None,
    ) -> None:
        self.start: Final[int] = start
        self.end: Final[int] = end
        self.severity: Final[Severity] = severity
        self.message: Final[str] = message
        self.code: Final[str] = code
        self.source: Final[str] = source
        self.related: Final[tuple[Related, ...]] = related
        self.tags: Final[tuple[Tag, ...]] = tags
        self.data: Final[dict[str, object] | None] = data  # not compared, not hashed

    def _key(
        self,
    ) -> tuple[int, int, Severity, str, str, str, tuple[Related, ...], tuple[Tag, ...]]:
        return (
            self.start,
            self.end,
            self.severity,
            self.message,
            self.code,
            self.source,
            self.related,
            self.tags,
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Diagnostic):
            return NotImplemented
        return (
            self.start == other.start
            and self.end == other.end
            and self.severity == other.severity
            and self.message == other.message
            and self.code == other.code
            and self.source == other.source
            and self.related == other.related
            and self.tags == other.tags
        )

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return (
            f"Diagnostic(start={self.start!r}, end={self.end!r}, severity={self.severity!r}, "
            f"message={self.message!r}, code={self.code!r}, source={self.source!r}, "
            f"related={self.related!r}, tags={self.tags!r}, data={self.data!r})"
        )

    def shifted(self, delta: int, related: tuple[Related, ...] | None = None) -> Diagnostic:
        """This diagnostic ``delta`` code points later (text inserted or removed before it);
        ``related``: its related locations moved by the caller (default: kept as they are)."""
        return Diagnostic(
            self.start + delta,
            self.end + delta,
            self.severity,
            self.message,
            self.code,
            self.source,
            self.related if related is None else related,
            self.tags,
            self.data,
        )
