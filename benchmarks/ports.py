"""What the benchmarks package needs from the outside world."""

from typing import Protocol


class GuideBroadcaster(Protocol):
    async def broadcast(self, userids: list[str], text: str, key: str) -> None:
        """Send one message to many guides, once per `key`, in as few sends as the channel allows."""
