"""Ack first, work after: callbacks are stored under a unique dedup key, then handled in the background.

A retried callback hits the unique key and is acknowledged without a second handling. A
row is born claimed by the process that stored it and handled there at once; rows that a
crash left behind (claim older than the lease) are claimed again (pending → processing)
and resumed. Handlers' own writes carry unique keys derived from the row, so a row re-run
after a crash mid-handling changes nothing twice.

Concurrent callbacks are written with one multi-row INSERT per event-loop turn, and
marked done with one UPDATE (group commit): each request still waits for its own row to
be durable before the ack.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tortoise import connections

from bot.dispatcher import UNHANDLED, Dispatcher
from bot.events import WeComEvent, dedup_key, parse_event
from bot.group_commit import GroupCommit
from bot.metrics import BotMetrics
from bot.models import InboxEvent, InboxStatus
from bot.outbox import Outbox
from bot.replies import Reply

log = logging.getLogger(__name__)

SYSTEM_SENDER = "sys"


@dataclass
class StoredEvent:
    id: int
    dedup_key: str
    event: WeComEvent
    received_at: datetime


class Inbox:
    def __init__(
        self,
        dispatcher: Dispatcher,
        outbox: Outbox,
        metrics: BotMetrics,
        *,
        lease: timedelta = timedelta(seconds=30),
    ) -> None:
        self._dispatcher = dispatcher
        self._outbox = outbox
        self._metrics = metrics
        self._lease = lease
        self._in_flight: set[asyncio.Task] = set()
        self._inserts = GroupCommit(_insert_new_rows)
        self._completions = GroupCommit(_mark_done)

    async def store(self, xml: str, event: WeComEvent) -> StoredEvent | None:
        """Persist the event, claimed by this process; None when its dedup key was stored before."""
        now = datetime.now(UTC)
        key = dedup_key(event, xml)
        row_id = await self._inserts.submit((key, event.kind, xml, InboxStatus.PROCESSING.value, now, now, ""))
        return None if row_id is None else StoredEvent(row_id, key, event, now)

    def handle_in_background(self, stored: StoredEvent) -> None:
        task = asyncio.create_task(self._handle(stored))
        self._in_flight.add(task)
        task.add_done_callback(self._in_flight.discard)

    async def resume(self) -> int:
        """Claim and handle every row a crash left behind; returns how many."""
        stale = datetime.now(UTC) - self._lease
        await InboxEvent.filter(status=InboxStatus.PROCESSING, claimed_at__lt=stale).update(status=InboxStatus.PENDING)
        rows = await InboxEvent.filter(status=InboxStatus.PENDING).order_by("id")
        resumed = 0
        for row in rows:
            claimed = await InboxEvent.filter(id=row.id, status=InboxStatus.PENDING).update(
                status=InboxStatus.PROCESSING, claimed_at=datetime.now(UTC)
            )
            if claimed == 1:
                resumed += 1
                self.handle_in_background(StoredEvent(row.id, row.dedup_key, parse_event(row.payload), row.received_at))
        if resumed:
            log.info("resumed %d stored callbacks", resumed)
        return resumed

    async def drain(self) -> None:
        """Wait for every background handling to finish (tests and shutdown)."""
        while self._in_flight:
            await asyncio.gather(*self._in_flight, return_exceptions=True)

    async def pending_count(self) -> int:
        return await InboxEvent.filter(status__in=[InboxStatus.PENDING, InboxStatus.PROCESSING]).count()

    async def _handle(self, stored: StoredEvent) -> None:
        event = stored.event
        error = ""
        try:
            result = await self._dispatcher.feed(event, inbox_key=stored.dedup_key)
            if isinstance(result, Reply) and event.from_user and event.from_user != SYSTEM_SENDER:
                await self._outbox.enqueue_message(
                    f"reply:{stored.dedup_key}", [event.from_user], result.message_body()
                )
            elif result is UNHANDLED:
                log.debug("no handler for %s event (inbox row %s)", event.kind, stored.id)
        except Exception as exc:
            log.exception("inbox row %s failed", stored.id)
            error = f"{type(exc).__name__}: {exc}"[:500]
        if error:
            await InboxEvent.filter(id=stored.id).update(
                status=InboxStatus.DONE, processed_at=datetime.now(UTC), error=error
            )
        else:
            await self._completions.submit(stored.id)
        self._metrics.inbox_lag.observe((datetime.now(UTC) - stored.received_at).total_seconds())


_COLUMNS = "dedup_key, kind, payload, status, received_at, claimed_at, error"


async def _insert_new_rows(rows: list[tuple]) -> list[int | None]:
    """One INSERT for many rows; the id of each row that was new, None for a duplicate.

    The same callback twice in one batch is new only the first time.
    """
    inserted = await _insert_ignoring_duplicates(list({row[0]: row for row in rows}.values()))
    return [inserted.pop(row[0], None) for row in rows]


async def _mark_done(ids: list[int]) -> list[None]:
    await InboxEvent.filter(id__in=ids).update(status=InboxStatus.DONE, processed_at=datetime.now(UTC))
    return [None] * len(ids)


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
