"""Output formats of ``rholang-lsp check``: text, JSON, GitHub workflow commands, SARIF 2.1.0.

Every format gets the same records: a path as given on the command line (or the
``--stdin-filename``), 0-based lines and UTF-16 columns (as LSP), the 1-based code-point
column for the text format, severity, code, source and message.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any, Final

from rholang_lsp import __version__

FORMATS: Final = ("text", "json", "github", "sarif")
SARIF_SCHEMA: Final = "https://json.schemastore.org/sarif-2.1.0.json"
#: LSP severity label -> GitHub workflow command / SARIF result level.
GITHUB_COMMAND: Final = {
    "error": "error",
    "warning": "warning",
    "information": "notice",
    "hint": "notice",
}
SARIF_LEVEL: Final = {"error": "error", "warning": "warning", "information": "note", "hint": "note"}


@dataclass(frozen=True, slots=True)
class Record:
    path: str
    line: int  # 0-based
    character: int  # 0-based, UTF-16 code units
    end_line: int
    end_character: int
    column: int  # 1-based, code points (what a terminal user counts)
    severity: str  # "error", "warning", "information", "hint"
    code: str | None
    source: str | None
    message: str

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "range": {
                "start": {"line": self.line, "character": self.character},
                "end": {"line": self.end_line, "character": self.end_character},
            },
            "severity": self.severity,
            "code": self.code,
            "source": self.source,
            "message": self.message,
        }


def text(records: list[Record]) -> str:
    return "".join(
        f"{r.path}:{r.line + 1}:{r.column}: {r.severity}: {r.message}\n" for r in records
    )


def json_array(records: list[Record]) -> str:
    return json.dumps([r.to_json() for r in records], indent=2, ensure_ascii=False) + "\n"


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def github(records: list[Record]) -> str:
    """GitHub Actions workflow commands: one annotation per diagnostic (1-based columns)."""
    out = []
    for r in records:
        props = [
            f"file={_escape_property(r.path)}",
            f"line={r.line + 1}",
            f"col={r.character + 1}",
            f"endLine={r.end_line + 1}",
            f"endColumn={r.end_character + 1}",
        ]
        if r.code:
            title = f"{r.source or 'rholang'}({r.code})"
            props.append(f"title={_escape_property(title)}")
        out.append(f"::{GITHUB_COMMAND[r.severity]} {','.join(props)}::{_escape_data(r.message)}\n")
    return "".join(out)


def _artifact_uri(path: str) -> dict[str, str]:
    """Relative paths stay relative (code scanning resolves them against the checkout)."""
    p = PurePath(path)
    if p.is_absolute():
        return {"uri": Path(path).as_uri()}
    return {"uri": p.as_posix(), "uriBaseId": "%SRCROOT%"}


def sarif(records: list[Record]) -> str:
    """A SARIF 2.1.0 log with one run; regions in 1-based lines and UTF-16 columns."""
    rule_ids = sorted({r.code or "diagnostic" for r in records})
    index = {rule: i for i, rule in enumerate(rule_ids)}
    results = []
    for r in records:
        rule = r.code or "diagnostic"
        results.append(
            {
                "ruleId": rule,
                "ruleIndex": index[rule],
                "level": SARIF_LEVEL[r.severity],
                "message": {"text": r.message},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": _artifact_uri(r.path),
                            "region": {
                                "startLine": r.line + 1,
                                "startColumn": r.character + 1,
                                "endLine": r.end_line + 1,
                                "endColumn": r.end_character + 1,
                            },
                        }
                    }
                ],
            }
        )
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "rholang-lsp",
                        "version": __version__,
                        "rules": [
                            {"id": rule, "shortDescription": {"text": rule}} for rule in rule_ids
                        ],
                    }
                },
                "columnKind": "utf16CodeUnits",
                "originalUriBaseIds": {"%SRCROOT%": {"uri": Path.cwd().as_uri() + "/"}},
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


RENDER: Final = {"text": text, "json": json_array, "github": github, "sarif": sarif}
