"""Wire log: every message in and out, timestamped, with direction and peer."""

from __future__ import annotations

import datetime as _dt
import sys
from typing import IO, Final

RECV: Final = "<--"
SEND: Final = "-->"


class WireLog:
    """Writes ``<timestamp> <peer> <direction> <body>`` lines to a text stream."""

    def __init__(self, stream: IO[str], *, owns_stream: bool = False) -> None:
        self._stream = stream
        self._owns = owns_stream

    @classmethod
    def open(cls, path: str | None) -> WireLog:
        """``None`` or ``"-"``: stderr; otherwise append to ``path``."""
        if path is None or path == "-":
            return cls(sys.stderr)
        return cls(open(path, "a", encoding="utf-8", buffering=1), owns_stream=True)

    def record(self, peer: str, direction: str, body: bytes) -> None:
        ts = _dt.datetime.now().isoformat(timespec="microseconds")
        text = body.decode("utf-8", "backslashreplace")
        try:
            self._stream.write(f"{ts} [{peer}] {direction} {text}\n")
        except (OSError, ValueError):
            pass

    def close(self) -> None:
        if self._owns:
            self._stream.close()
