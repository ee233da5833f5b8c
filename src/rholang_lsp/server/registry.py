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
(``HandlerRegistry.discover``); no core file changes. Handlers may be plain
functions (answered inline, fastest) or ``async def`` (run as a cancellable
Task). ``params`` is a msgspec type to decode and validate the params into
(bad params -> -32602 naming the field); by default params are decoded to
plain Python objects (``None`` when absent). ``capabilities`` is a dict, or a
callable ``(session) -> dict | None``, deep-merged into the server capabilities
returned by ``initialize``. Notifications may have several handlers (called in
registration order); requests have one.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING, Any, Final, Literal, TypeVar

import msgspec

if TYPE_CHECKING:
    from rholang_lsp.server.session import Session

HANDLERS_PACKAGE: Final = "rholang_lsp.server.handlers"
_ATTR: Final = "__lsp_handlers__"

F = TypeVar("F", bound=Callable[..., Any])
Capabilities = Mapping[str, Any] | Callable[["Session"], Mapping[str, Any] | None] | None


@dataclass(frozen=True)
class HandlerSpec:
    method: str
    kind: Literal["request", "notification"]
    fn: Callable[..., Any]
    params: Any = Any
    capabilities: Capabilities = None
    test_only: bool = False
    is_async: bool = False
    decoder: msgspec.json.Decoder[Any] = field(default_factory=msgspec.json.Decoder, compare=False)


def _make_spec(
    method: str,
    kind: Literal["request", "notification"],
    fn: Callable[..., Any],
    params: Any,
    capabilities: Capabilities,
    test_only: bool,
) -> HandlerSpec:
    decoder: msgspec.json.Decoder[Any] = msgspec.json.Decoder(params)
    return HandlerSpec(
        method=method,
        kind=kind,
        fn=fn,
        params=params,
        capabilities=capabilities,
        test_only=test_only,
        is_async=inspect.iscoroutinefunction(fn),
        decoder=decoder,
    )


def _decorator(
    method: str,
    kind: Literal["request", "notification"],
    params: Any,
    capabilities: Capabilities,
    test_only: bool,
) -> Callable[[F], F]:
    def mark(fn: F) -> F:
        specs: list[HandlerSpec] = list(getattr(fn, _ATTR, ()))
        specs.append(_make_spec(method, kind, fn, params, capabilities, test_only))
        setattr(fn, _ATTR, tuple(specs))
        return fn

    return mark


def request(
    method: str,
    *,
    params: Any = Any,
    capabilities: Capabilities = None,
    test_only: bool = False,
) -> Callable[[F], F]:
    """Mark ``fn(session, params) -> result`` (or ``async def``) as the handler of a request."""
    return _decorator(method, "request", params, capabilities, test_only)


def notification(
    method: str,
    *,
    params: Any = Any,
    capabilities: Capabilities = None,
    test_only: bool = False,
) -> Callable[[F], F]:
    """Mark ``fn(session, params) -> None`` as a handler of a notification."""
    return _decorator(method, "notification", params, capabilities, test_only)


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
            self.notifications.setdefault(spec.method, []).append(spec)

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
