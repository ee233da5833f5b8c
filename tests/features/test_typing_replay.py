"""Real programs retyped one character at a time (``benchmarks.typing_replay``), in CI on a
sample: no request fails, signature help and completion hold inside every argument list whose
callee is known, far diagnostics change only when the block structure does (measured as churn),
and the result equals a fresh open. The whole corpus runs in ``python -m benchmarks.typing_replay``.
"""

from __future__ import annotations

import pytest
from benchmarks.typing_replay import corpus_files, run

FILES = corpus_files(6, seed=4)


@pytest.mark.skipif(not FILES, reason="shared corpus absent")
@pytest.mark.parametrize("auto_close", [False, True], ids=["typed", "auto-closed"])
def test_typing_replay_sample(auto_close: bool) -> None:
    st = run(FILES, spans_per_file=2, seed=5, modes=(auto_close,))[auto_close]
    assert st.keystrokes > 300
    assert not st.failures, st.failures[:3]
    arg_violations = [v for v in st.violations if "signature" in v or "completion" in v]
    assert st.checked_args > 0 and not arg_violations, arg_violations[:3]
    far = [v for v in st.violations if "far diagnostics" in v]
    # typing a binding construct (`new x in`, a `for` header) legitimately changes what names
    # far away mean; what is bounded is how often the rest of the file flickers
    assert (len(far) + st.churn) / st.keystrokes < 0.1, far[:3]
