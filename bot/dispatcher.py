"""A small aiogram-shaped router: observers per inbound kind, filters, injection by parameter name.

Handlers run in registration order and the first whose filters all pass wins; otherwise
sub-routers are tried in the order they were included. A handler receives the event as its
first argument and, by name, only the other parameters it declares, taken from the
dispatcher's workflow data, middleware data and filter results.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)

UNHANDLED = object()

Filter = Callable[..., Awaitable[bool | dict]]
NextHandler = Callable[[Any, dict], Awaitable[Any]]
Middleware = Callable[[NextHandler, Any, dict], Awaitable[Any]]


@dataclass
class HandlerObject:
    callback: Callable[..., Awaitable[Any]]
    filters: tuple[Filter, ...]
    params: set[str] = field(init=False)

    def __post_init__(self) -> None:
        names = list(inspect.signature(self.callback).parameters)
        self.params = set(names[1:])

    async def check(self, event: Any, data: dict) -> dict | None:
        """The filter results merged into one dict, or None when a filter refuses the event."""
        found: dict = {}
        for check in self.filters:
            result = await check(event, **data)
            if not result:
                return None
            if isinstance(result, dict):
                found.update(result)
        return found

    async def call(self, event: Any, data: dict) -> Any:
        return await self.callback(event, **{name: data[name] for name in self.params if name in data})

    @property
    def doc(self) -> str:
        return inspect.getdoc(self.callback) or ""


class Observer:
    """Handlers of one inbound kind; used as a decorator: `@router.text(Command("金币"))`."""

    def __init__(self) -> None:
        self.handlers: list[HandlerObject] = []

    def __call__(self, *filters: Filter):
        def register(callback):
            self.handlers.append(HandlerObject(callback, filters))
            return callback

        return register

    async def trigger(self, event: Any, data: dict) -> Any:
        for handler in self.handlers:
            found = await handler.check(event, data)
            if found is not None:
                return await handler.call(event, {**data, **found})
        return UNHANDLED


class Router:
    def __init__(self, name: str) -> None:
        self.name = name
        self.text = Observer()
        self.errors = Observer()
        self._events: dict[str, Observer] = {}
        self.sub_routers: list[Router] = []

    def event(self, name: str, *filters: Filter):
        """Register a handler for the callback event `name` (e.g. change_external_contact)."""
        return self._observer(name)(*filters)

    def include_router(self, router: Router) -> Router:
        self.sub_routers.append(router)
        return router

    def _observer(self, kind: str) -> Observer:
        if kind == "text":
            return self.text
        if kind == "errors":
            return self.errors
        return self._events.setdefault(kind, Observer())

    async def propagate(self, kind: str, event: Any, data: dict) -> Any:
        observer = self.text if kind == "text" else self.errors if kind == "errors" else self._events.get(kind)
        if observer is not None:
            result = await observer.trigger(event, data)
            if result is not UNHANDLED:
                return result
        for router in self.sub_routers:
            result = await router.propagate(kind, event, data)
            if result is not UNHANDLED:
                return result
        return UNHANDLED

    def walk(self) -> Iterator[Router]:
        yield self
        for router in self.sub_routers:
            yield from router.walk()


class Dispatcher(Router):
    """The root router; holds workflow data and the outer middleware chain.

    :param workflow_data: objects every handler may ask for by parameter name.
    """

    def __init__(self, **workflow_data: Any) -> None:
        super().__init__(name="dispatcher")
        self.workflow_data = workflow_data
        self._middlewares: list[Middleware] = []

    def outer_middleware(self, middleware: Middleware) -> Middleware:
        """Add a middleware that runs before filters: `async def mw(handler, event, data)`."""
        self._middlewares.append(middleware)
        return middleware

    async def feed(self, event: Any, **extra: Any) -> Any:
        """Route one event; exceptions go to `errors` handlers, which may answer with a reply."""
        data = {**self.workflow_data, **extra, "dispatcher": self}

        async def route(event: Any, data: dict) -> Any:
            return await self.propagate(event.kind, event, data)

        handler: NextHandler = route
        for middleware in reversed(self._middlewares):
            handler = _bind(middleware, handler)
        try:
            return await handler(event, data)
        except Exception as exc:
            log.exception("handler failed for %s event", event.kind)
            result = await self.propagate("errors", event, {**data, "exception": exc})
            if result is UNHANDLED:
                raise
            return result

    def commands(self) -> Iterator[tuple[tuple[str, ...], str]]:
        """(names, first docstring line) of every text handler with a Command filter, for 帮助."""
        for router in self.walk():
            for handler in router.text.handlers:
                for check in handler.filters:
                    names = getattr(check, "names", None)
                    if names:
                        yield names, handler.doc.splitlines()[0] if handler.doc else ""


def _bind(middleware: Middleware, handler: NextHandler) -> NextHandler:
    async def call(event: Any, data: dict) -> Any:
        return await middleware(handler, event, data)

    return call
