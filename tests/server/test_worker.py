"""The session worker thread: results, errors, cancellation of queued and running jobs,
and an event loop that stays responsive while a job computes."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from rholang_lsp.server.worker import Job, JobInterrupted, SessionWorker


def _spin(seconds: float) -> int:
    end = time.perf_counter() + seconds
    n = 0
    while time.perf_counter() < end:
        n += 1
    return n


def _fail() -> None:
    raise ValueError("bad input")


async def test_results_and_errors_come_back_in_order() -> None:
    w = SessionWorker("t")
    a = w.start(Job(sum, ([1, 2, 3],), label="sum"))
    b = w.start(Job(_fail, (), label="fail"))
    assert await a == 6
    with pytest.raises(ValueError, match="bad input"):
        await b
    w.close()


async def test_a_running_job_is_interrupted_and_a_queued_one_dropped() -> None:
    w = SessionWorker("t")
    running = Job(_spin, (60.0,), label="spin")
    queued = Job(_spin, (60.0,), label="queued")
    f1, f2 = w.start(running), w.start(queued)
    while w.running is not running:
        await asyncio.sleep(0.001)
    t0 = time.perf_counter()
    w.interrupt(queued)
    w.interrupt(running)
    with pytest.raises(JobInterrupted):
        await f1
    with pytest.raises(JobInterrupted):
        await f2
    assert time.perf_counter() - t0 < 2
    assert await w.start(Job(sum, ([4],), label="next")) == 4  # the thread goes on
    w.close()


async def test_closing_interrupts_the_running_job() -> None:
    w = SessionWorker("t")
    job = Job(_spin, (60.0,), label="spin")
    fut = w.start(job)
    while w.running is not job:
        await asyncio.sleep(0.001)
    w.close()
    with pytest.raises(JobInterrupted):
        await asyncio.wait_for(fut, 5)
    with pytest.raises(JobInterrupted):
        w.start(Job(sum, ([1],), label="late"))


async def test_the_loop_keeps_running_while_a_job_computes() -> None:
    w = SessionWorker("t")
    fut = w.start(Job(_spin, (0.5,), label="spin"))
    worst = 0.0
    beats = 0
    while not fut.done():
        t0 = time.perf_counter()
        await asyncio.sleep(0.002)
        worst = max(worst, time.perf_counter() - t0)
        beats += 1
    assert await fut > 0
    assert beats > 20  # the loop ran all along, not once at the end
    assert worst < 0.25
    w.close()


class _SlowFinalizer:
    """Spins in ``__del__``: an interrupt sent while the job runs mostly lands there, where
    the interpreter swallows it (``sys.unraisablehook``)."""

    def __del__(self) -> None:
        _spin(0.002)


def _die_in_finalizers(seconds: float, looping: threading.Event) -> int:
    end = time.perf_counter() + seconds
    n = 0
    while time.perf_counter() < end:
        _SlowFinalizer()  # dropped at once: its __del__ runs here
        looping.set()
        _spin(0.0005)
        n += 1
    return n


async def test_an_interrupt_swallowed_by_a_finalizer_is_sent_again_and_lands(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The hook must not raise the interrupt it sends again inside itself (where it would be
    swallowed in turn, and logged, and the job would run on): the job ends interrupted, the
    log stays clean."""
    import io
    import sys

    from rholang_lsp.server import worker

    # pytest puts back its own unraisable hook after each test: the worker's is installed
    # again for this one (in the server it is installed once, for good)
    monkeypatch.setattr(worker, "_configured", False)
    w = SessionWorker("t")
    err, sys.stderr = sys.stderr, io.StringIO()
    try:
        for _ in range(6):  # each interrupt mostly lands in a finalizer first
            looping = threading.Event()
            job = Job(_die_in_finalizers, (60.0, looping), label="finalizers")
            fut = w.start(job)
            while not looping.is_set():
                await asyncio.sleep(0.001)
            t0 = time.perf_counter()
            w.interrupt(job)
            with pytest.raises(JobInterrupted):
                await asyncio.wait_for(fut, 20)
            assert time.perf_counter() - t0 < 10
        logged = sys.stderr.getvalue()
    finally:
        sys.stderr = err
    assert "Interrupted" not in logged, logged
    w.close()
