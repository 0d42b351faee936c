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


class KnownGuide:
    """The sender is in the guide directory (the GuideLookup middleware found them)."""

    async def __call__(self, event: Any, guide: Any = None, **data: Any) -> bool:
        return guide is not None


class ButtonKey:
    """A template-card button whose key is `<action>:<task id>`; adds `action` and `task_id`."""

    def __init__(self, *actions: str) -> None:
        self.actions = set(actions)

    async def __call__(self, event: Any, **data: Any) -> bool | dict:
        action, _, task_id = getattr(event, "event_key", "").partition(":")
        if action not in self.actions or not task_id.isdigit():
            return False
        return {"action": action, "task_id": int(task_id)}


class ExceptionType:
    """For `router.errors`: the raised exception is one of these types."""

    def __init__(self, *types: type[BaseException]) -> None:
        self.types = types

    async def __call__(self, event: Any, exception: BaseException, **data: Any) -> bool:
        return isinstance(exception, self.types)
