"""What the digests need from the messaging side: short texts to many guides at once, once per key."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Notice:
    """One text to one guide; a second notice with the same key is not sent."""

    userid: str
    text: str
    key: str


class NoticeSender(Protocol):
    async def notify_many(self, notices: Iterable[Notice]) -> None:
        """Queue each notice for its guide, once per key however often it is asked.

        :param notices: texts that differ per guide (one WeCom message each).
        """
