"""The session worker thread: results, errors, cancellation of queued and running jobs,
and an event loop that stays responsive while a job computes."""

from __future__ import annotations

import asyncio
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
