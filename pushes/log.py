"""A guide's push log: what was sent, deferred (why, until when), merged and failed; and what still waits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pushes.models import DeferredPush, PushLogEntry, PushMute


@dataclass(frozen=True)
class PushHistory:
    entries: list[PushLogEntry]
    waiting: list[DeferredPush]
    muted_until: datetime | None


async def push_history(userid: str, now: datetime, limit: int) -> PushHistory:
    entries = await PushLogEntry.filter(userid=userid).order_by("-at", "-id").limit(limit)
    waiting = await DeferredPush.filter(userid=userid, released_into=None).order_by("release_at", "id")
    mute = await PushMute.get_or_none(userid=userid, until__gt=now)
    return PushHistory(entries, waiting, mute.until if mute else None)
