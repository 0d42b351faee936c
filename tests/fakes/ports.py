"""In-memory fakes of the domain packages' ports, for service tests without the app or WeCom."""

from __future__ import annotations

from dataclasses import dataclass, field

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
