"""Ack first, work after: callbacks are stored under a unique dedup key, then handled in the background.

A retried callback hits the unique key and is acknowledged without a second handling. A
row is born claimed by the process that stored it and handled there at once. Whatever
happens next, the row is not lost:

* a handler that raises puts the row back with a back-off (`not_before`), up to
  MAX_ATTEMPTS handlings; then the row is a dead letter that HQ can list and replay;
* a process that dies, hangs or loses its database stops renewing its claims (see
  bot.leases), and every live process takes stale claims back within the lease.

Handlers' own writes carry unique keys derived from the row, so a row handled again
changes nothing twice.

Concurrent callbacks are written with one multi-row INSERT per event-loop turn, and
marked done with one UPDATE (group commit): each request still waits for its own row to
be durable before the ack.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tortoise import connections
from tortoise.expressions import F, Q

from bot.dispatcher import UNHANDLED, Dispatcher
from bot.events import TextMessage, WeComEvent, dedup_key, parse_event
from bot.group_commit import GroupCommit
from bot.leases import Lease
from bot.metrics import BotMetrics
from bot.models import InboxEvent, InboxStatus
from bot.outbox import Outbox
from bot.replies import Reply

log = logging.getLogger(__name__)

SYSTEM_SENDER = "sys"
MAX_ATTEMPTS = 6
RETRY_BASE = timedelta(seconds=1)
RESUME_BATCH = 200
STILL_TRYING = "系统有点忙，你刚才的消息我会自动再处理一次，不用重发。"
GAVE_UP = "抱歉，你刚才的消息没能处理成功，请稍后重发一次。"


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class StoredEvent:
    id: int
    dedup_key: str
    event: WeComEvent
    received_at: datetime
    attempts: int = 1


class Inbox:
    def __init__(
        self,
        dispatcher: Dispatcher,
        outbox: Outbox,
        metrics: BotMetrics,
        *,
        lease: timedelta = timedelta(seconds=6),
        poll_interval: float = 1.0,
        retry_base: timedelta = RETRY_BASE,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._dispatcher = dispatcher
        self._outbox = outbox
        self._metrics = metrics
        self._lease = Lease(InboxEvent, InboxStatus.PROCESSING.value, lease, clock)
        self._poll_interval = poll_interval
        self._retry_base = retry_base
        self._clock = clock
        self._in_flight: set[asyncio.Task] = set()
        self._inserts = GroupCommit(_insert_new_rows)
        self._completions = GroupCommit(_mark_done)

    async def store(self, xml: str, event: WeComEvent) -> StoredEvent | None:
        """Persist the event, claimed by this process; None when its dedup key was stored before."""
        now = self._clock()
        key = dedup_key(event, xml)
        row_id = await self._inserts.submit((key, event.kind, xml, InboxStatus.PROCESSING.value, now, now, "", 1))
        return None if row_id is None else StoredEvent(row_id, key, event, now)

    def handle_in_background(self, stored: StoredEvent) -> None:
        self._lease.hold(stored.id)
        task = asyncio.create_task(self._handle(stored))
        self._in_flight.add(task)
        task.add_done_callback(self._in_flight.discard)
        task.add_done_callback(lambda _: self._lease.release(stored.id))

    async def run(self) -> None:
        """Keep this process's claims fresh; every poll, take back what is due or what a dead process left."""
        renewing = asyncio.create_task(self._lease.keep_fresh())
        try:
            while True:
                try:
                    await self.resume()
                except Exception as exc:
                    log.warning("inbox resume pass failed (%s); trying again", type(exc).__name__)
                await asyncio.sleep(self._poll_interval)
        finally:
            renewing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewing

    async def resume(self) -> int:
        """Claim and handle every row that is due: retries, stale claims, replays. Returns how many."""
        now = self._clock()
        await InboxEvent.filter(status=InboxStatus.PROCESSING, claimed_at__lt=self._lease.stale_before()).update(
            status=InboxStatus.PENDING, not_before=now
        )
        due = (
            await InboxEvent.filter(Q(not_before__isnull=True) | Q(not_before__lte=now), status=InboxStatus.PENDING)
            .order_by("id")
            .limit(RESUME_BATCH)
        )
        resumed = 0
        for row in due:
            if row.attempts >= MAX_ATTEMPTS:
                await self._bury(row.id, row.kind, row.error or "stopped the process on every attempt")
                continue
            claimed = await InboxEvent.filter(id=row.id, status=InboxStatus.PENDING).update(
                status=InboxStatus.PROCESSING, claimed_at=self._clock(), attempts=F("attempts") + 1
            )
            if claimed == 1:
                resumed += 1
                stored = StoredEvent(row.id, row.dedup_key, parse_event(row.payload), row.received_at, row.attempts + 1)
                self.handle_in_background(stored)
        if resumed:
            log.info("resumed %d stored callbacks", resumed)
        return resumed

    async def drain(self) -> None:
        """Wait for every background handling to finish (tests and shutdown)."""
        while self._in_flight:
            await asyncio.gather(*self._in_flight, return_exceptions=True)

    async def pending_count(self) -> int:
        return await InboxEvent.filter(status__in=[InboxStatus.PENDING, InboxStatus.PROCESSING]).count()

    async def dead_letters(self, limit: int = 500) -> list[InboxEvent]:
        return await InboxEvent.filter(status=InboxStatus.DEAD).order_by("-id").limit(limit)

    async def dead_count(self) -> int:
        return await InboxEvent.filter(status=InboxStatus.DEAD).count()

    async def replay(self, row_id: int) -> bool:
        """Give a dead letter a fresh set of attempts; False when the row is not a dead letter (any more)."""
        replayed = await InboxEvent.filter(id=row_id, status=InboxStatus.DEAD).update(
            status=InboxStatus.PENDING, attempts=0, not_before=self._clock()
        )
        return replayed == 1

    async def _handle(self, stored: StoredEvent) -> None:
        event = stored.event
        try:
            result = await self._dispatcher.feed(event, inbox_key=stored.dedup_key)
            if isinstance(result, Reply) and _from_a_person(event):
                await self._outbox.enqueue_message(
                    f"reply:{stored.dedup_key}", [event.from_user], result.message_body(), answer=True
                )
            elif result is UNHANDLED:
                log.debug("no handler for %s event (inbox row %s)", event.kind, stored.id)
            await self._completions.submit(stored.id)
        except Exception as exc:
            log.exception("inbox row %s (%s) failed on attempt %d", stored.id, event.kind, stored.attempts)
            try:
                await self._failed(stored, f"{type(exc).__name__}: {exc}"[:500])
            except Exception as again:
                # The database itself is away: the claim goes stale and the row is taken back then.
                log.warning("inbox row %s: could not record the failure (%s)", stored.id, type(again).__name__)
        self._metrics.inbox_lag.observe((self._clock() - stored.received_at).total_seconds())

    async def _failed(self, stored: StoredEvent, error: str) -> None:
        if stored.attempts >= MAX_ATTEMPTS:
            await self._bury(stored.id, stored.event.kind, error)
            await self._tell_sender(stored, "gave-up", GAVE_UP)
            return
        self._metrics.inbox_retries.labels(kind=stored.event.kind).inc()
        await InboxEvent.filter(id=stored.id, status=InboxStatus.PROCESSING).update(
            status=InboxStatus.PENDING,
            not_before=self._clock() + self._retry_base * 2 ** (stored.attempts - 1),
            error=error,
        )
        if stored.attempts == 1:
            await self._tell_sender(stored, "still-trying", STILL_TRYING)

    async def _bury(self, row_id: int, kind: str, error: str) -> None:
        buried = await InboxEvent.filter(id=row_id, status__in=[InboxStatus.PENDING, InboxStatus.PROCESSING]).update(
            status=InboxStatus.DEAD, processed_at=self._clock(), error=error
        )
        if buried:
            self._metrics.inbox_dead_letters.labels(kind=kind).inc()
            log.error("inbox row %s (%s) is a dead letter after %d attempts: %s", row_id, kind, MAX_ATTEMPTS, error)

    async def _tell_sender(self, stored: StoredEvent, what: str, text: str) -> None:
        """A guide who wrote something hears once that it is delayed, and once if it is given up."""
        if isinstance(stored.event, TextMessage) and _from_a_person(stored.event):
            await self._outbox.enqueue_message(
                f"{what}:{stored.dedup_key}", [stored.event.from_user], Reply.text(text).message_body(), answer=True
            )


def _from_a_person(event: WeComEvent) -> bool:
    return bool(event.from_user) and event.from_user != SYSTEM_SENDER


_COLUMNS = "dedup_key, kind, payload, status, received_at, claimed_at, error, attempts"


async def _insert_new_rows(rows: list[tuple]) -> list[int | None]:
    """One INSERT for many rows; the id of each row that was new, None for a duplicate.

    The same callback twice in one batch is new only the first time.
    """
    inserted = await _insert_ignoring_duplicates(list({row[0]: row for row in rows}.values()))
    return [inserted.pop(row[0], None) for row in rows]


async def _mark_done(ids: list[int]) -> list[None]:
    await InboxEvent.filter(id__in=ids, status=InboxStatus.PROCESSING).update(
        status=InboxStatus.DONE, processed_at=datetime.now(UTC)
    )
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
