"""Filters for router handlers: `async __call__(event, **data) -> bool | dict`."""

from __future__ import annotations

from typing import Any

from bot.events import TextMessage


class Command:
    """The first word of a text message is one of `names` (case-insensitive); adds `args`."""

    def __init__(self, *names: str) -> None:
        self.names = names
        self._match = {name.casefold() for name in names}

    async def __call__(self, event: Any, **data: Any) -> bool | dict:
        if not isinstance(event, TextMessage):
            return False
        word, _, args = event.content.replace("\u3000", " ").strip().partition(" ")
        if word.casefold() not in self._match:
            return False
        return {"args": args.strip()}


class ChangeType:
    """A change_external_contact event of one of these ChangeTypes."""

    def __init__(self, *change_types: str) -> None:
        self.change_types = set(change_types)

    async def __call__(self, event: Any, **data: Any) -> bool:
        return getattr(event, "change_type", None) in self.change_types


class ExceptionType:
    """For `router.errors`: the raised exception is one of these types."""

    def __init__(self, *types: type[BaseException]) -> None:
        self.types = types

    async def __call__(self, event: Any, exception: BaseException, **data: Any) -> bool:
        return isinstance(exception, self.types)
