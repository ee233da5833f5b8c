"""Indexing progress shown to one client: ``$/progress`` (work-done) or log messages.

When the client advertises ``window.workDoneProgress`` the reporter creates a
token with ``window/workDoneProgress/create`` (after ``initialized``, so the
client shows it), then sends ``begin`` ("Indexing Rholang workspace"),
``report``s (percentage, "n/N files", at most one per ``min_interval``) and
``end``, in that order. Otherwise it logs the start and the end with
``window/logMessage``. A failed run is also shown with ``window/showMessage``.
A client that connects to a root already indexed gets no progress at all.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from typing import TYPE_CHECKING, Any, Final

from rholang_lsp.workspace.state import IndexingPhase, IndexingState

if TYPE_CHECKING:
    from rholang_lsp.server.session import Session
    from rholang_lsp.workspace.shared import SharedWorkspace

TITLE: Final = "Indexing Rholang workspace"
CREATE_TIMEOUT: Final = 10.0
_tokens = itertools.count(1)
_log = logging.getLogger(__name__)


def supports_work_done_progress(capabilities: dict[str, Any]) -> bool:
    window = capabilities.get("window")
    return isinstance(window, dict) and bool(window.get("workDoneProgress"))


def _files(state: IndexingState) -> str:
    return f"{state.files_done}/{state.total_files} files"


class ProgressReporter:
    """Follows one workspace's indexing state for one session until it settles."""

    def __init__(
        self,
        session: Session,
        workspace: SharedWorkspace,
        *,
        min_interval: float = 0.1,
        label: str | None = None,
    ) -> None:
        self.session = session
        self.workspace = workspace
        self.min_interval = min_interval
        self.label = label
        self.token = f"rholang/indexing/{next(_tokens)}"
        self._changed = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.sent: list[str] = []  # kinds sent, for tests and logs
        self._initial = workspace.state

    def start(self) -> None:
        if self._task is not None:
            return
        self._initial = self.workspace.state  # a root already indexed shows nothing
        self.workspace.indexer.add_state_listener(self._on_state)
        self._task = asyncio.ensure_future(self._run())
        self._task.add_done_callback(self._done)

    def stop(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
        self.workspace.indexer.remove_state_listener(self._on_state)

    @property
    def done(self) -> bool:
        return self._task is not None and self._task.done()

    def _on_state(self, _state: IndexingState) -> None:
        self._changed.set()

    def _done(self, task: asyncio.Task[None]) -> None:
        self.workspace.indexer.remove_state_listener(self._on_state)
        if not task.cancelled() and (exc := task.exception()) is not None:
            _log.error("%s: progress reporting failed", self.session.peer, exc_info=exc)

    def _title_message(self, text: str) -> str:
        return f"{self.label}: {text}" if self.label else text

    async def _run(self) -> None:
        state = self._initial
        if state.phase is IndexingPhase.COMPLETE:
            return  # warm root: nothing to show
        if state.phase is IndexingPhase.FAILED:
            self._show_failure(state)
            return
        use_progress = supports_work_done_progress(self.session.client_capabilities)
        if use_progress:
            try:
                await self.session.request(
                    "window/workDoneProgress/create", {"token": self.token}, timeout=CREATE_TIMEOUT
                )
            except Exception as e:  # refused, timed out, connection gone
                _log.info(
                    "%s: workDoneProgress/create failed (%s); logging instead", self.session.peer, e
                )
                use_progress = False
        if self.session.endpoint.closed:
            return
        if use_progress:
            await self._progress_loop()
        else:
            await self._log_loop()

    def _send(self, value: dict[str, Any]) -> None:
        self.sent.append(str(value["kind"]))
        self.session.notify("$/progress", {"token": self.token, "value": value})

    async def _progress_loop(self) -> None:
        state = self.workspace.state
        begin: dict[str, Any] = {
            "kind": "begin",
            "title": TITLE,
            "cancellable": False,
            "message": self._title_message(_files(state)),
            "percentage": state.percentage,
        }
        self._send(begin)
        last = (state.files_done, state.total_files)
        loop = asyncio.get_running_loop()
        while True:
            state = self.workspace.state
            if state.is_settled:
                break
            self._changed.clear()
            await self._changed.wait()
            state = self.workspace.state
            if state.is_settled:
                break
            if (state.files_done, state.total_files) != last:
                last = (state.files_done, state.total_files)
                self._send(
                    {
                        "kind": "report",
                        "message": self._title_message(_files(state)),
                        "percentage": state.percentage,
                    }
                )
                # throttle: at most one report per interval (the end is never delayed)
                deadline = loop.time() + self.min_interval
                while not self.workspace.state.is_settled and loop.time() < deadline:
                    self._changed.clear()
                    try:
                        await asyncio.wait_for(self._changed.wait(), deadline - loop.time())
                    except TimeoutError:
                        break
        if state.phase is IndexingPhase.FAILED:
            self._send({"kind": "end", "message": self._title_message(f"failed: {state.error}")})
            self._show_failure(state)
        else:
            self._send(
                {
                    "kind": "end",
                    "message": self._title_message(
                        f"indexed {state.total_files} files in {state.duration:.1f}s"
                    ),
                }
            )

    async def _log_loop(self) -> None:
        root = self.workspace.key
        state = self.workspace.state
        self.session.log_message(f"{TITLE} {root}: started ({_files(state)})", 3)
        self.sent.append("log-begin")
        while not self.workspace.state.is_settled:
            self._changed.clear()
            await self._changed.wait()
        state = self.workspace.state
        if state.phase is IndexingPhase.FAILED:
            self.session.log_message(f"{TITLE} {root}: failed: {state.error}", 1)
            self._show_failure(state)
        else:
            self.session.log_message(
                f"{TITLE} {root}: indexed {state.total_files} files in {state.duration:.2f}s", 3
            )
        self.sent.append("log-end")

    def _show_failure(self, state: IndexingState) -> None:
        self.session.notify(
            "window/showMessage",
            {
                "type": 1,
                "message": f"Rholang: indexing {self.workspace.key} failed ({state.error}); "
                "open files are still served.",
            },
        )
