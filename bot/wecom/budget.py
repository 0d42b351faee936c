"""Per-member app-message budget: WeCom silently drops more than 30 a minute or 1000 an hour."""

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
    def __init__(self, redis: Redis, *, per_minute: int = 30, per_hour: int = 1000) -> None:
        self._reserve = redis.register_script(_RESERVE)
        self._per_minute = per_minute
        self._per_hour = per_hour

    async def reserve(self, users: list[str], now: datetime, tag: str) -> Reservation:
        """Take one send from each user's budget; those with none left are refused, not dropped."""
        keys = [f"wecom:sends:{user}" for user in users]
        now_ms = int(now.timestamp() * 1000)
        indexes, wait_ms = await self._reserve(
            keys=keys, args=[now_ms, f"{tag}:{next(_tags)}", self._per_minute, self._per_hour]
        )
        allowed_at = {index - 1 for index in indexes}
        return Reservation(
            allowed=[user for i, user in enumerate(users) if i in allowed_at],
            refused=[user for i, user in enumerate(users) if i not in allowed_at],
            retry_after=timedelta(milliseconds=max(int(wait_ms), 0)),
        )
