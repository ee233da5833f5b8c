"""Doc comments (`///` lines or `/** ... */`) and their structured tags."""

from __future__ import annotations

import re
from dataclasses import dataclass

_TAG = re.compile(r"^@(param|return|returns|example)\b\s*(.*)$")


@dataclass(frozen=True, slots=True)
class DocComment:
    summary: str  # free text before the first tag (may be multi-line)
    params: tuple[tuple[str, str], ...] = ()
    returns: str | None = None
    examples: tuple[str, ...] = ()

    def to_markdown(self) -> str:
        parts: list[str] = []
        if self.summary:
            parts.append(self.summary)
        if self.params:
            lines = ["## Parameters", ""]
            for name, desc in self.params:
                lines.append(f"- **{name}**" + (f": {desc}" if desc else ""))
            parts.append("\n".join(lines))
        if self.returns:
            parts.append("## Returns\n\n" + self.returns)
        for ex in self.examples:
            parts.append("## Example\n\n```rholang\n" + ex + "\n```")
        return "\n\n".join(parts)


def _strip_comment(raw: str) -> list[str] | None:
    """The content lines of one doc comment token, or None when it is not a doc comment."""
    if raw.startswith("///") and not raw.startswith("////"):
        body = raw[3:]
        return [body[1:] if body.startswith(" ") else body]
    if raw.startswith("/**") and not raw.startswith("/**/") and raw.endswith("*/"):
        inner = raw[3:-2]
        out = []
        for line in inner.split("\n"):
            s = line.strip()
            if s.startswith("*"):
                s = s[1:]
                if s.startswith(" "):
                    s = s[1:]
            out.append(s.rstrip())
        while out and not out[0].strip():
            out.pop(0)
        while out and not out[-1].strip():
            out.pop()
        return out
    return None


def parse_doc_lines(lines: list[str]) -> DocComment | None:
    """Parse the content lines of consecutive doc comments into a DocComment."""
    summary: list[str] = []
    params: list[tuple[str, list[str]]] = []
    returns: list[str] | None = None
    examples: list[list[str]] = []
    current: list[str] = summary
    verbatim = True  # summary and examples keep their lines; tags are joined
    for line in lines:
        m = _TAG.match(line.strip())
        if m:
            tag, rest = m.group(1), m.group(2)
            if tag == "param":
                name, _, desc = rest.partition(" ")
                params.append((name.lstrip("@"), [desc.strip()] if desc.strip() else []))
                current = params[-1][1]
                verbatim = False
            elif tag in ("return", "returns"):
                returns = [rest] if rest else []
                current = returns
                verbatim = False
            else:
                examples.append([rest] if rest else [])
                current = examples[-1]
                verbatim = True
            continue
        if verbatim:
            current.append(line)
        elif line.strip():
            current.append(line.strip())
    text = "\n".join(summary).strip()
    if not text and not params and returns is None and not examples:
        return None
    return DocComment(
        summary=text,
        params=tuple((n, " ".join(d)) for n, d in params),
        returns=" ".join(returns).strip() if returns is not None else None,
        examples=tuple("\n".join(e).strip("\n") for e in examples),
    )


def parse_doc_comments(raw_comments: list[str]) -> DocComment | None:
    """Parse the texts of the comment tokens directly preceding a declaration.

    Non-doc comments are ignored; returns None when there is no doc comment."""
    lines: list[str] = []
    for raw in raw_comments:
        content = _strip_comment(raw)
        if content is not None:
            lines.extend(content)
    if not lines:
        return None
    return parse_doc_lines(lines)
