from __future__ import annotations

import asyncio

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rholang_lsp.protocol.framing import encode_frame, parse_content_length, read_frame


async def _read_all(
    chunks: list[bytes], *, max_body: int = 1 << 20, limit: int = 64 * 1024
) -> list[bytes]:
    reader = asyncio.StreamReader(limit=limit)
    for c in chunks:
        reader.feed_data(c)
    reader.feed_eof()
    out = []
    while (body := await asyncio.wait_for(read_frame(reader, max_body=max_body), 5)) is not None:
        out.append(body)
    return out


def test_encode_frame() -> None:
    assert encode_frame(b'{"a":1}') == b'Content-Length: 7\r\n\r\n{"a":1}'


async def test_split_headers_and_body_byte_by_byte() -> None:
    data = encode_frame(b'{"x":"\xc3\xa9"}') + encode_frame(b"[]")
    assert await _read_all([data[i : i + 1] for i in range(len(data))]) == [
        b'{"x":"\xc3\xa9"}',
        b"[]",
    ]


async def test_coalesced_messages_and_content_type() -> None:
    data = (
        b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\nContent-Length: 2\r\n\r\n{}"
        + b"content-length: 3\r\n\r\n[1]"
    )
    assert await _read_all([data]) == [b"{}", b"[1]"]


@pytest.mark.parametrize(
    "header",
    [b"Content-Type: x\r\n\r\n", b"Content-Length: abc\r\n\r\n", b"Content-Length: -5\r\n\r\n"],
)
async def test_bad_header_block_is_skipped(header: bytes) -> None:
    assert await _read_all([header + encode_frame(b"{}")]) == [b"{}"]


async def test_garbage_before_header_resyncs() -> None:
    assert await _read_all([b"garbage{}" + encode_frame(b"{}")]) == [b"{}"]


async def test_oversized_length_ends_stream() -> None:
    assert (
        await _read_all(
            [b"Content-Length: 999999999\r\n\r\n{}", encode_frame(b"{}")], max_body=1000
        )
        == []
    )


async def test_peer_hangs_up_mid_message() -> None:
    assert await _read_all([encode_frame(b"{}"), b"Content-Length: 10\r\n\r\n{"]) == [b"{}"]
    assert await _read_all([b"Content-Len"]) == []


async def test_header_longer_than_limit_is_skipped() -> None:
    assert await _read_all([b"x" * 5000 + encode_frame(b"{}")], limit=1024) == [b"{}"]


def test_parse_content_length() -> None:
    assert parse_content_length(b"Content-Length: 12\r\n\r\n") == 12
    assert parse_content_length(b"Content-Type: a\r\n\r\n") is None


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.binary(max_size=200), max_size=10))
async def test_random_bytes_never_crash_or_hang(chunks: list[bytes]) -> None:
    bodies = await _read_all(chunks, limit=256)
    assert sum(len(b) for b in bodies) <= sum(len(c) for c in chunks)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.binary(max_size=100), max_size=5), st.integers(1, 17))
async def test_any_chunking_of_valid_frames(bodies: list[bytes], step: int) -> None:
    data = b"".join(encode_frame(b) for b in bodies)
    assert await _read_all([data[i : i + step] for i in range(0, len(data), step)]) == bodies
