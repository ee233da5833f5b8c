"""What every check receives, and the one way checks build a diagnostic."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from rholang_lsp.syntax.diagnostic import Diagnostic, Related, Severity, Tag

if TYPE_CHECKING:
    from rholang_lsp.semantics.checks.codes import DiagnosticCode
    from rholang_lsp.semantics.model import SemanticModel
    from rholang_lsp.semantics.summary import GlobalContract, PlainContract

SOURCE = "rholang-semantic"


class GlobalLookup(Protocol):
    """The workspace as the cross-file checks see it (a ``WorkspaceIndex`` or a ``Snapshot``)."""

    def contracts_named(self, name: str) -> list[tuple[str, PlainContract]]: ...

    def definitions(self, key: str) -> list[tuple[str, GlobalContract]]: ...


@dataclass(frozen=True, slots=True)
class CheckContext:
    model: SemanticModel
    text: str
    target: str = "f1r3fly"
    uri: str = ""
    index: GlobalLookup | None = None  # only for the workspace checks

    def line_of(self, offset: int) -> int:
        """1-based line of ``offset`` (for messages such as "bound on line 3")."""
        return self.text.count("\n", 0, offset) + 1


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
