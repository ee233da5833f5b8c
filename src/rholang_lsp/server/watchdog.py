"""Event-loop stall watchdog: how long the loop went without running callbacks, and
what it was doing meanwhile.

The loop beats every ``interval`` (a ``call_later`` chain). A *stall* is a beat
that comes late because the loop thread itself was busy: the CPU time the loop
thread spent between two beats (``time.thread_time``, exact and independent of
how loaded the machine is) is over ``threshold``. That is what "a handler held the
event loop" means. Lateness for other reasons (the OS did not schedule the
process, the loop waited for the GIL) shows in ``max_lag_ms``.
A sampler thread looks at the loop while it is late and notes the culprit: the
message being handled (``Endpoint.handling``: peer and method) and the innermost
frames of the loop thread that belong to this package. Each stall goes to the
metrics (``loop`` in ``rholang/metrics``, ``rholang_loop_stall*`` in Prometheus) and
to the log as a warning naming the culprit. A test (or the fuzz suite) reads the
worst stall from ``rholang/metrics``.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
import time
import traceback
from collections.abc import Callable
from typing import Final

from rholang_lsp.protocol.endpoint import Endpoint

_log = logging.getLogger(__name__)

#: A late beat by more than this is a stall (logged, counted).
DEFAULT_THRESHOLD: Final = 0.1
#: Beat period of the loop.
DEFAULT_INTERVAL: Final = 0.02
_PACKAGE: Final = "rholang_lsp"

StallObserver = Callable[[float, str], None]


class LoopWatchdog:
    """Measures event-loop stalls (see the module docstring)."""

    def __init__(
        self,
        *,
        threshold: float = DEFAULT_THRESHOLD,
        interval: float = DEFAULT_INTERVAL,
        on_stall: StallObserver | None = None,
    ) -> None:
        self.threshold = threshold
        self.interval = interval
        self.on_stall = on_stall
        self.stalls = 0
        self.worst = 0.0  # longest stall (seconds of loop-thread CPU)
        self.worst_culprit = ""
        self.max_lag = 0.0  # largest lateness of any beat, stall or not
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_tid = 0
        self._due = 0.0
        self._cpu = 0.0
        self._handle: asyncio.TimerHandle | None = None
        self._culprit = ""
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        loop = asyncio.get_running_loop()
        self._loop = loop
        self._loop_tid = threading.get_ident()
        self._schedule()
        self._thread = threading.Thread(target=self._sample, name="loop-watchdog", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._handle is not None:
            self._handle.cancel()

    def snapshot(self) -> dict[str, object]:
        return {
            "stalls": self.stalls,
            "worst_stall_ms": round(self.worst * 1000, 3),
            "worst_culprit": self.worst_culprit,
            "max_lag_ms": round(self.max_lag * 1000, 3),
            "threshold_ms": round(self.threshold * 1000, 3),
        }

    # ------------------------------------------------------------------ on the loop

    def _schedule(self) -> None:
        assert self._loop is not None
        self._due = time.perf_counter() + self.interval
        self._cpu = time.thread_time()
        self._handle = self._loop.call_later(self.interval, self._beat)

    def _beat(self) -> None:
        lag = time.perf_counter() - self._due
        if lag > self.max_lag:
            self.max_lag = lag
        busy = time.thread_time() - self._cpu  # CPU of the loop thread since the last beat
        if busy > self.threshold:
            culprit = self._culprit or "unknown (between messages)"
            self.stalls += 1
            if busy > self.worst:
                self.worst = busy
                self.worst_culprit = culprit
            _log.warning(
                "event loop stalled %.0f ms (late %.0f ms): %s", busy * 1000, lag * 1000, culprit
            )
            if self.on_stall is not None:
                self.on_stall(busy, culprit)
        self._culprit = ""
        if not self._stop.is_set():
            self._schedule()

    # ------------------------------------------------------------------ sampler thread

    def _sample(self) -> None:
        period = max(self.threshold / 2, 0.005)
        while not self._stop.wait(period):
            if time.perf_counter() - self._due > self.threshold / 2 and not self._culprit:
                self._culprit = self._describe()

    def _describe(self) -> str:
        handling = Endpoint.handling or "no message"
        frame = sys._current_frames().get(self._loop_tid)
        if frame is None:
            return handling
        ours = [
            f"{f.name} ({f.filename.rsplit('/', 1)[-1]}:{f.lineno})"
            for f in traceback.extract_stack(frame)
            if _PACKAGE in f.filename
        ]
        return f"{handling}; in {' < '.join(reversed(ours[-3:]))}" if ours else handling
