"""Validator backends and node addresses as the CLI and client settings spell them.

``builtin`` (also ``rust``, the Rust server's name for its embedded checker) or
``grpc:HOST:PORT`` (also plain ``HOST:PORT``, which the Rust server's clients use; IPv6 as
``[::1]:PORT``). Stdlib only, so the CLI can validate flags without the ``[node]`` extra.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from typing import Final

BUILTIN: Final = "builtin"
BUILTIN_ALIASES: Final = frozenset({"builtin", "rust", "none", ""})
DEFAULT_NODE_HOST: Final = "localhost"
DEFAULT_NODE_PORT: Final = 40402  # the node's internal gRPC port (Lsp and Repl services)
MISSING_EXTRA: Final = (
    "gRPC support is not installed: pip install 'rholang-language-server[node]'"
    " (grpcio, protobuf); using the built-in checker"
)


@dataclass(frozen=True, slots=True)
class NodeAddress:
    host: str
    port: int

    @property
    def target(self) -> str:
        """The gRPC target string (``host:port``; IPv6 hosts in brackets)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"

    @property
    def backend(self) -> str:
        return f"grpc:{self.target}"


def parse_address(text: str) -> NodeAddress:
    """``HOST:PORT`` or ``[IPv6]:PORT``; raises ValueError with a readable reason."""
    text = text.strip()
    if text.startswith("["):
        host, sep, rest = text[1:].partition("]")
        if not sep or not rest.startswith(":"):
            raise ValueError(f"{text!r}: expected [IPv6]:PORT")
        port_text = rest[1:]
    else:
        host, sep, port_text = text.rpartition(":")
        if not sep:
            raise ValueError(f"{text!r}: expected HOST:PORT")
    if not host:
        raise ValueError(f"{text!r}: missing host")
    try:
        port = int(port_text)
    except ValueError:
        raise ValueError(f"{text!r}: port {port_text!r} is not a number") from None
    if not 0 < port <= 65535:
        raise ValueError(f"{text!r}: port {port} out of range")
    return NodeAddress(host, port)


def parse_backend(value: str) -> NodeAddress | None:
    """None for the built-in checker, else the node's address; ValueError if malformed."""
    text = value.strip()
    if text.lower() in BUILTIN_ALIASES:
        return None
    if text.startswith("grpc://"):
        text = text[len("grpc://") :]
    elif text.startswith("grpc:"):
        text = text[len("grpc:") :]
    return parse_address(text)


def grpc_available() -> bool:
    """True when the ``[node]`` extra (grpcio and protobuf) can be imported."""
    try:
        return (
            importlib.util.find_spec("grpc") is not None
            and importlib.util.find_spec("google.protobuf") is not None
        )
    except (ImportError, ValueError):
        return False
