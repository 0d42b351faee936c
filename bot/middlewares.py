"""Outer middlewares: they run before filters, for every event."""

from __future__ import annotations

import logging
import time
from typing import Any

from bot.dispatcher import NextHandler
from bot.events import ContactChange
from org.service import OrgService

log = logging.getLogger("bot.events")


class GuideLookup:
    """Puts `guide` (org.models.Guide or None) into the handler data: the member the event is about.

    A member an HR roster no longer lists (left) is no guide: the bot answers them as anyone
    outside the directory, while their history stays theirs.
    """

    def __init__(self, org: OrgService) -> None:
        self._org = org

    async def __call__(self, handler: NextHandler, event: Any, data: dict) -> Any:
        userid = event.user_id if isinstance(event, ContactChange) else event.from_user
        guide = await self._org.guide(userid) if userid else None
        data["guide"] = guide if guide is not None and guide.left_at is None else None
        return await handler(event, data)


SLOW_EVENT_SECONDS = 1.0


async def log_duration(handler: NextHandler, event: Any, data: dict) -> Any:
    """A debug line per event; a warning when one takes long enough to threaten WeCom's 20 s welcome window."""
    started = time.perf_counter()
    try:
        return await handler(event, data)
    finally:
        elapsed = time.perf_counter() - started
        level = logging.WARNING if elapsed > SLOW_EVENT_SECONDS else logging.DEBUG
        log.log(level, "handled %s in %d ms", event.kind, elapsed * 1000)
