"""Off-loop execution: one worker thread per session, jobs run one at a time.

Why threads: parsing, binding and the features are CPU-bound Python. Run on the
event loop, one large document (or one pathological input) would freeze every
client of a shared server. In a worker thread the loop keeps serving the other
connections: CPython hands the GIL to a waiting thread after the switch interval,
which the first worker lowers to ``SWITCH_INTERVAL`` (1 ms, default 5 ms), so the
loop waits at most about that long each time it needs the interpreter.

Why one thread per session: a session's jobs (requests, diagnostics runs) must see
its documents as they were when the job started, and its ``AnalysisCache`` may
reparse trees in place; one thread and the session's turn (``Session``) make every
job of a session exclusive, while different sessions run side by side.

Running slots: at most ``RUNNING_JOBS`` jobs (of all sessions) compute at once; a
worker takes a slot per job and gives it back after it. The GIL is then shared by
the loop and a few workers, not dozens (the loop waits for it less), and the slots go
round the sessions job by job: a client with 400 queued requests holds one slot at a
time, so another client's request runs after at most one job of each busy session.

Cancellation: a job not started yet is dropped; a running one is interrupted with
``PyThreadState_SetAsyncExc`` (``Interrupted`` is raised in the worker at its next call),
only while that very job runs. Work left half done by an interruption is only ever the
job's own (a tree being reparsed was taken out of the cache first; see
``workspace.analysis``).

An asynchronous exception can land at any call, so the worker's own bookkeeping is written
for it: at most one ``Interrupted`` is live per job (``_armed``), it can only be sent while
the job is between ``_begin`` and ``_end`` (``_current``, read and written under a C
lock, which a ``with`` releases whatever lands), and one that lands after the job's code
but before ``_end`` lets it land (``_absorb``) is caught around that stretch. What a job's blocks left
held in the interpreter (``syntax.pauses``: GC paused, recursion limit raised) when the
interrupt landed inside their entering or leaving is released after each job. A worker
once died with its ``threading.Condition``'s (Python-level) lock held, an interrupt having
landed in its bookkeeping, and the event loop blocked on that lock for good, freezing every
client of a shared server (``tests/server/test_worker_interrupt_races.py``). An interrupt
that lands in a finalizer or a weakref callback is swallowed there by the interpreter: our
``sys.unraisablehook`` has the loop's thread send it again while the job runs (sent from the
hook itself, it landed in the hook and was swallowed once more) and keeps it out of the log.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import threading
from collections.abc import Callable
from typing import Any, Final

from rholang_lsp.syntax import pauses

_log = logging.getLogger(__name__)

#: The interpreter's thread switch interval once a worker exists (seconds).
SWITCH_INTERVAL: Final = 0.001
#: Stack of a worker thread: deep (bounded) recursion in the parser, binder and encoder.
STACK_SIZE: Final = 64 * 1024 * 1024

#: Jobs computing at once, process-wide (a job waiting for a slot is still cancellable).
RUNNING_JOBS: Final = max(2, os.cpu_count() or 2)
_slots = threading.Semaphore(RUNNING_JOBS)  # taken and given back only while no interrupt can land
_configured = False
_here = threading.local()  # .worker: the SessionWorker whose thread this is


class Interrupted(BaseException):
    """Raised asynchronously in a worker thread to stop the job that was cancelled."""


class JobInterrupted(Exception):
    """What the job's future raises on the loop when the job was dropped or interrupted."""


def _set_async_exc(tid: int, exc: type[BaseException]) -> None:
    """Raise ``exc`` in thread ``tid`` at its next bytecode (never NULL: see ``_absorb``)."""
    import ctypes  # here: ~3 ms of start-up, and only an interrupted job needs it

    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(tid), ctypes.py_object(exc))


def _absorb() -> None:
    """Let the interrupt pending on this thread land, here, where it is caught.

    Not taken back with ``PyThreadState_SetAsyncExc(tid, NULL)``: CPython (3.11) signals
    the interpreter-wide "asynchronous exception pending" flag on every call, a clearing one
    too, and lowers it only when some thread raises its exception. Taken back, the flag
    stayed up for good: every thread then went through the eval loop's slow path at each
    check (all Python code 2-4% slower), and a thread run under ``sys.setprofile`` spun
    there forever (``tests/server/test_worker_interrupt_lands.py``)."""
    # A pending one is raised at the loop's first backward jump. None lands when the job's
    # code caught it (an ``except BaseException``): it was raised, nothing is pending, and
    # taking back would raise the flag for good.
    try:
        for _ in range(_ABSORB_CHECKS):
            pass
    except Interrupted:
        pass


