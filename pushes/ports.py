from __future__ import annotations

from typing import Protocol


class ReleasedPushQueue(Protocol):
    async def enqueue_released(self, key: str, userid: str, body: dict) -> None:
        """Queue one message that the budget already admitted (the outbox must not hold it again)."""
