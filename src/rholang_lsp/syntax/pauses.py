"""Process-wide interpreter settings held while some block of some thread needs them: the
cyclic GC paused (``gc_paused``), its full collections paused (``full_gc_paused``), the
recursion limit raised for deep parses (``recursion_headroom``).

Each is counted per thread: the setting is made when the first block of any thread enters
and undone when the last one leaves. Blocks run inside a session worker's jobs, where a
cancelled job is stopped by an asynchronous exception (``server.worker``) that can land at
any call, also inside the entering or leaving of such a block; the block's count or its
undoing is then left behind. The worker calls ``release_thread()`` after each job: what
that thread still holds is dropped and the setting undone when nobody else holds it (a GC
left off for good would let every cyclic object of the process pile up).
"""

from __future__ import annotations

import gc
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Final

#: Maximum nesting depth (recursive constructs) before "nesting too deep".
MAX_DEPTH: Final = 400
RECURSION_NEEDED: Final = MAX_DEPTH * 10 + 2000
#: young objects made since the last collection above which ``settle_young`` collects
SETTLE_AFTER: Final = 50_000
#: the third threshold while full collections are paused: never reached
NO_FULL_COLLECTION: Final = 1 << 30

_lock = threading.Lock()  # a C lock: `with _lock` cannot be left held by an exception


class _Held:
    """One process-wide setting and, per thread, how many blocks hold it."""

    def __init__(self, begin: Callable[[], None], end: Callable[[], None]) -> None:
        self.begin = begin
        self.end = end
        self.by_thread: dict[int, int] = {}

    # The order of each step is what an interrupt landing between any two calls needs: the
    # thread's entry exists whenever the setting may be made, so release_thread undoes it.

    def enter(self) -> None:
        tid = threading.get_ident()
        with _lock:
            first = not self.by_thread
            self.by_thread[tid] = self.by_thread.get(tid, 0) + 1
            if first:
                self.begin()

    def leave(self) -> bool:
        """True if this was the last block held: the setting was undone."""
        tid = threading.get_ident()
        with _lock:
            n = self.by_thread.get(tid, 0)
            if n > 1:
                self.by_thread[tid] = n - 1
                return False
            last = len(self.by_thread) == 1 and n == 1
            if last:
                self.end()  # before the entry goes: an interrupt in end() leaves it to release
            self.by_thread.pop(tid, None)
            return last

    def release_thread(self, tid: int) -> bool:
        """Drop what thread ``tid`` still holds; True if it held anything."""
        with _lock:
            if tid not in self.by_thread:
                return False
            if len(self.by_thread) == 1:
                self.end()
            del self.by_thread[tid]
            return True

    @property
    def held(self) -> bool:
        return bool(self.by_thread)


_gc_was_enabled = False
_settle_requested = False  # settle_young was asked during a pause
_settle_due = False  # ... and the pause has ended with the GC back on
_saved_threshold: tuple[int, int, int] = (700, 10, 10)
_saved_limit = 0


def _gc_off() -> None:
    global _gc_was_enabled
    _gc_was_enabled = gc.isenabled()
    gc.disable()


def _gc_on() -> None:
    global _settle_requested, _settle_due
    if _gc_was_enabled:
        gc.enable()
    _settle_due = _settle_requested and _gc_was_enabled
    _settle_requested = False


def _full_off() -> None:
    global _saved_threshold
    _saved_threshold = gc.get_threshold()
    gc.set_threshold(_saved_threshold[0], _saved_threshold[1], NO_FULL_COLLECTION)


def _full_on() -> None:
    gc.set_threshold(*_saved_threshold)


def _deep_on() -> None:
    global _saved_limit
    _saved_limit = sys.getrecursionlimit()
    if _saved_limit < RECURSION_NEEDED:
        sys.setrecursionlimit(RECURSION_NEEDED)


def _deep_off() -> None:
    if _saved_limit < RECURSION_NEEDED:
        sys.setrecursionlimit(_saved_limit)


