"""The diagnostic record shared by every analysis layer.

Ranges are offsets into the document's Python ``str`` (code points), half-open
``[start, end)``. Conversion to LSP line/character positions in the client's
encoding happens only at the server boundary (see ``syntax.line_index``).
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


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


@dataclass(frozen=True, slots=True, init=False)
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

    def __init__(
        self,
        start: int,
        end: int,
        severity: Severity,
        message: str,
        code: str,
        source: str,
        related: tuple[Related, ...] = (),
        tags: tuple[Tag, ...] = (),
        data: dict[str, object] | None = None,
    ) -> None:
        # the generated frozen ``__init__`` sets each field with ``object.__setattr__`` (a
        # lookup by name each); the slots' own setters take half the time, and a large file
        # builds thousands of diagnostics after every keystroke
        _set_start(self, start)
        _set_end(self, end)
        _set_severity(self, severity)
        _set_message(self, message)
        _set_code(self, code)
        _set_source(self, source)
        _set_related(self, related)
        _set_tags(self, tags)
        _set_data(self, data)

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


_set_start = slot_setter(Diagnostic, "start")
_set_end = slot_setter(Diagnostic, "end")
_set_severity = slot_setter(Diagnostic, "severity")
_set_message = slot_setter(Diagnostic, "message")
_set_code = slot_setter(Diagnostic, "code")
_set_source = slot_setter(Diagnostic, "source")
_set_related = slot_setter(Diagnostic, "related")
_set_tags = slot_setter(Diagnostic, "tags")
_set_data = slot_setter(Diagnostic, "data")