#: loop iterations (eval-breaker checks) given to a pending interrupt to land
_ABSORB_CHECKS: Final = 100


class Job:
    """One function call to run in a session's worker thread."""

    __slots__ = ("fn", "args", "label", "uri", "supersedable", "future", "loop", "state", "kill")

    def __init__(
        self,
        fn: Callable[..., Any],
        args: tuple[Any, ...],
        *,
        label: str,
        uri: str | None = None,
        supersedable: bool = False,
    ) -> None:
        self.fn = fn
        self.args = args
        self.label = label  # e.g. "textDocument/hover" (logs, watchdog)
        self.uri = uri  # the document the job is about (superseded by its changes)
        self.supersedable = supersedable  # stale after a change of ``uri``
        self.future: asyncio.Future[Any] | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.state = "new"  # new -> queued -> running -> done | dropped
        self.kill = False  # cancelled (interrupt sent or to be dropped before starting)


def _configure() -> None:
    global _configured
    if not _configured:
        _configured = True
        if sys.getswitchinterval() > SWITCH_INTERVAL:
            sys.setswitchinterval(SWITCH_INTERVAL)
        previous = sys.unraisablehook

        def hook(unraisable: Any) -> None:
            if not isinstance(unraisable.exc_value, Interrupted):
                previous(unraisable)
                return
            worker = getattr(_here, "worker", None)  # swallowed by a finalizer: send it again
            job = worker._current if worker is not None else None
            if worker is None or job is None or job.loop is None:
                return
            # Sent again from the loop's thread, once this hook has returned (``_in_hook``):
            # sent from here, or while the hook still runs, it would land in the hook at its
            # next check and be swallowed once more, and the job would run on.
            worker._in_hook = True
            try:
                job.loop.call_soon_threadsafe(worker._resend, job)
            except RuntimeError:  # the loop is closed: nobody waits for the job
                pass
            worker._in_hook = False  # then only a return: no check where it could land

        sys.unraisablehook = hook


