"""Counting the calls of ``syntax.checkpoint`` made while some code runs: a profile hook sees
them (the checkpoint is interpreted code, also in the compiled build). The count runs in a
fresh interpreter (same environment, so the same build): in-process, after the worker's
interrupt tests, a profiled parse in a new thread was seen to spin (not understood yet)."""

from __future__ import annotations

import os
import subprocess
import sys

_SCRIPT = """
import sys
from rholang_lsp import syntax
calls = 0
code = syntax.checkpoint.__code__
def profile(frame, event, arg):
    global calls
    if event == "call" and frame.f_code is code:
        calls += 1
setup, run = sys.argv[1], sys.argv[2]
env = {}
exec(setup, env)
sys.setprofile(profile)
exec(run, env)
sys.setprofile(None)
print(calls)
"""


def checkpoint_calls(setup: str, run: str) -> int:
    """Run ``setup`` then, profiled, ``run`` (Python source) in a fresh interpreter."""
    out = subprocess.run(
        [sys.executable, "-c", _SCRIPT, setup, run],
        capture_output=True,
        text=True,
        timeout=60,
        env=os.environ.copy(),
        check=True,
    )
    return int(out.stdout.strip().splitlines()[-1])
