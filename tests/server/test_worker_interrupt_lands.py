"""A cancelled job's interrupt always lands; it is never taken back.

CPython (3.11) raises an interpreter-wide "asynchronous exception pending" flag on every
``PyThreadState_SetAsyncExc`` call, one that clears a pending exception (NULL) too, and
lowers it only when a thread raises its exception. The worker used to take back, with
NULL, every interrupt it had sent, raised or not: after the first cancelled job the flag
stayed up for good. All Python code then ran the eval loop's slow path at each check, and a
thread run under ``sys.setprofile`` (a profiler, a coverage tool) spun there forever, on its
first profiled calls. Now an interrupt not raised by the job's end lands in ``_absorb``.

The check runs in a fresh interpreter: a thread spinning for good cannot be stopped."""

from __future__ import annotations

import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    import asyncio, random, sys, threading, time
    from rholang_lsp.server.worker import Job, JobInterrupted, SessionWorker
    from rholang_lsp.syntax import pauses

    def spin(seconds, pause):
        end = time.perf_counter() + seconds
        if pause:
            with pauses.gc_paused():
                while time.perf_counter() < end:
                    pass
        else:
            while time.perf_counter() < end:
                pass

    def swallow(seconds):  # a job whose code catches the interrupt and returns
        try:
            spin(seconds, False)
        except BaseException:
            return "swallowed"
        return "done"

    async def main():
        w = SessionWorker("lands")
        loop = asyncio.get_running_loop()
        # interrupted while running, raised inside the job (with and without a pause held)
        for fn, args in ((spin, (5.0, False)), (spin, (5.0, True)), (swallow, (5.0,))):
            job = Job(fn, args, label="long")
            fut = w.start(job)
            while w.running is not job:
                await asyncio.sleep(0.001)
            w.interrupt(job)
            try:
                await asyncio.wait_for(fut, 10)
            except JobInterrupted:
                pass
        # and at random moments, some just as the job ends (the interrupt still pending)
        rng = random.Random(7)
        for _ in range(300):
            job = Job(spin, (rng.random() * 0.001, rng.randrange(2)), label="short")
            fut = w.start(job)
            loop.call_later(rng.random() * 0.0015, w.interrupt, job)
            try:
                await asyncio.wait_for(fut, 10)
            except JobInterrupted:
                pass
        w.close()

    asyncio.run(main())

    def f(n):
        return n + 1

    def profiled():
        calls = [0]

        def prof(frame, event, arg):
            calls[0] += 1

        sys.setprofile(prof)
        for i in range(1000):
            f(i)
        sys.setprofile(None)
        print("profiled calls", calls[0], flush=True)

    th = threading.Thread(target=profiled, daemon=True)
    th.start()
    th.join(10)
    print("spinning" if th.is_alive() else "finished", flush=True)
    sys.exit(3 if th.is_alive() else 0)
    """
)


def test_a_profiled_thread_runs_after_interrupted_jobs() -> None:
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0 and "finished" in out.stdout, (out.stdout, out.stderr[-2000:])
    assert "profiled calls" in out.stdout