class SessionWorker:
    """A daemon thread running one session's jobs in order (started on first use)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._jobs: list[Job] = []
        # a C lock, not the default RLock's Python-level __enter__: see the module docstring
        self._lock = threading.Lock()
        self._cond = threading.Condition(self._lock)
        self._thread: threading.Thread | None = None
        self._tid = 0
        self._current: Job | None = None
        self._closed = False
        self._armed = False  # the current job's one interrupt was sent (False between jobs)
        self._in_hook = False  # this thread is in the unraisable hook, asking for a resend

    def start(self, job: Job) -> asyncio.Future[Any]:
        """Queue ``job``; its future resolves on the loop with the result (or raises
        its exception, or ``JobInterrupted`` if it was dropped or interrupted)."""
        loop = asyncio.get_running_loop()
        job.loop = loop
        job.future = loop.create_future()
        with self._cond:
            if self._closed:
                raise JobInterrupted(f"{job.label}: {self.name} closed")
            if self._thread is None:
                self._spawn()
            job.state = "queued"
            self._jobs.append(job)
            self._cond.notify()
        return job.future

    def interrupt(self, job: Job) -> None:
        """Cancel ``job``: dropped if queued, interrupted if running (once)."""
        with self._cond:
            if job.kill:
                return
            job.kill = True
            self._send(job)

    def close(self) -> None:
        """Stop: queued jobs are dropped, the running one is interrupted (its session is
        gone: nobody waits for the answer)."""
        with self._cond:
            self._closed = True
            for job in self._jobs:
                job.kill = True
            current = self._current
            if current is not None and not current.kill:
                current.kill = True
                self._send(current)
            self._cond.notify()

    def _resend(self, job: Job) -> None:
        """Interrupt ``job`` again, its interrupt having been swallowed by a finalizer (on the
        loop, from the unraisable hook; ``job`` may have ended since)."""
        with self._cond:
            if self._current is not job or not self._armed:
                return
            if self._in_hook:  # not returned from the hook yet: try again (the loop waits,
                # the GIL free for the worker to return, rather than spinning for it)
                assert job.loop is not None
                job.loop.call_later(SWITCH_INTERVAL, self._resend, job)
                return
            _set_async_exc(self._tid, Interrupted)

    def _send(self, job: Job) -> None:
        """Interrupt ``job`` if it is the one running and has not been sent one (lock held)."""
        if self._current is job and not self._armed:
            self._armed = True
            _set_async_exc(self._tid, Interrupted)

    @property
    def running(self) -> Job | None:
        return self._current

    # ------------------------------------------------------------------ the thread

    def _spawn(self) -> None:
        _configure()
        try:
            old = threading.stack_size(STACK_SIZE)
        except (ValueError, RuntimeError):  # pragma: no cover - platform without it
            old = None
        try:
            thread = threading.Thread(target=self._loop, name=self.name, daemon=True)
            thread.start()
        finally:
            if old is not None:
                threading.stack_size(old)
        self._thread = thread

    def _next(self) -> Job | None:
        with self._cond:
            while not self._jobs and not self._closed:
                self._cond.wait()
            if not self._jobs:
                return None
            job = self._jobs.pop(0)
            job.state = "dropped" if job.kill else "claimed"
            return job

    def _loop(self) -> None:
        # No interrupt can be live here: one is only sent between _begin and _end.
        self._tid = threading.get_ident()
        _here.worker = self
        while True:
            job = self._next()
            if job is None:
                return
            if job.state == "dropped":
                _deliver(job, False, JobInterrupted(job.label))
                continue
            slot = False
            while not slot and not job.kill:  # a job waiting for its slot stays cancellable
                slot = _slots.acquire(timeout=0.05)
            if slot:
                ok, value = self._run(job)
                _slots.release()
                pauses.release_thread()  # what an interrupt left held (module docstring)
            else:
                job.state = "done"
                ok, value = False, JobInterrupted(job.label)
            if job.kill and ok:
                ok, value = False, JobInterrupted(job.label)
            _deliver(job, ok, value)
            value = None  # drop the reference before waiting for the next job

    def _run(self, job: Job) -> tuple[bool, Any]:
        """Run ``job`` where it can be interrupted; the one interrupt it may be sent has
        landed when this returns."""
        ok = False
        value: Any = None
        interrupted = raised = False
        try:
            try:
                if self._begin(job):
                    value = job.fn(*job.args)
                    ok = True
                else:
                    interrupted = True  # cancelled before it began: none was sent
            except Interrupted:
                interrupted = raised = True
            except BaseException as e:  # delivered to the awaiting request
                value = e
            self._end(job, raised)
        except Interrupted:  # landed after the job's code, before _end let it land
            interrupted = True
            self._end(job, True)  # nothing is live any more: this one cannot be interrupted
        if interrupted:
            return False, JobInterrupted(job.label)
        return ok, value

    def _begin(self, job: Job) -> bool:
        """Make ``job`` the current one, which an interrupt can reach; False if it was
        cancelled before it began."""
        with self._lock:
            if job.kill:
                return False
            job.state = "running"
            self._current = job
            return True

    def _end(self, job: Job, raised: bool) -> None:
        """No interrupt can be sent to ``job`` any more; one sent and not ``raised`` yet
        lands here (``_absorb``)."""
        with self._lock:
            self._current = None  # first: no interrupt is sent, nor sent again, now
            job.state = "done"
            pending = self._armed and not raised
            self._armed = False
        if pending:
            _absorb()


def _deliver(job: Job, ok: bool, value: Any) -> None:
    loop, fut = job.loop, job.future
    if loop is None or fut is None:
        return
    try:
        loop.call_soon_threadsafe(_resolve, fut, ok, value)
    except RuntimeError:  # the loop is closed (process ending)
        pass


def _resolve(fut: asyncio.Future[Any], ok: bool, value: Any) -> None:
    if fut.done():
        return
    if ok:
        fut.set_result(value)
    else:
        fut.set_exception(value)
