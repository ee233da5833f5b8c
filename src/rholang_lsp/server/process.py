"""Client process monitoring without psutil: ``os.kill(pid, 0)`` polling."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable
from typing import Final

DEFAULT_POLL_INTERVAL: Final = 3.0

_log = logging.getLogger(__name__)


def pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    except OSError:
        return False
    return True


async def watch_process(
    pid: int, on_gone: Callable[[], None], *, interval: float = DEFAULT_POLL_INTERVAL
) -> None:
    """Call ``on_gone()`` once process ``pid`` no longer exists (polls every ``interval`` s)."""
    while pid_alive(pid):
        await asyncio.sleep(interval)
    _log.info("client process %d is gone", pid)
    on_gone()
