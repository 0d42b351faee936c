"""Per-member app-message budget: WeCom silently drops more than 30 a minute or 1000 an hour.

Pushes (task cards, congratulations, reminders) may use all but a headroom of it, which
is kept for answers to what the member just wrote: a guide who chats with the bot in a
busy minute still gets the answer at once, not after the pushes.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from redis.asyncio import Redis

_RESERVE = (Path(__file__).parent / "lua" / "reserve_sends.lua").read_text()
_tags = itertools.count()


@dataclass(frozen=True)
class Reservation:
    allowed: list[str]
    refused: list[str]
    retry_after: timedelta


class SendBudget:
    def __init__(
        self,
        redis: Redis,
        *,
        per_minute: int = 30,
        per_hour: int = 1000,
        answer_headroom_per_minute: int = 5,
        answer_headroom_per_hour: int = 50,
    ) -> None:
        self._reserve = redis.register_script(_RESERVE)
        self._per_minute = per_minute
        self._per_hour = per_hour
        self._headroom = (answer_headroom_per_minute, answer_headroom_per_hour)

    async def reserve(self, users: list[str], now: datetime, tag: str, *, answer: bool = False) -> Reservation:
        """Take one send from each user's budget; those with none left are refused, not dropped."""
        keys = [f"wecom:sends:{user}" for user in users]
        now_ms = int(now.timestamp() * 1000)
        per_minute, per_hour = self._per_minute, self._per_hour
        if not answer:
            per_minute, per_hour = per_minute - self._headroom[0], per_hour - self._headroom[1]
        indexes, wait_ms = await self._reserve(keys=keys, args=[now_ms, f"{tag}:{next(_tags)}", per_minute, per_hour])
        allowed_at = {index - 1 for index in indexes}
        return Reservation(
            allowed=[user for i, user in enumerate(users) if i in allowed_at],
            refused=[user for i, user in enumerate(users) if i not in allowed_at],
            retry_after=timedelta(milliseconds=max(int(wait_ms), 0)),
        )
