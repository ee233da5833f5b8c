"""``rholang.format.maxLineLength``: the line width the formatter wraps at (issue 14)."""

from __future__ import annotations

from typing import Any

import pytest

from rholang_lsp.server.config import SessionConfig


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"rholang": {"format": {"maxLineLength": 80}}}, 80),
        ({"format": {"maxLineLength": 0}}, 0),  # 0: never wrap
        ({"rholang.format.maxLineLength": 120}, 120),
        ({"rholang": {"format": {"maxLineLength": -1}}}, None),
        ({"rholang": {"format": {"maxLineLength": 10**9}}}, None),
        ({"rholang": {"format": {"maxLineLength": True}}}, None),
        ({"rholang": {"format": {"maxLineLength": "80"}}}, None),
        ({"rholang": {"format": {"indentWidth": 4}}}, None),
    ],
)
def test_max_line_length_setting(raw: dict[str, Any], expected: int | None) -> None:
    config = SessionConfig()
    config.initialize(raw)
    assert config.format_line_width == expected


def test_later_settings_win_and_other_format_settings_stay() -> None:
    config = SessionConfig()
    config.initialize({"rholang": {"format": {"maxLineLength": 60, "indentWidth": 4}}})
    config.update({"rholang": {"format": {"maxLineLength": 90}}})
    assert (config.format_line_width, config.format_indent_width) == (90, 4)
