"""Persistent index cache: per-file summaries of one workspace root on disk.

One file per root under the user cache directory
(``$RHOLANG_LSP_CACHE_DIR``, else ``$XDG_CACHE_HOME/rholang-language-server``,
else ``~/.cache/rholang-language-server``)::

    MAGIC | u32 header length | header (msgpack) | body (msgpack array of entries)

The header names the cache format, the package version, the root, the parse
target, the entry count, and the length and BLAKE2b checksum of the body. A
file whose magic, header, versions, root, length or checksum do not match is
discarded (and rebuilt by the next save), never trusted. Entries are decoded
one by one (``decode_entry``) so that a caller can yield to its event loop
between slices. Writes are atomic (a private temporary file in the same
directory, then ``os.replace``): several server processes may share one cache
directory, and a reader sees the old file or the new one, never a torn one.

The cache is untrusted input even when its checksum is right (anyone who can
write the file can compute one): the directory is created with mode 0700 and a
directory or file owned by another user is not used; every entry is checked by
``entry_problem`` (its uri, hash, line map and every range within the file)
before the index takes it, and a bad entry is dropped (that file is re-read).

An entry is keyed by path and records the size, mtime (ns) and content hash
the summary was built from: a file whose size and mtime are unchanged is not
read again; one whose hash is unchanged is not parsed again.
"""

from __future__ import annotations

import hashlib
import logging
import os
import stat
import struct
from collections.abc import Iterable
from pathlib import Path
from typing import Final

import msgspec
from msgspec import Raw

from rholang_lsp import __version__
from rholang_lsp.semantics.summary import FileSummary

CACHE_FORMAT: Final = 1
MAGIC: Final = b"RHOIDX\x00\x01"
CACHE_DIR_ENV: Final = "RHOLANG_LSP_CACHE_DIR"
APP_DIR: Final = "rholang-language-server"
_U32: Final = struct.Struct(">I")

_log = logging.getLogger(__name__)


class CacheEntry(msgspec.Struct, array_like=True, frozen=True, gc=False):
    path: str
    size: int
    mtime_ns: int
    content_hash: str
    summary: FileSummary


class CacheHeader(msgspec.Struct, frozen=True):
    format: int
    package_version: str
    root: str
    target: str
    count: int
    body_length: int
    body_checksum: str


_entry_decoder: Final = msgspec.msgpack.Decoder(CacheEntry)
_entry_encoder: Final = msgspec.msgpack.Encoder()
_header_decoder: Final = msgspec.msgpack.Decoder(CacheHeader)
_body_decoder: Final = msgspec.msgpack.Decoder(list[Raw])


class CacheError(Exception):
    """The cache file is unusable (corrupt, another version, another root)."""


def default_cache_dir() -> Path:
    env = os.environ.get(CACHE_DIR_ENV)
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / APP_DIR


