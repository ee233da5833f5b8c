"""Indexing state of one workspace root: idle, in progress, complete or failed.

The state is an immutable value; the shared workspace replaces it and tells
its listeners (progress reporters, metrics, waiting requests). Handlers read it
to decide whether a workspace-wide request can be answered now.
"""

from __future__ import annotations

import enum
import time
from typing import Any

import msgspec


class IndexingPhase(enum.Enum):
    IDLE = "idle"
    IN_PROGRESS = "in_progress"
    COMPLETE = "complete"
    FAILED = "failed"


class IndexingState(msgspec.Struct, frozen=True):
    """One state value. Use the constructors ``idle()``, ``in_progress()``, ``complete()``, ``failed()``."""

    phase: IndexingPhase = IndexingPhase.IDLE
    total_files: int = 0
    files_done: int = 0
    started_at: float = 0.0  # time.monotonic() when indexing started (in progress)
    duration: float = 0.0  # seconds (complete)
    error: str = ""  # (failed)

    @classmethod
    def idle(cls) -> IndexingState:
        return cls()

    @classmethod
    def in_progress(
        cls, total_files: int, files_done: int = 0, started_at: float | None = None
    ) -> IndexingState:
        return cls(
            IndexingPhase.IN_PROGRESS,
            total_files=total_files,
            files_done=min(files_done, total_files),
            started_at=time.monotonic() if started_at is None else started_at,
        )

    @classmethod
    def complete(cls, total_files: int, duration: float) -> IndexingState:
        return cls(IndexingPhase.COMPLETE, total_files, total_files, duration=duration)

    @classmethod
    def failed(cls, error: str) -> IndexingState:
        return cls(IndexingPhase.FAILED, error=error)

    @property
    def is_settled(self) -> bool:
        """Complete or failed: nothing more will arrive from this run."""
        return self.phase in (IndexingPhase.COMPLETE, IndexingPhase.FAILED)

    @property
    def percentage(self) -> int:
        if self.phase is IndexingPhase.COMPLETE:
            return 100
        if self.total_files <= 0:
            return 0
        return min(100, (self.files_done * 100) // self.total_files)

    def with_progress(self, files_done: int) -> IndexingState:
        return IndexingState.in_progress(self.total_files, files_done, self.started_at)

    def elapsed(self) -> float:
        if self.phase is IndexingPhase.IN_PROGRESS:
            return time.monotonic() - self.started_at
        return self.duration

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"state": self.phase.value}
        if self.phase is IndexingPhase.IN_PROGRESS:
            out.update(
                totalFiles=self.total_files,
                filesDone=self.files_done,
                elapsed=round(self.elapsed(), 3),
            )
        elif self.phase is IndexingPhase.COMPLETE:
            out.update(totalFiles=self.total_files, duration=round(self.duration, 3))
        elif self.phase is IndexingPhase.FAILED:
            out["error"] = self.error
        return out
