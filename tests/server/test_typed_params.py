"""Typed params for every method: a field of the wrong type is -32602 naming the field.

The cases are generated from the handlers' own param types (``HandlerRegistry``), so
a method added later is covered without touching this file: for every request and
notification, hypothesis picks a field path of its params struct and a JSON value
that the field's type rejects, sends a valid skeleton with that one field broken, and
checks the answer (-32602 naming the path; for a notification, a warning naming it)
and the log (no error, no traceback). Well-typed params with arbitrary values must
never answer -32603 either.
"""

from __future__ import annotations

import asyncio
import logging
import types
import typing
from collections.abc import Iterator
from typing import Any

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.conftest import MemoryTransport

from rholang_lsp.protocol.client import JsonRpcClient
from rholang_lsp.protocol.messages import INVALID_PARAMS, ResponseError
from rholang_lsp.server.registry import HandlerRegistry, HandlerSpec
from rholang_lsp.server.server import Server, ServerOptions

URI = "file:///w/typed.rho"
TEXT = "new out(`rho:io:stdout`), f in {\n  contract f(@x, ret) = { ret!(x) } |\n  f!(1, *out)\n}\n"
#: methods whose params are any JSON value, by design (an echo)
ECHO = {"rholang/ping"}
#: notifications with no params to break, or whose effect would end the session
SKIP = {"exit"}

REGISTRY = HandlerRegistry.discover()
SPECS: dict[str, HandlerSpec] = dict(REGISTRY.requests)
for _method, _specs in REGISTRY.notifications.items():
    SPECS.setdefault(_method, _specs[0])

WRONG_VALUES: list[Any] = ["text", -1, 2**40, 1.5, True, None, [], [1], {}, {"x": 1}]


def _unwrap(tp: Any) -> list[Any]:
    """The alternatives of a union (``None`` and ``UNSET`` dropped)."""
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        return [
            a for a in typing.get_args(tp) if a is not type(None) and a is not msgspec.UnsetType
        ]
    return [tp]


def _struct_of(tp: Any) -> type[msgspec.Struct] | None:
    for alt in _unwrap(tp):
        if isinstance(alt, type) and issubclass(alt, msgspec.Struct):
            return alt
    return None


def skeleton(tp: Any) -> Any:
    """A small valid JSON value of ``tp`` (required fields only)."""
    st_type = _struct_of(tp)
    if st_type is not None:
        return {
            f.encode_name: skeleton(f.type) if f.name != "uri" else URI
            for f in msgspec.structs.fields(st_type)
            if f.required
        }
    alt = _unwrap(tp)[0]
    origin = typing.get_origin(alt) or alt
    if origin is str:
        return "x"
    if origin is bool:
        return False
    if origin is int:
        return 0
    if origin is float:
        return 0.0
    if origin in (list, tuple):
        return []
    if origin is dict:
        return {}
    return None


