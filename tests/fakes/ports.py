"""In-memory fakes of the domain packages' ports, for service tests without the app or WeCom."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from digests.ports import Notice
from tasks.models import Task


@dataclass
class FakeCardSender:
    """tasks.ports.TaskCardSender: records every call, so a test sees what would have gone to whom."""

    cards: list[tuple[int, list[str]]] = field(default_factory=list)  # (task id, guides)
    cancellations: list[tuple[int, list[str]]] = field(default_factory=list)
    finished_cards: list[tuple[str, str]] = field(default_factory=list)  # (guide, response code)

    async def send_task_cards(self, task: Task, userids: list[str]) -> None:
        self.cards.append((task.id, list(userids)))

    async def send_cancellation(self, task: Task, userids: list[str]) -> None:
        self.cancellations.append((task.id, list(userids)))

    async def mark_card_done(self, userid: str, response_code: str) -> None:
        self.finished_cards.append((userid, response_code))


@dataclass
class FakeNotifier:
    """rewards.ports.GuideNotifier: one message per key, as the outbox sends it."""

    sent: dict[str, tuple[str, str]] = field(default_factory=dict)  # key -> (guide, text)

    async def notify(self, userid: str, text: str, key: str) -> None:
        self.sent.setdefault(key, (userid, text))

    def texts_to(self, userid: str) -> list[str]:
        return [text for guide, text in self.sent.values() if guide == userid]


@dataclass
class FakeBroadcaster:
    """benchmarks.ports.GuideBroadcaster: one message to many, once per key."""

    sent: dict[str, tuple[list[str], str]] = field(default_factory=dict)  # key -> (guides, text)

    async def broadcast(self, userids: list[str], text: str, key: str) -> None:
        self.sent.setdefault(key, (list(userids), text))


class SenderCrashed(Exception):
    """What FakeNoticeSender raises to stand for a process killed half-way through queueing."""


@dataclass
class FakeNoticeSender:
    """digests.ports.NoticeSender: one message per key, as the outbox's unique key sends it.

    `crash_after`: queue that many notices in all, then raise SenderCrashed (once), as a run
    killed half-way would leave them.
    """

    sent: dict[str, tuple[str, str]] = field(default_factory=dict)  # key -> (guide, text)
    crash_after: int | None = None

    async def notify_many(self, notices: Iterable[Notice]) -> None:
        for notice in notices:
            if self.crash_after is not None and len(self.sent) >= self.crash_after:
                self.crash_after = None
                raise SenderCrashed(f"killed after {len(self.sent)} notices")
            self.sent.setdefault(notice.key, (notice.userid, notice.text))

    def texts_to(self, userid: str) -> list[str]:
        return [text for guide, text in self.sent.values() if guide == userid]

    def guides(self) -> list[str]:
        return sorted(guide for guide, _ in self.sent.values())
