"""Limits of the formatter's settings, in a module of their own: the server checks a
client's settings against them before it has imported the formatter (issue 19)."""

from __future__ import annotations

from typing import Final

#: the widest indentation unit (ARCHITECTURE "Limits"): the server refuses a larger
#: ``tabSize`` (-32602) and ignores a larger ``rholang.format.indentWidth``; the formatter
#: clamps it, so no caller can make it build gigabytes of spaces
MAX_INDENT_WIDTH: Final = 32

#: the widest line width accepted (wider is the same as no wrapping in practice)
MAX_LINE_WIDTH: Final = 10_000
