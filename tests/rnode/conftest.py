"""Fixtures of the node tests: a fake node (real gRPC server) on a free loopback port.

Every test module here starts with ``pytest.importorskip("grpc")``: without the ``[node]``
extra they skip (``tests/e2e/test_node_extra_missing.py`` covers that case).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture
def fake_node() -> Iterator[Any]:
    from tests.rnode.fake_node import FakeNode

    node = FakeNode().start()
    try:
        yield node
    finally:
        node.stop()
