"""permessage-deflate with a size threshold, for the WebSocket transport.

websockets 17.4 has no per-message compression switch: once permessage-deflate
is negotiated, ``PerMessageDeflate.encode`` compresses every outgoing data
frame ("we always encode outgoing frames", ``extensions/permessage_deflate.py``)
and ``send()`` has no ``compress=`` argument. RFC 7692 section 6 lets a sender
leave any message uncompressed (RSV1 clear), and the receiver's decoder skips
such messages, so both LZ77 windows stay in step even with context takeover.
We therefore subclass the extension: data messages whose first frame is
smaller than ``threshold`` bytes are passed through untouched. This is the
same idea as the ``threshold`` option of the node ``ws`` library (default
1024).

The extension also counts payload bytes before and after compression in both
directions; the transport exposes them as metrics.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from websockets.extensions.base import Extension
from websockets.extensions.permessage_deflate import (
    PerMessageDeflate,
    ServerPerMessageDeflateFactory,
)
from websockets.frames import CONT, CTRL_OPCODES, Frame
from websockets.typing import ExtensionParameter

__all__ = ["ThresholdPerMessageDeflate", "ThresholdDeflateFactory"]


class ThresholdPerMessageDeflate(PerMessageDeflate):
    """``PerMessageDeflate`` that leaves messages below ``threshold`` bytes uncompressed."""

    def __init__(
        self,
        remote_no_context_takeover: bool,
        local_no_context_takeover: bool,
        remote_max_window_bits: int,
        local_max_window_bits: int,
        compress_settings: dict[Any, Any] | None = None,
        *,
        threshold: int = 0,
    ) -> None:
        super().__init__(
            remote_no_context_takeover,
            local_no_context_takeover,
            remote_max_window_bits,
            local_max_window_bits,
            compress_settings,
        )
        self.threshold = threshold
        # True while the continuation frames of a compressed message are sent.
        self._encoding_cont = False
        # Counters (payload bytes of data frames; frame headers not included).
        self.out_bytes_raw = 0
        self.out_bytes_wire = 0
        self.out_frames_compressed = 0
        self.out_frames_plain = 0
        self.in_bytes_wire = 0
        self.in_bytes_raw = 0

    def encode(self, frame: Frame) -> Frame:
        if frame.opcode in CTRL_OPCODES:
            return frame
        size = len(frame.data)
        self.out_bytes_raw += size
        if frame.opcode is CONT:
            compress = self._encoding_cont
        else:
            compress = size >= self.threshold
            self._encoding_cont = compress and not frame.fin
        if frame.fin and frame.opcode is CONT:
            self._encoding_cont = False
        if not compress:
            self.out_frames_plain += 1
            self.out_bytes_wire += size
            return frame
        encoded = super().encode(frame)
        self.out_frames_compressed += 1
        self.out_bytes_wire += len(encoded.data)
        return encoded

    def decode(self, frame: Frame, *, max_size: int | None = None) -> Frame:
        if frame.opcode in CTRL_OPCODES:
            return frame
        self.in_bytes_wire += len(frame.data)
        decoded = super().decode(frame, max_size=max_size)
        self.in_bytes_raw += len(decoded.data)
        return decoded


class ThresholdDeflateFactory(ServerPerMessageDeflateFactory):
    """Server factory negotiating permessage-deflate like websockets' default
    (window bits 12, memLevel 5) but building a ``ThresholdPerMessageDeflate``."""

    def __init__(self, *, threshold: int, **kwargs: Any) -> None:
        kwargs.setdefault("server_max_window_bits", 12)
        kwargs.setdefault("client_max_window_bits", 12)
        kwargs.setdefault("compress_settings", {"memLevel": 5})
        super().__init__(**kwargs)
        self.threshold = threshold

    def process_request_params(
        self,
        params: Sequence[ExtensionParameter],
        accepted_extensions: Sequence[Extension],
    ) -> tuple[list[ExtensionParameter], PerMessageDeflate]:
        response_params, base = super().process_request_params(params, accepted_extensions)
        extension = ThresholdPerMessageDeflate(
            base.remote_no_context_takeover,
            base.local_no_context_takeover,
            base.remote_max_window_bits,
            base.local_max_window_bits,
            base.compress_settings,
            threshold=self.threshold,
        )
        return response_params, extension
