from __future__ import annotations

from collections.abc import AsyncIterator
from concurrent.futures import ProcessPoolExecutor

import pytest

from rholang_lsp.workspace.indexer import start_executor


@pytest.fixture
async def pool() -> AsyncIterator[ProcessPoolExecutor]:
    executor = await start_executor(2)
    yield executor
    executor.shutdown(wait=True, cancel_futures=True)
