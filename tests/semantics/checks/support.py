"""Helpers of the check tests: marked text and the semantic diagnostics of a program."""

from __future__ import annotations

import re

from rholang_lsp.semantics.checks import GlobalLookup
from rholang_lsp.semantics.diagnostics import semantic_diagnostics
from rholang_lsp.syntax import parse
from rholang_lsp.syntax.diagnostic import Diagnostic, Severity

MARK = re.compile(r"«([A-Za-z0-9_]+):([^»]*)»")


def mark(marked: str) -> tuple[str, dict[str, tuple[int, int]]]:
    """`«label:text»` markers -> plain text and label -> (start, end) offsets."""
    out = ""
    labels: dict[str, tuple[int, int]] = {}
    pos = 0
    for m in MARK.finditer(marked):
        out += marked[pos : m.start()]
        labels[m.group(1)] = (len(out), len(out) + len(m.group(2)))
        out += m.group(2)
        pos = m.end()
    return out + marked[pos:], labels


def diags(
    text: str,
    target: str = "f1r3fly",
    *,
    uri: str = "file:///t.rho",
    index: GlobalLookup | None = None,
) -> list[Diagnostic]:
    return semantic_diagnostics(parse(text, target=target), uri=uri, target=target, index=index)


def codes(text: str) -> list[str]:
    """Codes of the errors and warnings (no hints)."""
    return [d.code for d in diags(text) if d.severity <= Severity.WARNING]


def spans(text: str, code: str, target: str = "f1r3fly") -> list[str]:
    """The text under each diagnostic with ``code``."""
    return [text[d.start : d.end] for d in diags(text, target) if d.code == code]
