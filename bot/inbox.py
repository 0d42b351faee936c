"""Ack first, work after: callbacks are stored under a unique dedup key, then handled in the background.

A retried callback hits the unique key and is acknowledged without a second handling; a
row is handled by whoever claims it (pending → processing), so a retry that races the
first delivery cannot run it twice; rows left pending or processing by a crash are
resumed at start-up. Handlers' own writes carry unique keys derived from the row, so a
row that is re-run after a crash mid-handling changes nothing twice.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from tortoise.exceptions import IntegrityError

from bot.dispatcher import UNHANDLED, Dispatcher
from bot.events import WeComEvent, dedup_key, parse_event
from bot.metrics import BotMetrics
from bot.models import InboxEvent, InboxStatus
from bot.outbox import Outbox
from bot.replies import Reply

log = logging.getLogger(__name__)

SYSTEM_SENDER = "sys"


class Inbox:
    def __init__(
        self,
        dispatcher: Dispatcher,
        outbox: Outbox,
        metrics: BotMetrics,
        *,
        lease: timedelta = timedelta(minutes=2),
    ) -> None:
        self._dispatcher = dispatcher
        self._outbox = outbox
        self._metrics = metrics
        self._lease = lease
        self._in_flight: set[asyncio.Task] = set()

    async def store(self, xml: str, event: WeComEvent) -> InboxEvent | None:
        """Persist the event; None when this dedup key was stored before (a WeCom retry)."""
        try:
            return await InboxEvent.create(
                dedup_key=dedup_key(event, xml), kind=event.kind, payload=xml, received_at=datetime.now(UTC)
            )
        except IntegrityError:
            return None

    def handle_in_background(self, row: InboxEvent) -> None:
        task = asyncio.create_task(self.handle(row))
        self._in_flight.add(task)
        task.add_done_callback(self._in_flight.discard)

    async def handle(self, row: InboxEvent) -> None:
        claimed = await InboxEvent.filter(id=row.id, status=InboxStatus.PENDING).update(
            status=InboxStatus.PROCESSING, claimed_at=datetime.now(UTC)
        )
        if claimed != 1:
            return
        event = parse_event(row.payload)
        error = ""
        try:
            result = await self._dispatcher.feed(event, inbox_key=row.dedup_key)
            if isinstance(result, Reply) and event.from_user and event.from_user != SYSTEM_SENDER:
                await self._outbox.enqueue_message(f"reply:{row.dedup_key}", [event.from_user], result.message_body())
            elif result is UNHANDLED:
                log.info("no handler for %s event; stored as inbox row %s", event.kind, row.id)
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"[:500]
        await InboxEvent.filter(id=row.id).update(
            status=InboxStatus.DONE, processed_at=datetime.now(UTC), error=error
        )
        self._metrics.inbox_lag.observe((datetime.now(UTC) - row.received_at).total_seconds())

    async def resume(self) -> int:
        """Hand every row a crash left behind back to the background; returns how many."""
        stale = datetime.now(UTC) - self._lease
        await InboxEvent.filter(status=InboxStatus.PROCESSING, claimed_at__lt=stale).update(
            status=InboxStatus.PENDING
        )
        rows = await InboxEvent.filter(status=InboxStatus.PENDING).order_by("id")
        for row in rows:
            self.handle_in_background(row)
        if rows:
            log.info("resuming %d stored callbacks", len(rows))
        return len(rows)

    async def drain(self) -> None:
        """Wait for every background handling to finish (tests and shutdown)."""
        while self._in_flight:
            await asyncio.gather(*self._in_flight, return_exceptions=True)

    async def pending_count(self) -> int:
        return await InboxEvent.filter(status__in=[InboxStatus.PENDING, InboxStatus.PROCESSING]).count()
