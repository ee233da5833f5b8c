"""Counting the calls of ``syntax.checkpoint`` made by a function run in a thread of its own
(a profile hook sees them: the checkpoint is interpreted code, also in the compiled build)."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any

from rholang_lsp import syntax


def checkpoint_calls(fn: Callable[[], object]) -> int:
    calls = 0
    code = syntax.checkpoint.__code__

    def profile(frame: FrameType, event: str, arg: Any) -> None:
        nonlocal calls
        if event == "call" and frame.f_code is code:
            calls += 1

    def run() -> None:
        sys.setprofile(profile)  # per thread: the test runner's own calls are not counted
        try:
            fn()
        finally:
            sys.setprofile(None)

    t = threading.Thread(target=run)
    t.start()
    t.join()
    return calls
