"""The binder's walk calls ``syntax.checkpoint`` every ``CHECK_EVERY`` nodes, for the
compiled build (see ``tests/syntax/test_checkpoint.py``)."""

from __future__ import annotations

import sys
import threading
from types import FrameType
from typing import Any

from rholang_lsp import syntax
from rholang_lsp.semantics.binder import bind
from rholang_lsp.syntax import parser
from rholang_lsp.syntax.result import parse


def test_binding_a_large_file_calls_the_checkpoint() -> None:
    text = "new x in {\n" + '  x!(1, "s") |\n' * 4000 + "  Nil\n}\n"
    result = parse(text)
    calls = 0
    code = syntax.checkpoint.__code__

    def profile(frame: FrameType, event: str, arg: Any) -> None:
        nonlocal calls
        if event == "call" and frame.f_code is code:
            calls += 1

    def run() -> None:
        sys.setprofile(profile)
        try:
            bind(result)
        finally:
            sys.setprofile(None)

    t = threading.Thread(target=run)
    t.start()
    t.join()
    assert calls >= 4000 * 3 // parser.CHECK_EVERY, calls
