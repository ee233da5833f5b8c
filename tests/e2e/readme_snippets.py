"""The editor snippets of README.md, read from the README itself so that the tests run
exactly what a user copies (the docs and the tests cannot drift apart)."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"


def snippet(language: str, after: str) -> str:
    """The first fenced ``language`` block after the line containing ``after``."""
    text = README.read_text(encoding="utf-8")
    start = text.index(after)
    m = re.compile(rf"^```{re.escape(language)}\n(.*?)^```$", re.M | re.S).search(text, start)
    assert m is not None, f"no ```{language} block after {after!r} in README.md"
    return m.group(1)
