"""Handler registry: feature modules declare handlers with decorators, the core finds them.

A feature lives in ``rholang_lsp/server/handlers/<feature>.py``::

    from rholang_lsp.protocol.lsp import TextDocumentPositionParams
    from rholang_lsp.server.registry import request
    from rholang_lsp.server.session import Session

    @request("textDocument/hover", params=TextDocumentPositionParams,
             capabilities={"hoverProvider": True})
    def hover(session: Session, params: TextDocumentPositionParams) -> dict | None:
        ...

Every module of that package is imported at server start-up
(``HandlerRegistry.discover``); no core file changes. Plain ``def``
request handlers run off the event loop, in the session's worker thread, one at a
time and in arrival order with the session's notifications (``server.worker``);
``async def`` handlers run as a cancellable Task on the loop.

* ``params`` (required): the msgspec ``Struct`` the params decode into (``S | None``
  when they may be absent; ``msgspec.Raw`` only for a request that echoes any JSON).
  A bad field is -32602 naming it, before the handler runs.
* ``capabilities``: a dict, or a callable ``(session) -> dict | None``, deep-merged
  into the server capabilities returned by ``initialize``.
* ``needs_index`` (requests): whether the request waits while the session's
  workspace is being indexed (``IndexNeed``; ``server.queueing`` does the waiting).
* ``order`` (notifications): a notification may have several handlers (in several
  modules); they run in ascending ``order``, which must differ between them.
* ``inline`` (requests): a plain handler that only reads server state and answers in
  microseconds (``rholang/ping``, metrics) runs on the event loop instead.
"""

from __future__ import annotations

import enum
import functools
import importlib
import inspect
import pkgutil
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from types import ModuleType
from typing import TYPE_CHECKING, Any, Final, Literal, TypeVar

import msgspec

if TYPE_CHECKING:
    from rholang_lsp.server.session import Session

HANDLERS_PACKAGE: Final = "rholang_lsp.server.handlers"
_ATTR: Final = "__lsp_handlers__"

F = TypeVar("F", bound=Callable[..., Any])
Capabilities = Mapping[str, Any] | Callable[["Session"], Mapping[str, Any] | None] | None


class IndexNeed(enum.Enum):
    """Whether a request waits while the session's workspace folders are being indexed."""

    NONE = "none"  # answered at once (the open documents suffice)
    ALWAYS = "always"  # waits for the index (workspace/symbol)
    #: waits when the name at ``params.position`` of ``params.textDocument`` is global or
    #: free in its file (it may be defined elsewhere), or the document is not open
    IF_GLOBAL = "if_global"


class HandlerSpec(msgspec.Struct, frozen=True, dict=True):
    method: str
    kind: Literal["request", "notification"]
    fn: Callable[..., Any]
    params: Any
    capabilities: Capabilities = None
    test_only: bool = False
    is_async: bool = False
    needs_index: IndexNeed = IndexNeed.NONE
    order: int = 0
    inline: bool = False  # a plain handler answered on the loop (cheap, no document read)

    @functools.cached_property
    def decoder(self) -> msgspec.json.Decoder[Any]:
        """The params' decoder, made on first use: making one compiles the params type,
        and ~50 of them at start-up were ~5% of the instructions before ``initialize``
        is answered (issue 19). Decoding runs on the event loop only."""
        return msgspec.json.Decoder(self.params)

    @functools.cached_property
    def raw_params(self) -> bool:
        """The handler takes ``msgspec.Raw`` (valid JSON already): no decoding needed."""
        return self.params is msgspec.Raw


def _structs(params: Any) -> list[type[msgspec.Struct]] | None:
    """The Struct types of a params type (``S`` or ``S | None``); None if it is not one."""
    if isinstance(params, type) and issubclass(params, msgspec.Struct):
        return [params]
    if typing.get_origin(params) in (typing.Union, types.UnionType):
        out: list[type[msgspec.Struct]] = []
        for arg in typing.get_args(params):
            if arg is type(None):
                continue
            if not (isinstance(arg, type) and issubclass(arg, msgspec.Struct)):
                return None
            out.append(arg)
        return out or None
    return None


def check_params_type(method: str, params: Any, needs_index: IndexNeed) -> None:
    """Every handler decodes its params into a Struct (or, to echo, ``msgspec.Raw``)."""
    if params is msgspec.Raw:
        return
    structs = _structs(params)
    if structs is None:
        raise TypeError(f"{method}: params must be a msgspec Struct (or S | None), not {params!r}")
    if needs_index is IndexNeed.IF_GLOBAL:
        for st in structs:
            if not {"textDocument", "position"} <= set(st.__struct_fields__):
                raise TypeError(f"{method}: IF_GLOBAL needs params with textDocument and position")


