"""Fixed-bucket latency histograms.

The buckets are log-spaced (factor sqrt(2), i.e. two buckets per doubling) from
50 us to 30 s, rounded to three significant digits so that Prometheus ``le``
labels stay readable. Recording is one ``bisect`` (C code) plus a few integer and
float updates; percentiles are estimated at read time by linear interpolation
inside the bucket that holds the requested rank, clamped to the exact observed
minimum and maximum. The estimate is therefore always inside the true bucket:
relative error is at most one bucket width (a factor of about 1.41).

Not thread-safe by design: every recording happens on the server's single
event-loop thread. Readers on other threads (the Prometheus HTTP thread) only take
copies (``list(counts)``), which the GIL makes atomic; a copy may be one
observation behind, which is harmless.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from typing import Final


def _round_sig(x: float, digits: int = 3) -> float:
    if x == 0.0:
        return 0.0
    return round(x, digits - 1 - int(math.floor(math.log10(abs(x)))))


def _log_buckets(lo: float, hi: float, per_doubling: int) -> tuple[float, ...]:
    bounds: list[float] = []
    i = 0
    while True:
        b = _round_sig(lo * 2.0 ** (i / per_doubling))
        if b >= hi:
            break
        bounds.append(b)
        i += 1
    bounds.append(hi)
    return tuple(bounds)


#: Upper bounds (seconds, inclusive, Prometheus ``le`` semantics) of the finite
#: buckets. An extra overflow bucket (``+Inf``) follows the last one.
LATENCY_BUCKETS: Final[tuple[float, ...]] = _log_buckets(50e-6, 30.0, 2)

#: Number of count slots in a histogram: one per finite bucket plus overflow.
N_SLOTS: Final[int] = len(LATENCY_BUCKETS) + 1


class Histogram:
    """A latency histogram over :data:`LATENCY_BUCKETS` with exact count/sum/min/max.

    ``counts[i]`` counts observations ``v`` with ``LATENCY_BUCKETS[i-1] < v <=
    LATENCY_BUCKETS[i]`` (``counts[-1]`` is the overflow bucket, ``v > 30 s``).
    """

    __slots__ = ("counts", "count", "sum", "min", "max")

    def __init__(self) -> None:
        self.counts: list[int] = [0] * N_SLOTS
        self.count: int = 0
        self.sum: float = 0.0
        self.min: float = math.inf
        self.max: float = 0.0

    def observe(self, seconds: float) -> None:
        """Record one value (seconds). Negative values are clamped to 0."""
        if seconds < 0.0:
            seconds = 0.0
        self.counts[bisect_left(LATENCY_BUCKETS, seconds)] += 1
        self.count += 1
        self.sum += seconds
        if seconds > self.max:
            self.max = seconds
        if seconds < self.min:
            self.min = seconds

    def merge(self, other: Histogram) -> None:
        """Add ``other``'s observations to this histogram (read-side helper)."""
        counts = list(other.counts)
        for i, c in enumerate(counts):
            self.counts[i] += c
        self.count += sum(counts)
        self.sum += other.sum
        if other.max > self.max:
            self.max = other.max
        if other.min < self.min:
            self.min = other.min

    def copy(self) -> Histogram:
        h = Histogram()
        h.counts = list(self.counts)
        h.count = sum(h.counts)  # consistent with the copied buckets
        h.sum = self.sum
        h.min = self.min
        h.max = self.max
        return h

    def quantile(self, q: float) -> float | None:
        """Estimate the ``q``-quantile (0 <= q <= 1) in seconds; ``None`` if empty."""
        return quantile_from_counts(self.counts, q, self.min, self.max)

    def mean(self) -> float | None:
        n = sum(self.counts)
        return self.sum / n if n else None

    def cumulative(self) -> list[tuple[str, int]]:
        """Cumulative ``(le, count)`` pairs ending with ``("+Inf", total)``."""
        out: list[tuple[str, int]] = []
        acc = 0
        counts = list(self.counts)
        for bound, c in zip(LATENCY_BUCKETS, counts, strict=False):
            acc += c
            out.append((repr(bound), acc))
        acc += counts[-1]
        out.append(("+Inf", acc))
        return out

    def summary(self, scale: float = 1000.0) -> dict[str, float | int | None]:
        """JSON-friendly summary; times multiplied by ``scale`` (default: milliseconds)."""
        h = self.copy()

        def s(v: float | None) -> float | None:
            return None if v is None else round(v * scale, 4)

        return {
            "count": h.count,
            "mean": s(h.mean()),
            "p50": s(h.quantile(0.50)),
            "p95": s(h.quantile(0.95)),
            "p99": s(h.quantile(0.99)),
            "max": s(h.max) if h.count else None,
        }


def quantile_from_counts(
    counts: list[int], q: float, lo: float = 0.0, hi: float = math.inf
) -> float | None:
    """Estimate a quantile from bucket counts over :data:`LATENCY_BUCKETS`.

    ``lo``/``hi`` are the exact observed min/max, used to tighten the first and
    last occupied buckets (and to bound the overflow bucket).
    """
    counts = list(counts)
    total = sum(counts)
    if total == 0:
        return None
    q = min(1.0, max(0.0, q))
    if q >= 1.0 and hi != math.inf:
        return hi
    if q <= 0.0 and lo != math.inf:
        return lo
    rank = q * total  # the rank-th observation (1-based, fractional)
    acc = 0
    for i, c in enumerate(counts):
        if c == 0:
            continue
        if acc + c >= rank:
            lower = LATENCY_BUCKETS[i - 1] if i > 0 else 0.0
            upper = LATENCY_BUCKETS[i] if i < len(LATENCY_BUCKETS) else hi
            if lo != math.inf and lo > lower:
                lower = lo
            if hi < upper:
                upper = hi
            if upper == math.inf:
                upper = lower
            frac = (rank - acc) / c
            est = lower + (upper - lower) * frac
            return min(max(est, lower), upper)
        acc += c
    return hi if hi != math.inf else LATENCY_BUCKETS[-1]
