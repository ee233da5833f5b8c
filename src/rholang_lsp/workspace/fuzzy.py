"""Fuzzy matching for workspace/symbol: case-insensitive subsequence with scoring."""

from __future__ import annotations

import re
from functools import lru_cache


@lru_cache(maxsize=256)
def _pattern(query: str) -> re.Pattern[str]:
    return re.compile(".*?".join(re.escape(c) for c in query.lower()))


def fuzzy_score(query: str, name: str, lowered: str | None = None) -> int | None:
    """Score of ``name`` for ``query`` (higher is better) or None when it does not match.

    A match is a case-insensitive subsequence. Bonuses: exact match, prefix,
    contiguous runs, characters at word starts / camel humps; penalties: gaps
    and length.
    """
    if not query:
        return 0
    low = lowered if lowered is not None else name.lower()
    q = query.lower()
    if _pattern(q).search(low) is None:
        return None
    if low == q:
        return 10_000 + (100 if name == query else 0)
    score = 0
    if low.startswith(q):
        score += 1_000
    pos = low.find(q)
    if pos >= 0:
        score += 500 - min(pos, 50)
    align = _align(q, low, name, prefer_boundary=True)
    if align is None:
        align = _align(q, low, name, prefer_boundary=False)
    if align is None:
        return None
    prev = -2
    for best in align:
        if best == prev + 1:
            score += 15
        elif prev >= 0:
            score -= min(best - prev, 10)
        if _is_boundary(name, best):
            score += 25
        prev = best
    score -= len(name)
    return score


def max_substring_score(query: str) -> int:
    """An upper bound of ``fuzzy_score`` for a name that contains ``query`` but does not
    start with it (case-insensitively): the substring bonus at position 1 plus every
    run and boundary bonus (the length penalty is ignored)."""
    return 499 + max_subsequence_score(query)


def max_subsequence_score(query: str) -> int:
    """An upper bound of ``fuzzy_score`` for a name that does NOT contain ``query``
    as a substring: no exact, prefix or substring bonus, at most the run and
    boundary bonuses of every character (and the length penalty is ignored)."""
    n = len(query)
    return 25 * n + 15 * max(n - 1, 0)


def _align(q: str, low: str, name: str, *, prefer_boundary: bool) -> list[int] | None:
    out: list[int] = []
    i = 0
    for ch in q:
        first = low.find(ch, i)
        if first < 0:
            return None
        best = first
        if prefer_boundary and not _is_boundary(name, first):
            j = low.find(ch, first + 1)
            while j >= 0:
                if _is_boundary(name, j):
                    best = j
                    break
                j = low.find(ch, j + 1)
        out.append(best)
        i = best + 1
    return out


def _is_boundary(name: str, i: int) -> bool:
    if i == 0:
        return True
    c, p = name[i], name[i - 1]
    if p in "_-:.'/ ":
        return True
    return c.isupper() and not p.isupper()
