"""What the rewards and tasks packages need from the outside world."""

from typing import Protocol


class GuideNotifier(Protocol):
    async def notify(self, userid: str, text: str, key: str) -> None:
        """Send the guide one short message, once per `key`."""
