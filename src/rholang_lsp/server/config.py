"""Per-session settings: what the client negotiated and configured.

``SessionConfig`` is created with the session (from the server's options) and
updated by ``initialize`` (position encoding, ``initializationOptions``) and
``workspace/didChangeConfiguration`` (``settings``). Settings arrive as
``{"rholang": {...}}``, ``{...}`` or dotted keys ``{"rholang.format.indentWidth": 4}``;
they are merged into ``settings`` (later wins) and the typed fields are read
from the merge, so a feature reads ``session.config.<field>`` and never a dict.
"""

from __future__ import annotations

from typing import Any, Final

import msgspec

from rholang_lsp.features.format_limits import MAX_INDENT_WIDTH, MAX_LINE_WIDTH
from rholang_lsp.server.validation import ValidatorSettings, settings_from_client
from rholang_lsp.syntax.line_index import UTF16

#: Dialects a client may check against (``initializationOptions.target`` or ``--target``).
TARGETS: Final = ("f1r3fly", "rnode")


class SessionConfig(msgspec.Struct):
    target: str = "f1r3fly"  # the dialect checked (server --target, else the client's choice)
    position_encoding: str = UTF16  # negotiated in initialize
    inlay_parameter_names: bool = False  # rholang.inlayHints.parameterNames(.enabled)
    format_indent_width: int | None = None  # rholang.format.indentWidth (beats tabSize)
    format_line_width: int | None = None  # rholang.format.maxLineLength (0: no wrapping)
    settings: dict[str, Any] = msgspec.field(default_factory=dict)  # the merged raw settings
    #: the server's validator (CLI flags); ``validator`` is it with ``rholang.validator`` applied
    validator_default: ValidatorSettings = msgspec.field(default_factory=ValidatorSettings)
    validator: ValidatorSettings = msgspec.field(default_factory=ValidatorSettings)
    validator_problem: str = ""  # what ``rholang.validator`` had wrong ("" if nothing)

    def __post_init__(self) -> None:
        self.validator = self.validator_default

    def initialize(self, options: Any) -> None:
        """Apply ``initializationOptions`` (the target only from there, as before)."""
        if isinstance(options, dict):
            nested = options.get("rholang")
            value = nested.get("target") if isinstance(nested, dict) else options.get("target")
            if value in TARGETS:
                self.target = str(value)
        self.update(options)

    def update(self, raw: Any) -> None:
        """Merge client settings and re-read the typed fields."""
        _merge(self.settings, raw)
        width = self._get("format", "indentWidth")
        # 1..MAX_INDENT_WIDTH (ARCHITECTURE "Limits"); anything else is ignored like a
        # missing setting (a notification cannot be answered with an error)
        self.format_indent_width = (
            width
            if isinstance(width, int)
            and not isinstance(width, bool)
            and 0 < width <= MAX_INDENT_WIDTH
            else None
        )
        line = self._get("format", "maxLineLength")
        # 0..MAX_LINE_WIDTH (0 turns wrapping off); anything else is ignored like a
        # missing setting (the default width applies)
        self.format_line_width = (
            line
            if isinstance(line, int) and not isinstance(line, bool) and 0 <= line <= MAX_LINE_WIDTH
            else None
        )
        names = self._get("inlayHints", "parameterNames")
        if isinstance(names, dict):
            names = names.get("enabled")
        self.inlay_parameter_names = names is True or names == "all" or names == "literals"
        self.validator, self.validator_problem = settings_from_client(
            self.validator_default, self._get("validator")
        )

    def _get(self, *path: str) -> Any:
        node: Any = self.settings
        for p in path:
            if not isinstance(node, dict):
                return None
            node = node.get(p)
        return node


def _merge(into: dict[str, Any], raw: Any) -> None:
    """Accept ``{"rholang": {...}}``, ``{...}`` or dotted keys ``{"rholang.x.y": v}``."""
    if not isinstance(raw, dict):
        return
    if isinstance(raw.get("rholang"), dict):
        raw = raw["rholang"]
    for key, value in raw.items():
        if not isinstance(key, str):
            continue
        parts = key.split(".")
        if parts[0] == "rholang":
            parts = parts[1:]
        node = into
        for p in parts[:-1]:
            node = node.setdefault(p, {})
            if not isinstance(node, dict):
                break
        else:
            if parts:
                if isinstance(value, dict) and isinstance(node.get(parts[-1]), dict):
                    _merge(node[parts[-1]], value)
                else:
                    node[parts[-1]] = value
