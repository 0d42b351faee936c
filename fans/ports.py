"""What the fans package needs from the outside world."""

from typing import Protocol


class ContactDirectory(Protocol):
    async def contact_type(self, external_userid: str) -> int | None:
        """1 for a WeChat user, 2 for a WeCom user (a colleague or another corp's staff); None if unknown."""


class ReportNotifier(Protocol):
    async def notify(self, userid: str, text: str, key: str) -> None:
        """Send a store manager or branch lead one short message, once per `key`."""
