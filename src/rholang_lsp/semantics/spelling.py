"""Spelling suggestions: which known word a misspelt one most likely means.

Used by the quick fixes ("Change to `resultCh`", a misspelt system URI). The distance
is Damerau-Levenshtein (optimal string alignment: a swap of two neighbours costs 1),
bounded so that long candidate lists stay cheap.
"""

from __future__ import annotations

from collections.abc import Iterable


def edit_distance(a: str, b: str, limit: int = 3) -> int:
    """The optimal-string-alignment distance of ``a`` and ``b``, or ``limit + 1`` when it
    exceeds ``limit`` (the row minimum tells early)."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                v = min(v, prev2[j - 2] + 1)
            cur[j] = v
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[len(b)]


def max_typo_distance(word: str) -> int:
    """How many edits a typo of ``word`` may hold: none for 1-2 characters (`x` is no
    typo of `y`), 1 up to 5 characters, then 2."""
    if len(word) <= 2:
        return 0
    return 1 if len(word) <= 5 else 2


def closest(word: str, candidates: Iterable[str], limit: int | None = None) -> list[str]:
    """The candidates nearest to ``word`` (within ``limit``, default by its length),
    nearest first, ties in the candidates' order; ``word`` itself is never offered."""
    bound = max_typo_distance(word) if limit is None else limit
    scored: list[tuple[int, int, str]] = []
    seen: set[str] = set()
    for i, c in enumerate(candidates):
        if c == word or c in seen:
            continue
        seen.add(c)
        d = edit_distance(word, c, bound)
        # a case-only difference (`nil` / `Nil`, `resultch`) counts as one edit
        if d > 1 and word.lower() == c.lower():
            d = 1
        if d <= bound:
            scored.append((d, i, c))
    scored.sort()
    return [c for _, _, c in scored]