def field_paths(tp: Any, depth: int = 0) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every field path of the struct ``tp`` (nested structs included) and its type."""
    st_type = _struct_of(tp)
    if st_type is None or depth > 4:
        return
    for f in msgspec.structs.fields(st_type):
        yield (f.encode_name,), f.type
        for sub, sub_tp in field_paths(f.type, depth + 1):
            yield (f.encode_name, *sub), sub_tp


def rejects(tp: Any, value: Any) -> bool:
    try:
        msgspec.json.decode(msgspec.json.encode(value), type=tp)
    except msgspec.ValidationError:
        return True
    return False


def broken(spec: HandlerSpec, path: tuple[str, ...], value: Any) -> Any:
    """A valid skeleton of ``spec``'s params with the field at ``path`` set to ``value``
    (the params themselves when the path is empty)."""
    if not path:
        return value
    root = skeleton(spec.params)
    node = root
    tp = spec.params
    for key in path[:-1]:
        st_type = _struct_of(tp)
        assert st_type is not None
        field = next(f for f in msgspec.structs.fields(st_type) if f.encode_name == key)
        tp = field.type
        if not isinstance(node.get(key), dict):
            node[key] = skeleton(tp)
        node = node[key]
    node[path[-1]] = value
    assert isinstance(root, dict)
    return root


CASES = sorted(
    (
        (method, path, value)
        for method, spec in SPECS.items()
        if method not in ECHO | SKIP
        for path, tp in [((), spec.params), *field_paths(spec.params)]
        for value in WRONG_VALUES
        if rejects(tp, value)
    ),
    key=repr,
)


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


class Live:
    """One server session over an in-memory transport, driven from sync hypothesis tests."""

    def __init__(self) -> None:
        self.runner = asyncio.Runner()
        self.log = _Records()
        logging.getLogger("rholang_lsp").addHandler(self.log)
        self.client: JsonRpcClient = self.runner.run(self._start())

    async def _start(self) -> JsonRpcClient:
        self.server = Server(ServerOptions(diagnostics_debounce=0.0), REGISTRY)
        a: asyncio.Queue[bytes | None] = asyncio.Queue()
        b: asyncio.Queue[bytes | None] = asyncio.Queue()
        client_t, server_t = MemoryTransport("client", a, b), MemoryTransport("server", b, a)
        self.task = asyncio.ensure_future(self.server.serve(server_t))
        client = JsonRpcClient(client_t, handlers={"workspace/configuration": lambda p: [None]})
        await client.request("initialize", {"capabilities": {}})
        client.notify("initialized", {})
        item = {"uri": URI, "languageId": "rholang", "version": 1, "text": TEXT}
        client.notify("textDocument/didOpen", {"textDocument": item})
        await client.request("rholang/ping")
        return client

    def call(self, method: str, params: Any) -> tuple[int | None, str]:
        """(error code or None, error message or the warnings logged) of one call."""
        return self.runner.run(self._call(method, params))

    async def _call(self, method: str, params: Any) -> tuple[int | None, str]:
        self.log.records.clear()
        if method in REGISTRY.requests:
            try:
                await self.client.request(method, params, timeout=20)
            except ResponseError as e:
                return e.code, e.message
            return None, ""
        self.client.notify(method, params)
        await self.client.request("rholang/ping")  # answered after the notification
        warned = [r.getMessage() for r in self.log.records if r.levelno == logging.WARNING]
        return (INVALID_PARAMS if any("invalid params" in w for w in warned) else None), "\n".join(
            warned
        )

    def errors(self) -> list[str]:
        return [
            r.getMessage() + (" (traceback)" if r.exc_info else "")
            for r in self.log.records
            if r.levelno >= logging.ERROR or r.exc_info
        ]

    def close(self) -> None:
        async def stop() -> None:
            await self.client.close()
            self.server.stop()
            await asyncio.wait_for(self.task, 10)
            await self.server.aclose()

        self.runner.run(stop())
        self.runner.close()
        logging.getLogger("rholang_lsp").removeHandler(self.log)


@pytest.fixture(scope="module")
def live() -> Iterator[Live]:
    lv = Live()
    yield lv
    lv.close()


def test_every_handler_declares_a_struct_or_is_an_echo() -> None:
    raw = {m for m, s in SPECS.items() if s.params is msgspec.Raw}
    assert raw == ECHO
    for spec in SPECS.values():
        assert spec.params is msgspec.Raw or _struct_of(spec.params) is not None, spec.method
    # every method with params to break has cases (the generator reaches them all)
    covered = {m for m, _p, _v in CASES}
    assert covered == set(SPECS) - ECHO - SKIP
    assert "textDocument/completion" in covered and "textDocument/didChange" in covered


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=st.sampled_from(CASES))
def test_a_wrong_field_is_invalid_params_naming_it(
    live: Live, case: tuple[str, tuple[str, ...], Any]
) -> None:
    method, path, value = case
    code, message = live.call(method, broken(SPECS[method], path, value))
    assert code == INVALID_PARAMS, (method, path, value, message)
    named = f"`$.{'.'.join(path)}" if path else f"invalid params for {method}"
    assert named in message, (method, path, value, message)
    assert live.errors() == []


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    method=st.sampled_from(sorted(m for m in REGISTRY.requests if m not in ECHO)),
    line=st.integers(-(2**31), 2**31),
    character=st.integers(-(2**31), 2**31),
)
def test_well_typed_params_never_fail_inside(
    live: Live, method: str, line: int, character: int
) -> None:
    params = skeleton(SPECS[method].params)
    if isinstance(params, dict):
        for key in ("position", "range"):
            if key in params:
                pos = {"line": line, "character": character}
                params[key] = pos if key == "position" else {"start": pos, "end": pos}
    code, message = live.call(method, params)
    assert code != -32603, (method, params, message)
    assert live.errors() == []