def _decorator(
    method: str,
    kind: Literal["request", "notification"],
    params: Any,
    capabilities: Capabilities,
    test_only: bool,
    needs_index: IndexNeed = IndexNeed.NONE,
    order: int = 0,
    inline: bool = False,
) -> Callable[[F], F]:
    check_params_type(method, params, needs_index)

    def mark(fn: F) -> F:
        specs: list[HandlerSpec] = list(getattr(fn, _ATTR, ()))
        spec = HandlerSpec(
            method=method,
            kind=kind,
            fn=fn,
            params=params,
            capabilities=capabilities,
            test_only=test_only,
            is_async=inspect.iscoroutinefunction(fn),
            needs_index=needs_index,
            order=order,
            inline=inline,
        )
        specs.append(spec)
        setattr(fn, _ATTR, tuple(specs))
        return fn

    return mark


def request(
    method: str,
    *,
    params: Any,
    capabilities: Capabilities = None,
    needs_index: IndexNeed = IndexNeed.NONE,
    test_only: bool = False,
    inline: bool = False,
) -> Callable[[F], F]:
    """Mark ``fn(session, params) -> result`` (or ``async def``) as the handler of a request."""
    return _decorator(
        method, "request", params, capabilities, test_only, needs_index, inline=inline
    )


def notification(
    method: str,
    *,
    params: Any,
    capabilities: Capabilities = None,
    order: int = 0,
    test_only: bool = False,
) -> Callable[[F], F]:
    """Mark ``fn(session, params) -> None`` as a handler of a notification (several handlers
    of one notification run in ascending ``order``)."""
    return _decorator(method, "notification", params, capabilities, test_only, order=order)


def deep_merge(into: dict[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    """Merge ``extra`` into ``into`` recursively (dicts merge, other values replace)."""
    for key, value in extra.items():
        old = into.get(key)
        if isinstance(old, dict) and isinstance(value, Mapping):
            deep_merge(old, value)
        elif isinstance(value, Mapping):
            into[key] = deep_merge({}, value)
        else:
            into[key] = value
    return into


class HandlerRegistry:
    """Request and notification handlers by method name."""

    def __init__(self, *, include_test_handlers: bool = False) -> None:
        self.include_test_handlers = include_test_handlers
        self.requests: dict[str, HandlerSpec] = {}
        self.notifications: dict[str, list[HandlerSpec]] = {}

    def add(self, fn: Callable[..., Any]) -> None:
        """Register every handler spec a decorated function carries."""
        specs: Iterable[HandlerSpec] = getattr(fn, _ATTR, ())
        for spec in specs:
            self.add_spec(spec)

    def add_spec(self, spec: HandlerSpec) -> None:
        if spec.test_only and not self.include_test_handlers:
            return
        if spec.kind == "request":
            if spec.method in self.requests:
                raise ValueError(f"two handlers for request {spec.method!r}")
            self.requests[spec.method] = spec
        else:
            specs = self.notifications.setdefault(spec.method, [])
            if any(s.order == spec.order for s in specs):
                raise ValueError(
                    f"two handlers for notification {spec.method!r} with order {spec.order}:"
                    " give them distinct orders"
                )
            specs.append(spec)
            specs.sort(key=lambda s: s.order)

    def add_module(self, module: ModuleType) -> None:
        for value in vars(module).values():
            if callable(value) and getattr(value, "__module__", None) == module.__name__:
                self.add(value)

    @classmethod
    def discover(
        cls, package: str = HANDLERS_PACKAGE, *, include_test_handlers: bool = False
    ) -> HandlerRegistry:
        """Import every module of ``package`` and register its handlers."""
        registry = cls(include_test_handlers=include_test_handlers)
        pkg = importlib.import_module(package)
        for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda i: i.name):
            if info.name.startswith("_"):
                continue
            registry.add_module(importlib.import_module(f"{package}.{info.name}"))
        return registry

    def capabilities(self, session: Session) -> dict[str, Any]:
        """Server capabilities contributed by the registered handlers."""
        caps: dict[str, Any] = {}
        specs = list(self.requests.values())
        for handlers in self.notifications.values():
            specs.extend(handlers)
        for spec in specs:
            contributed = spec.capabilities
            if callable(contributed):
                contributed = contributed(session)
            if contributed:
                deep_merge(caps, contributed)
        return caps
