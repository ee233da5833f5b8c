"""The WebSocket opening handshake: who may connect, and in which framing.

* ``Origin``: browsers send one; only loopback http(s) origins and those listed
  with ``--allow-origin`` are accepted (403 otherwise). Non-browser clients send
  none and are accepted.
* ``--auth-token``: the client presents it as ``?token=...`` (browsers cannot set
  headers) or ``Authorization: Bearer ...``; otherwise 401.
* Subprotocols ``lsp-stream`` / ``lsp-batch`` / ``lsp-json`` choose the framing
  (see ``transports.websocket``).
"""

from __future__ import annotations

import hmac
import logging
import urllib.parse
from collections.abc import Sequence
from http import HTTPStatus

from websockets.asyncio.server import ServerConnection
from websockets.http11 import Request, Response
from websockets.typing import Subprotocol

log = logging.getLogger("rholang_lsp.transports.websocket")

SUBPROTOCOL_STREAM = Subprotocol("lsp-stream")
SUBPROTOCOL_BATCH = Subprotocol("lsp-batch")
SUBPROTOCOL_JSON = Subprotocol("lsp-json")
SUBPROTOCOLS = (SUBPROTOCOL_STREAM, SUBPROTOCOL_BATCH, SUBPROTOCOL_JSON)

_LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


def _normalise_origin(origin: str) -> str:
    return origin.strip().lower().rstrip("/")


def origin_allowed(origin: str, allowed: Sequence[str] = ()) -> bool:
    """Is a browser ``Origin`` acceptable? Loopback http(s) origins always are.

    ``vscode-webview://`` origins are *not* accepted by default: any extension's
    webview has one, and VS Code's own language client runs in the extension
    host, which sends no Origin. List them with ``--allow-origin`` if wanted.
    """
    norm = _normalise_origin(origin)
    for entry in allowed:
        pattern = _normalise_origin(entry)
        if pattern == "*":
            return True
        if pattern.endswith("*"):
            if norm.startswith(pattern[:-1]):
                return True
        elif norm == pattern:
            return True
    try:
        parts = urllib.parse.urlsplit(norm)
        _ = parts.port  # raises ValueError on a bad port
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and parts.hostname in _LOOPBACK_HOSTS


def presented_token(request: Request) -> str | None:
    query = urllib.parse.urlsplit(request.path).query
    values = urllib.parse.parse_qs(query).get("token")
    if values:
        return values[0]
    for header in request.headers.get_all("Authorization"):
        scheme, _, credentials = header.strip().partition(" ")
        if scheme.lower() == "bearer" and credentials.strip():
            return credentials.strip()
    return None


def check_handshake(
    connection: ServerConnection,
    request: Request,
    allowed_origins: Sequence[str],
    auth_token: str | None,
) -> Response | None:
    """None: accept. Else the refusal to send (403 foreign origin, 401 bad token)."""
    origins = request.headers.get_all("Origin")
    if len(origins) > 1 or (origins and not origin_allowed(origins[0], allowed_origins)):
        log.warning("refused WebSocket handshake from Origin %r (403)", origins)
        return connection.respond(HTTPStatus.FORBIDDEN, "Origin not allowed\n")
    if auth_token is not None:
        token = presented_token(request)
        if token is None or not hmac.compare_digest(token.encode(), auth_token.encode()):
            log.warning("refused WebSocket handshake: missing or wrong token (401)")
            response = connection.respond(HTTPStatus.UNAUTHORIZED, "Missing or invalid token\n")
            response.headers["WWW-Authenticate"] = 'Bearer realm="rholang-language-server"'
            return response
    return None


def select_subprotocol(
    connection: ServerConnection, offered: Sequence[Subprotocol]
) -> Subprotocol | None:
    for sub in offered:
        if sub in SUBPROTOCOLS:
            return sub
    return None
