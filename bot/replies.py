"""What a handler answers a guide with; the inbox sends it through the outbox (message/send)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Reply:
    msgtype: Literal["text", "markdown"]
    content: str

    @classmethod
    def text(cls, content: str) -> Reply:
        return cls("text", content)

    @classmethod
    def markdown(cls, content: str) -> Reply:
        return cls("markdown", content)

    def message_body(self) -> dict:
        """The msgtype-specific part of a message/send request."""
        return {"msgtype": self.msgtype, self.msgtype: {"content": self.content}}