_GC: Final = _Held(_gc_off, _gc_on)
_FULL: Final = _Held(_full_off, _full_on)
_DEEP: Final = _Held(_deep_on, _deep_off)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic GC while at least one such block runs (counted across threads;
    re-enabled after the last one, only when it was enabled before the first).

    For work that allocates many container objects of which most live on, or die by
    reference counting: a tree being built (hundreds of thousands of new objects, cyclic
    through their parent pointers), the re-analysis after a keystroke (thousands of
    records). A collection triggered every 700 allocations meanwhile rescans the young
    objects again and again; after the block, the first allocation collects them once."""
    _GC.enter()
    try:
        yield
    finally:
        if _GC.leave() and _settle_due:
            _settle_now()


def settle_young() -> None:
    """Collect the young generations once, now or when the last ``gc_paused`` block ends,
    if many objects were made since the last collection (a large file's tree and model:
    430k on a 20,010-line file): for objects that will live long, so that they reach the
    oldest generation in one pass. Left to the automatic collections they are scanned twice,
    by the first allocation after the pause and again by a generation-1 collection about
    ten collections later (0.2 s on that file, during whatever runs then)."""
    global _settle_requested
    with _lock:
        if _GC.held:
            _settle_requested = True
            return
    _settle_now()


def _settle_now() -> None:
    if gc.isenabled() and gc.get_count()[0] > SETTLE_AFTER:
        gc.collect(1)


@contextmanager
def full_gc_paused() -> Iterator[None]:
    """Pause the cyclic GC's full collections while a large object graph is built (a tree
    by the parser or the incremental reparse, a model by the binder); young collections go
    on. Counted across threads: the first pause in flight sets the third threshold out of
    reach, the last one restores the thresholds it found.

    A tree is hundreds of thousands of new container objects (parent pointers make them
    cyclic). With every collection on, each time the survivors passed a quarter of the old
    generation a full collection rescanned the whole heap (every tree held) while the tree
    grew: parse cost per KB of a 20,010-line file was 2.1x that of a 2,005-line one. With
    the GC off instead (``gc_paused``), the first collection after the build walked the
    whole new tree at once, long out of the CPU caches, and again at the next middle
    collection: the 20,010-line file's parse paid 158 ms (of 642, CPU) for that first walk,
    the 2,005-line file's 5.6 ms (of 50), 1.26x per KB. Young collections while the tree is
    built walk objects just made, still cached: 512 ms, 1.03x per KB; the corpus (393 files)
    parses in 346 ms instead of 394 with each tree dropped, 342 instead of 476 with all held
    (CPU, medians, load 3). Inside ``gc_paused`` (GC off: the analysis cache's re-analysis)
    this changes nothing."""
    _FULL.enter()
    try:
        yield
    finally:
        _FULL.leave()


@contextmanager
def recursion_headroom() -> Iterator[None]:
    """Raise the interpreter's recursion limit to what ``MAX_DEPTH`` nesting needs (about ten
    frames per level) while at least one parse runs, and restore it when the last one ends.

    The limit is process-wide and parses run on several threads (request workers): a plain
    save/restore per parse would let one thread's restore cut the stack of another thread
    still deep in its own parse, so the parses in flight are counted. Outside parses the
    limit stays the interpreter's (the protocol layer relies on it to refuse absurdly deep
    JSON). The cyclic GC's full collections are paused for as long (``full_gc_paused``)."""
    _DEEP.enter()
    try:
        with full_gc_paused():
            yield
    finally:
        _DEEP.leave()


def release_thread(tid: int | None = None) -> bool:
    """Undo what blocks of thread ``tid`` (default: this one) left held, for a thread whose
    blocks have all ended (a worker between jobs); True if anything was left."""
    if tid is None:
        tid = threading.get_ident()
    left = False
    for held in (_GC, _FULL, _DEEP):
        left = held.release_thread(tid) or left
    return left
