"""Interrupts that land anywhere: a cancelled job's asynchronous ``Interrupted`` may arrive
just as the job ends, while the worker does its own bookkeeping. Thousands of jobs of
random length, cancelled at random moments (some while queued, some while running, some
just as they finish), some inside the parser's counted GC and recursion pauses: every
future must settle, the worker thread must live on, its lock must be free between jobs,
and the interpreter state the pauses change must come back. A lock left held by the worker
thread froze the event loop of a shared server (found by the reconnection benchmark over
WebSocket: the loop blocked in ``SessionWorker.interrupt`` forever)."""

from __future__ import annotations

import asyncio
import gc
import random
import sys
import time

from rholang_lsp.server.worker import Job, JobInterrupted, SessionWorker
from rholang_lsp.syntax import parser


def _work(seconds: float, pause: int) -> int:
    end = time.perf_counter() + seconds
    n = 0
    if pause == 1:
        with parser.gc_paused():
            while time.perf_counter() < end:
                n += 1
    elif pause == 2:
        with parser.recursion_headroom():
            while time.perf_counter() < end:
                n += 1
    else:
        while time.perf_counter() < end:
            n += 1
    return n


async def test_interrupts_at_random_moments_never_break_the_worker() -> None:
    rng = random.Random(19)
    gc_enabled, limit, threshold = gc.isenabled(), sys.getrecursionlimit(), gc.get_threshold()
    w = SessionWorker("races")
    loop = asyncio.get_running_loop()
    settled = 0
    deadline = time.perf_counter() + 6.0
    rounds = 0
    while time.perf_counter() < deadline:
        rounds += 1
        futs = []
        for _ in range(8):
            job = Job(_work, (rng.random() * 0.0015, rng.randrange(3)), label="work")
            fut = w.start(job)
            futs.append(fut)
            delay = rng.random() * 0.002
            loop.call_later(delay, w.interrupt, job)
            if rng.random() < 0.3:  # a second cancellation (the session closing meanwhile)
                loop.call_later(delay + rng.random() * 0.001, w.interrupt, job)
        done, pending = await asyncio.wait(futs, timeout=10)
        assert not pending, "a job never settled: the worker thread died or hangs"
        for f in done:
            exc = f.exception()
            assert exc is None or isinstance(exc, JobInterrupted), exc
            settled += 1
        assert w._thread is not None and w._thread.is_alive(), "the worker thread died"
    assert settled > 1000, settled
    # the thread's lock is free, and the next job runs
    assert await asyncio.wait_for(w.start(Job(sum, ([2, 3],), label="sum")), 10) == 5
    w.close()
    w._thread.join(10)
    assert not w._thread.is_alive()
    acquired = w._cond.acquire(blocking=False)
    assert acquired, "the worker's lock was left held by its thread"
    w._cond.release()
    assert gc.isenabled() == gc_enabled
    assert sys.getrecursionlimit() == limit
    assert gc.get_threshold() == threshold
