"""Ack first, work after: callbacks are stored under a unique dedup key, then handled in the background.

A retried callback hits the unique key and is acknowledged without a second handling. A
row is born claimed by the process that stored it and handled there at once. From then on
it is a kernel.retry_queue row, so it is not lost: a handler that raises puts it back with
a back-off, a process that dies leaves a claim that a live one takes back within seconds,
and after the last attempt it is a dead letter that HQ can list and replay. A guide whose
message failed is told once that it will be handled by itself, and once more only if it
is given up. Handlers' own writes carry unique keys derived from the row, so a row handled
again changes nothing twice.

Concurrent callbacks are written with one multi-row INSERT per event-loop turn, and
marked done with one UPDATE (group commit): each request still waits for its own row to
be durable before the ack.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise import connections

from bot.dispatcher import UNHANDLED, Dispatcher
from bot.events import TextMessage, WeComEvent, dedup_key, parse_event
from bot.metrics import BotMetrics
from bot.models import InboxEvent, InboxStatus
from bot.outbox import Outbox
from bot.replies import Reply
from kernel.clock import Clock
from kernel.group_commit import GroupCommit
from kernel.retry_queue import Claimed, RetryQueue

log = logging.getLogger(__name__)

SYSTEM_SENDER = "sys"
MAX_ATTEMPTS = 6
STILL_TRYING = "系统有点忙，你刚才的消息我会自动再处理一次，不用重发。"
GAVE_UP = "抱歉，你刚才的消息没能处理成功，请稍后重发一次。"


@dataclass
class StoredEvent:
    id: int
    dedup_key: str
    event: WeComEvent
    received_at: datetime


class Inbox:
    """The callbacks WeCom handed us: stored before the ack, then handled once (see the module docstring)."""

    def __init__(
        self,
        dispatcher: Dispatcher,
        outbox: Outbox,
        metrics: BotMetrics,
        *,
        clock: Clock,
        lease: timedelta = timedelta(seconds=6),
    ) -> None:
        self._dispatcher = dispatcher
        self._outbox = outbox
        self._metrics = metrics
        self._clock = clock
        self._inserts = GroupCommit(_insert_new_rows)
        self.queue = RetryQueue(
            InboxEvent,
            load=_stored,
            work=self._handle,
            clock=clock,
            on_failure=self._failed,
            lease=lease,
            max_attempts=MAX_ATTEMPTS,
        )

    async def store(self, xml: str, event: WeComEvent) -> StoredEvent | None:
        """Persist the event, claimed by this process; None when its dedup key was stored before."""
        now = self._clock.now()
        key = dedup_key(event, xml)
        row_id = await self._inserts.submit((key, event.kind, xml, InboxStatus.PROCESSING.value, now, now, "", 1))
        return None if row_id is None else StoredEvent(row_id, key, event, now)

    def handle_in_background(self, stored: StoredEvent) -> None:
        self.queue.start(Claimed(stored.id, 1, stored))

    async def resume(self) -> int:
        return await self.queue.resume()

    async def drain(self) -> None:
        await self.queue.drain()

    async def pending_count(self) -> int:
        return await self.queue.unfinished_count()

    async def _handle(self, stored: StoredEvent) -> None:
        event = stored.event
        result = await self._dispatcher.feed(event, inbox_key=stored.dedup_key)
        if isinstance(result, Reply) and _from_a_person(event):
            await self._outbox.enqueue_message(
                f"reply:{stored.dedup_key}", [event.from_user], result.message_body(), answer=True
            )
        elif result is UNHANDLED:
            log.debug("no handler for %s event (inbox row %s)", event.kind, stored.id)
        self._metrics.inbox_lag.observe((self._clock.now() - stored.received_at).total_seconds())

    async def _failed(self, claimed: Claimed[StoredEvent], error: str, given_up: bool) -> None:
        stored = claimed.item
        if given_up:
            self._metrics.inbox_dead_letters.labels(kind=stored.event.kind).inc()
            await self._tell_sender(stored, "gave-up", GAVE_UP)
            return
        self._metrics.inbox_retries.labels(kind=stored.event.kind).inc()
        if claimed.attempts == 1:
            await self._tell_sender(stored, "still-trying", STILL_TRYING)

    async def _tell_sender(self, stored: StoredEvent, what: str, text: str) -> None:
        """A guide who wrote something hears once that it is delayed, and once if it is given up."""
        if isinstance(stored.event, TextMessage) and _from_a_person(stored.event):
            await self._outbox.enqueue_message(
                f"{what}:{stored.dedup_key}", [stored.event.from_user], Reply.text(text).message_body(), answer=True
            )


def _stored(row: InboxEvent) -> StoredEvent:
    return StoredEvent(row.id, row.dedup_key, parse_event(row.payload), row.received_at)


def _from_a_person(event: WeComEvent) -> bool:
    return bool(event.from_user) and event.from_user != SYSTEM_SENDER


_COLUMNS = "dedup_key, kind, payload, status, received_at, claimed_at, error, attempts"


async def _insert_new_rows(rows: list[tuple]) -> list[int | None]:
    """One INSERT for many rows; the id of each row that was new, None for a duplicate.

    The same callback twice in one batch is new only the first time.
    """
    inserted = await _insert_ignoring_duplicates(list({row[0]: row for row in rows}.values()))
    return [inserted.pop(row[0], None) for row in rows]


async def _insert_ignoring_duplicates(rows: list[tuple]) -> dict[str, int]:
    """dedup_key → id of the rows the INSERT … ON CONFLICT DO NOTHING actually added."""
    connection = connections.get("default")
    width = len(rows[0])
    if connection.capabilities.dialect == "sqlite":
        groups = ["(" + ", ".join("?" * width) + ")" for _ in rows]
    else:
        groups = ["(" + ", ".join(f"${n * width + i}" for i in range(1, width + 1)) + ")" for n in range(len(rows))]
    sql = (
        f"INSERT INTO inboxevent ({_COLUMNS}) VALUES {', '.join(groups)} "
        "ON CONFLICT (dedup_key) DO NOTHING RETURNING id, dedup_key"
    )
    records = await connection.execute_query_dict(sql, [value for row in rows for value in row])
    return {record["dedup_key"]: record["id"] for record in records}
