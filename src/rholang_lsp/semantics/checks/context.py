"""What every check receives, and the one way checks build a diagnostic."""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

# imported at run time, not only for the type checker: a compiled (mypyc) dataclass reads
# its fields' types when its module is loaded
from rholang_lsp.semantics.checks.codes import DiagnosticCode
from rholang_lsp.semantics.model import SemanticModel
from rholang_lsp.semantics.summary import GlobalContract, PlainContract
from rholang_lsp.syntax.diagnostic import Diagnostic, Related, Severity, Tag

SOURCE = "rholang-semantic"


class GlobalLookup(Protocol):
    """The workspace as the cross-file checks see it (a ``WorkspaceIndex`` or a ``Snapshot``)."""

    def contracts_named(self, name: str) -> list[tuple[str, PlainContract]]: ...

    def contracts_named_many(
        self, names: Iterable[str], *, exclude: str | None = None
    ) -> dict[str, list[tuple[str, PlainContract]]]: ...

    def definitions(
        self, key: str, *, exclude: str | None = None
    ) -> list[tuple[str, GlobalContract]]: ...


@dataclass(frozen=True, slots=True)
class CheckContext:
    model: SemanticModel
    text: str
    target: str = "f1r3fly"
    uri: str = ""
    index: GlobalLookup | None = None  # only for the workspace checks
    # offsets of the line breaks, found on the first ``line_of`` (a bisect per call, not a
    # count over the text: many diagnostics in a large file stay linear)
    _breaks: list[int] = field(default_factory=list, compare=False, repr=False)
    _scanned: list[bool] = field(default_factory=list, compare=False, repr=False)

    def line_of(self, offset: int) -> int:
        """1-based line of ``offset`` (for messages such as "bound on line 3")."""
        if not self._scanned:
            text = self.text
            i = text.find("\n")
            while i >= 0:
                self._breaks.append(i)
                i = text.find("\n", i + 1)
            self._scanned.append(True)
        return bisect.bisect_left(self._breaks, offset) + 1


def diagnostic(
    start: int,
    end: int,
    severity: Severity,
    message: str,
    code: DiagnosticCode,
    related: tuple[Related, ...] = (),
    tags: tuple[Tag, ...] = (),
) -> Diagnostic:
    return Diagnostic(start, end, severity, message, code, SOURCE, related, tags)
