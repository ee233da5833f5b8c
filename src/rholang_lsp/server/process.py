"""Client process monitoring without psutil: ``os.kill(pid, 0)`` polling."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable
from typing import Final

DEFAULT_POLL_INTERVAL: Final = 3.0
#: Process ids are positive and below 2**22 on Linux (``pid_max``), 2**31 anywhere.
MAX_PID: Final = 2**31 - 1

_log = logging.getLogger(__name__)


def valid_pid(pid: object) -> bool:
    """A process id one can watch: 0 and negatives name process groups, huge values none."""
    return isinstance(pid, int) and not isinstance(pid, bool) and 0 < pid <= MAX_PID


def pid_alive(pid: int) -> bool:
    if not valid_pid(pid):
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    except (OSError, OverflowError):
        return False
    return True


async def watch_process(
    pid: int, on_gone: Callable[[], None], *, interval: float = DEFAULT_POLL_INTERVAL
) -> None:
    """Call ``on_gone()`` once process ``pid`` no longer exists (polls every ``interval`` s).

    An invalid id (``valid_pid``) is not watched at all: it is logged and ignored, so a
    client sending ``processId: 0`` or ``2**40`` keeps its session.
    """
    if not valid_pid(pid):
        _log.warning("process id %r is not a valid process id; not watched", pid)
        return
    while pid_alive(pid):
        await asyncio.sleep(interval)
    _log.info("client process %d is gone", pid)
    on_gone()