def ensure_private_dir(directory: Path) -> bool:
    """Create ``directory`` (mode 0700) or check an existing one: owned by this user
    (then group/other permissions are removed). False: not usable (not ours)."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    return _private(directory, fix=True)


def _private(path: Path, *, fix: bool = False) -> bool:
    if not hasattr(os, "getuid"):
        return True
    try:
        st = os.stat(path)
    except OSError:
        return False
    if st.st_uid != os.getuid():
        _log.warning("index cache: %s belongs to another user; not using it", path)
        return False
    if fix and stat.S_ISDIR(st.st_mode) and st.st_mode & 0o077:
        try:
            os.chmod(path, 0o700)
        except OSError as e:
            _log.warning("index cache: cannot make %s private: %s", path, e)
            return False
    return True


def entry_problem(entry: CacheEntry, uri: str) -> str | None:
    """Why ``entry`` (from the cache, for the file at ``uri``) must not be used, or None.

    The checks make every later use safe: the line map is consistent, and every
    offset of the summary lies within the file (an offset past the end used to make
    requests fail with ``IndexError`` for every client on the root)."""
    s = entry.summary
    if s.uri != uri:
        return "entry for another file"
    if s.content_hash != entry.content_hash:
        return "hash mismatch"
    lines = s.lines
    n = lines.length
    if n < 0 or n > entry.size or entry.size < 0:
        return "length out of range"
    starts, ends = lines.starts, lines.ends
    if not starts or len(starts) != len(ends) or starts[0] != 0:
        return "bad line map"
    prev = 0
    for a, b in zip(starts, ends, strict=True):
        if not prev <= a <= b <= n:
            return "bad line map"
        prev = b
    for line, text in lines.wide:
        if not 0 <= line < len(starts) or len(text) != ends[line] - starts[line]:
            return "bad line map"

    def bad(a: int, b: int) -> bool:
        return not 0 <= a <= b <= n

    for c in s.contracts:
        if bad(c.name_start, c.name_end) or bad(c.start, c.end) or c.arity < 0:
            return "contract out of range"
    for r in s.refs:
        if bad(r.start, r.end):
            return "reference out of range"
    for y in s.symbols:
        if bad(y.start, y.end):
            return "symbol out of range"
    for p in s.plain_contracts:
        if bad(p.name_start, p.name_end) or p.arity < 0:
            return "contract out of range"
    for sp in s.callers:
        if bad(sp.name_start, sp.name_end) or bad(sp.start, sp.end):
            return "contract out of range"
    for call in s.calls:
        if bad(call.start, call.end) or not -1 <= call.caller < len(s.callers) or call.arity < 0:
            return "call out of range"
    return None


def _checksum(data: bytes | memoryview) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def encode_entry(entry: CacheEntry) -> bytes:
    return _entry_encoder.encode(entry)


def decode_entry(raw: Raw | bytes) -> CacheEntry:
    """Decode one entry (raises ``msgspec.DecodeError`` / ``ValidationError`` if corrupt)."""
    return _entry_decoder.decode(raw)


def _array_header(n: int) -> bytes:
    if n < 16:
        return bytes((0x90 | n,))
    if n < 0x10000:
        return b"\xdc" + n.to_bytes(2, "big")
    return b"\xdd" + n.to_bytes(4, "big")


class IndexCache:
    """The cache file of one workspace root (``enabled=False``: loads nothing, saves nothing)."""

    def __init__(
        self,
        root: Path,
        *,
        directory: Path | None = None,
        enabled: bool = True,
        target: str = "f1r3fly",
    ) -> None:
        self.root = str(root)
        self.enabled = enabled
        self.target = target
        self.directory = directory if directory is not None else default_cache_dir()
        key = hashlib.blake2b(f"{self.root}\0{target}".encode(), digest_size=10).hexdigest()
        self.path = self.directory / f"index-{key}.bin"

    def _expected(self, count: int, body: bytes | memoryview) -> CacheHeader:
        return CacheHeader(
            format=CACHE_FORMAT,
            package_version=__version__,
            root=self.root,
            target=self.target,
            count=count,
            body_length=len(body),
            body_checksum=_checksum(body),
        )

    # ------------------------------------------------------------------ reading
    def load_raw(self) -> list[Raw]:
        """The raw entries of a valid cache file; ``[]`` when disabled, missing or invalid.

        An invalid file is removed (and logged). Blocking I/O: call it from a thread.
        """
        if not self.enabled:
            return []
        if not self.path.exists():
            return []
        if not (_private(self.directory) and _private(self.path)):
            return []
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return []
        except OSError as e:
            _log.warning("index cache %s unreadable (%s); ignoring it", self.path, e)
            return []
        try:
            return self._parse(data)
        except CacheError as e:
            _log.warning("index cache %s discarded: %s", self.path, e)
            self.clear()
            return []

    def _parse(self, data: bytes) -> list[Raw]:
        if not data.startswith(MAGIC) or len(data) < len(MAGIC) + _U32.size:
            raise CacheError("not a cache file (bad magic)")
        (hlen,) = _U32.unpack_from(data, len(MAGIC))
        start = len(MAGIC) + _U32.size
        if start + hlen > len(data):
            raise CacheError("truncated header")
        try:
            header = _header_decoder.decode(data[start : start + hlen])
        except (msgspec.DecodeError, msgspec.ValidationError, ValueError) as e:
            raise CacheError(f"bad header: {e}") from None
        if header.format != CACHE_FORMAT:
            raise CacheError(f"format {header.format}, expected {CACHE_FORMAT}")
        if header.package_version != __version__:
            raise CacheError(f"written by version {header.package_version}, this is {__version__}")
        if header.root != self.root or header.target != self.target:
            raise CacheError("written for another root or target")
        body = memoryview(data)[start + hlen :]
        if len(body) != header.body_length:
            raise CacheError("truncated body")
        if _checksum(body) != header.body_checksum:
            raise CacheError("checksum mismatch")
        try:
            entries = _body_decoder.decode(body)
        except (msgspec.DecodeError, msgspec.ValidationError, ValueError) as e:
            raise CacheError(f"bad body: {e}") from None
        if len(entries) != header.count:
            raise CacheError("entry count mismatch")
        return entries

    # ------------------------------------------------------------------ writing
    def save_encoded(self, encoded: Iterable[bytes]) -> None:
        """Write entries already encoded with ``encode_entry`` (atomic; blocking I/O).

        Meant to run in a thread: the body is hashed and written entry by entry, never
        joined into one buffer, so that no single step holds the GIL for long (a long
        C-level step, such as joining megabytes, would stall the event loop's thread).
        """
        if not self.enabled:
            return
        items = list(encoded)
        head = _array_header(len(items))
        digest = hashlib.blake2b(head, digest_size=16)
        length = len(head)
        for item in items:
            digest.update(item)
            length += len(item)
        header = msgspec.msgpack.encode(
            CacheHeader(
                format=CACHE_FORMAT,
                package_version=__version__,
                root=self.root,
                target=self.target,
                count=len(items),
                body_length=length,
                body_checksum=digest.hexdigest(),
            )
        )
        if not ensure_private_dir(self.directory):
            return
        import tempfile  # only when the cache is written (issue 19: not before initialize)

        fd, tmp = tempfile.mkstemp(prefix=self.path.name, suffix=".tmp", dir=self.directory)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(MAGIC)
                f.write(_U32.pack(len(header)))
                f.write(header)
                f.write(head)
                f.writelines(items)
            os.replace(tmp, self.path)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise

    def save(self, entries: Iterable[CacheEntry]) -> None:
        self.save_encoded(encode_entry(e) for e in entries)

    def load(self) -> list[CacheEntry]:
        """Every entry at once (tests, the CLI). Invalid entries make the whole file invalid."""
        raws = self.load_raw()
        try:
            return [decode_entry(r) for r in raws]
        except (msgspec.DecodeError, msgspec.ValidationError, ValueError) as e:
            _log.warning("index cache %s discarded: bad entry: %s", self.path, e)
            self.clear()
            return []

    def clear(self) -> None:
        try:
            self.path.unlink()
        except FileNotFoundError:
            pass
        except OSError as e:
            _log.warning("cannot remove index cache %s: %s", self.path, e)
