"""Every call to WeCom is a row first (unique key), then sent once by the outbox sender.

Rows are claimed with a conditional UPDATE (pending → sending), so two senders never
send the same row. A sender keeps its claims fresh while it lives (kernel.leases); one that
died mid-send leaves a stale claim that any process takes back within the lease. Urgent
rows (the welcome invite) are sent inline by `send_now`, so they never wait behind other
traffic. A row that fails for good is a dead letter (listed and retried through the HQ
API). Whoever registered for a row's API hears once how it settled, sent or failed for
good, by whichever path (e.g. to ask the guide to forward an invite by hand).
Every message/send that is neither an answer nor urgent is a push, and passes the push
budget (pushes/) on its first attempt: whoever it holds leaves the row and waits there.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F, Q
from tortoise.transactions import in_transaction

from bot.metrics import BotMetrics
from bot.models import OutboxMessage, OutboxStatus
from bot.wecom.budget import SendBudget
from bot.wecom.client import WeComClient
from bot.wecom.errors import WELCOME_ALREADY_SENT, WELCOME_CODE_INVALID, WeComError, WeComUnavailable
from kernel.clock import Clock
from kernel.leases import Lease
from kernel.polling import PollingLoop
from pushes.budget import PushBudget

log = logging.getLogger(__name__)

MESSAGE_SEND = "message/send"
SEND_WELCOME_MSG = "externalcontact/send_welcome_msg"
MAX_USERS_PER_SEND = 1000
WELCOME_RETRY_BASE = timedelta(seconds=1)  # a welcome_code lives 20 s: retries at 1, 2, 4, 8 s still fit
WELCOME_CODE_LIFETIME = timedelta(seconds=20)
MANY_PER_BATCH = 1000  # rows of an enqueue_many written per batch


class Held(Exception):
    """The push budget holds the row's every member: their copies wait in the budget, nothing is sent."""


class Deferred(Exception):
    """No member of the row has budget left: try the whole row again later."""

    def __init__(self, retry_after: timedelta) -> None:
        super().__init__(f"send budget used up for {retry_after}")
        self.retry_after = retry_after


SettledHandler = Callable[[OutboxMessage, Exception | None], Awaitable[None]]


class Outbox:
    """Every call to WeCom, as a row first: sent once, paced to each member's budget, retried, or kept as failed."""

    def __init__(
        self,
        client: WeComClient | None,
        budget: SendBudget,
        metrics: BotMetrics,
        *,
        concurrency: int = 8,
        max_attempts: int = 8,
        retry_base: timedelta = timedelta(seconds=5),
        lease: timedelta = timedelta(seconds=6),
        poll_interval: float = 1.0,
        clock: Clock,
        pushes: PushBudget | None = None,
    ) -> None:
        self._client = client
        self._budget = budget
        self._pushes = pushes
        self._metrics = metrics
        self._semaphore = asyncio.Semaphore(concurrency)
        self._max_attempts = max_attempts
        self._retry_base = retry_base
        self._lease = Lease(OutboxMessage, OutboxStatus.SENDING.value, lease, clock)
        self._clock = clock
        self.loop = PollingLoop("outbox", self.send_due, self._lease, poll_interval)
        self._in_flight: set[asyncio.Task] = set()
        self._passes = 0
        self._settled_handlers: dict[str, SettledHandler] = {}

    @property
    def sending_enabled(self) -> bool:
        return self._client is not None

    def on_settled(self, api: str, handler: SettledHandler) -> None:
        """Run `handler(row, error)` once when a row of `api` is sent (error None) or fails for good."""
        self._settled_handlers[api] = handler

    async def enqueue(self, key: str, api: str, payload: dict, *, not_before: datetime | None = None) -> OutboxMessage:
        """Write the row once; a second enqueue with the same key returns the first row."""
        now = self._clock.now()
        try:
            row = await OutboxMessage.create(
                key=key, api=api, payload=payload, not_before=not_before or now, created_at=now
            )
        except IntegrityError:
            return await OutboxMessage.get(key=key)
        self.loop.wake()
        return row

    async def enqueue_many(self, rows: Iterable[tuple[str, str, dict]]) -> None:
        """Write many (key, api, payload) rows at once; a key already written keeps its first row.

        What a scheduled push to every guide needs: one INSERT that skips the keys it meets
        (the unique key, as in `enqueue`), executed for a thousand rows at a time, instead
        of a round trip per guide.
        """
        now = self._clock.now()
        await OutboxMessage.bulk_create(
            [
                OutboxMessage(key=key, api=api, payload=payload, not_before=now, created_at=now)
                for key, api, payload in rows
            ],
            batch_size=MANY_PER_BATCH,
            ignore_conflicts=True,
        )
        self.loop.wake()

    async def enqueue_message(
        self, key: str, touser: list[str], body: dict, *, answer: bool = False, urgent: bool = False
    ) -> list[OutboxMessage]:
        """message/send to any number of members, one row per 1000 (WeCom's cap per call).

        `answer`: this answers what the member just wrote, so it may use the budget that
        pushes leave free (SendBudget's headroom) and is not held back behind them.
        `urgent`: it cannot wait (e.g. forward this invite by hand): the push budget lets it
        through at once. Answers are urgent too; anything else is a push the budget may hold.
        """
        chunks = [touser[i : i + MAX_USERS_PER_SEND] for i in range(0, len(touser), MAX_USERS_PER_SEND)]
        flags = {**({"answer": True} if answer else {}), **({"urgent": True} if urgent else {})}
        payloads = [{"touser": chunk, "body": body, **flags} for chunk in chunks]
        if len(payloads) == 1:
            return [await self.enqueue(key, MESSAGE_SEND, payloads[0])]
        return [await self.enqueue(f"{key}#{n}", MESSAGE_SEND, payload) for n, payload in enumerate(payloads, 1)]

    async def enqueue_released(self, key: str, userid: str, body: dict) -> None:
        """pushes.ports.ReleasedPushQueue: a push the budget released (admitted already, so not held again)."""
        await self.enqueue(key, MESSAGE_SEND, {"touser": [userid], "body": body, "admitted": True})

    async def send_now(self, row: OutboxMessage) -> bool:
        """Send an urgent row in the caller's task; True when this call sent it.

        A row another live sender holds (or sent) is left alone; how a failure ends is told
        to the `on_settled` handler, whichever path sends the row.
        """
        if not self.sending_enabled or not await self._claim(row):
            return False
        try:
            return await self._deliver(row)
        finally:
            self._lease.release(row.id)

    async def send_due(self) -> int:
        """One pass: take back stale claims, then send every due pending row. Returns rows sent."""
        self._passes += 1
        try:
            now = self._clock.now()
            await OutboxMessage.filter(status=OutboxStatus.SENDING, claimed_at__lt=self._lease.stale_before()).update(
                status=OutboxStatus.PENDING
            )
            due = await OutboxMessage.filter(status=OutboxStatus.PENDING, not_before__lte=now).order_by("id").limit(500)
            claimed = [row for row in due if await self._claim(row)]
            deliveries = [asyncio.create_task(self._deliver_bounded(row)) for row in claimed]
            for delivery in deliveries:
                self._in_flight.add(delivery)
                delivery.add_done_callback(self._in_flight.discard)
            results = await asyncio.gather(*deliveries)
            return sum(results)
        finally:
            self._passes -= 1

    async def drain(self) -> None:
        """Send until nothing is due or in flight, also in another pass (tests and the console use it)."""
        while True:
            sent = await self.send_due()
            if self._in_flight:
                await asyncio.gather(*self._in_flight, return_exceptions=True)
            elif self._passes:
                await asyncio.sleep(0.01)  # the background sender is between claiming rows and sending them
            elif not sent:
                return

    async def count_by_status(self) -> dict[str, int]:
        return {status.value: await OutboxMessage.filter(status=status).count() for status in OutboxStatus}

    async def dead_letters(self, limit: int = 500) -> list[OutboxMessage]:
        return await OutboxMessage.filter(status=OutboxStatus.FAILED).order_by("-id").limit(limit)

    async def replay(self, row_id: int) -> bool:
        """Send a failed row again with a fresh set of attempts; False when the row has not failed."""
        replayed = await OutboxMessage.filter(id=row_id, status=OutboxStatus.FAILED).update(
            status=OutboxStatus.PENDING, attempts=0, not_before=self._clock.now()
        )
        self.loop.wake()
        return replayed == 1

    async def expire_undeliverable(self, *, max_age: timedelta) -> int:
        """Pending rows that can no longer be sent become dead letters, each settled once; returns how many.

        A welcome_code outlives its 20 s, and anything else is stale past `max_age`. A row
        is settled first (its handler's effects are keyed, e.g. the guide's one request to
        forward the invite), then marked: a crash in between settles it again, changing nothing.
        """
        now = self._clock.now()
        undeliverable = Q(api=SEND_WELCOME_MSG, created_at__lt=now - WELCOME_CODE_LIFETIME) | Q(
            created_at__lt=now - max_age
        )
        expired = 0
        while rows := await OutboxMessage.filter(undeliverable, status=OutboxStatus.PENDING).order_by("id").limit(500):
            for row in rows:
                expired += await self._expire(row, max_age)
        if expired:
            log.warning("%d outbox rows could no longer be sent: they are dead letters now", expired)
        return expired

    async def _expire(self, row: OutboxMessage, max_age: timedelta) -> int:
        if row.api == SEND_WELCOME_MSG:
            # what WeCom would answer, so the guide hears the usual 欢迎语已过期 and forwards the link by hand
            await self._settled(row, WeComError(WELCOME_CODE_INVALID, "expired before it was sent", row.api))
            reason = "expired: the welcome_code outlived its 20 s before it could be sent"
        else:
            await self._settled(row, TimeoutError(f"not sent within {max_age}"))
            reason = f"expired: not sent within {max_age}"
        marked = await OutboxMessage.filter(id=row.id, status=OutboxStatus.PENDING).update(
            status=OutboxStatus.FAILED, last_error=reason
        )
        if marked:
            self._metrics.outbox_failed.labels(api=row.api).inc()
        return marked

    async def _claim(self, row: OutboxMessage) -> bool:
        """pending → sending, or take over a claim whose holder stopped renewing it."""
        claimable = Q(status=OutboxStatus.PENDING) | Q(
            status=OutboxStatus.SENDING, claimed_at__lt=self._lease.stale_before()
        )
        claimed = await OutboxMessage.filter(claimable, id=row.id).update(
            status=OutboxStatus.SENDING, claimed_at=self._clock.now(), attempts=F("attempts") + 1
        )
        if claimed == 1:
            self._lease.hold(row.id)
            row.attempts += 1
        return claimed == 1

    async def _deliver_bounded(self, row: OutboxMessage) -> bool:
        async with self._semaphore:
            try:
                return await self._deliver(row)
            finally:
                self._lease.release(row.id)

    async def _deliver(self, row: OutboxMessage) -> bool:
        """Send a claimed row (its attempt is already counted, so a crash mid-call leaves a trace); True if sent."""
        try:
            await self._call(row)
        except Held:
            row.status, row.last_error = OutboxStatus.HELD, "held by the push budget: see each guide's push log"
            await row.save(update_fields=["status", "attempts", "last_error", "payload"])
            return False
        except Deferred as deferred:
            row.status, row.attempts = OutboxStatus.PENDING, row.attempts - 1
            row.not_before = self._clock.now() + deferred.retry_after
            await row.save(update_fields=["status", "not_before", "attempts"])
            return False
        except Exception as exc:
            if not _delivered_by_an_earlier_attempt(row, exc):
                if not isinstance(exc, WeComError | WeComUnavailable):
                    log.exception("outbox row %s (%s) failed unexpectedly", row.id, row.api)
                await self._record_failure(row, exc)
                return False
            log.info("outbox row %s (%s): an earlier attempt had delivered it", row.id, row.api)
        row.status, row.sent_at, row.last_error = OutboxStatus.SENT, self._clock.now(), ""
        async with in_transaction():
            await row.save(update_fields=["status", "sent_at", "attempts", "last_error"])
            if self._is_push(row):
                await self._pushes.log_sent(row.key, row.payload["touser"], urgent=row.payload.get("urgent", False))
        self._metrics.outbox_sent.labels(api=row.api).inc()
        await self._settled(row, None)
        return True

    async def _call(self, row: OutboxMessage) -> None:
        assert self._client is not None
        payload = row.payload
        if row.api == MESSAGE_SEND:
            await self._admit_push(row)
            await self._client.send_message(await self._within_budget(row), payload["body"])
        elif row.api == SEND_WELCOME_MSG:
            await self._client.send_welcome_msg(
                payload["welcome_code"], payload["text"], payload["link_title"], payload["link_url"]
            )
        else:
            await self._client.call("POST", row.api, json=payload)

    def _is_push(self, row: OutboxMessage) -> bool:
        return self._pushes is not None and row.api == MESSAGE_SEND and not row.payload.get("answer")

    async def _admit_push(self, row: OutboxMessage) -> None:
        """Pushes pass the push budget once: members it holds leave the row (their copies wait there)."""
        if not self._is_push(row) or row.payload.get("urgent") or row.payload.get("admitted"):
            return
        touser = row.payload["touser"]
        admitted = await self._pushes.admit(row.key, touser, row.payload["body"], retried=row.attempts > 1)
        row.payload = {**row.payload, "touser": admitted, "admitted": True}
        if len(admitted) < len(touser):  # all admitted: no write; a retry asks again and the caps count it once
            await row.save(update_fields=["payload"])
        if not admitted:
            raise Held

    async def _within_budget(self, row: OutboxMessage) -> list[str]:
        """The row's members who may still be messaged now; the rest move to a later row."""
        now = self._clock.now()
        reservation = await self._budget.reserve(
            row.payload["touser"], now, tag=f"{row.id}:{row.attempts}", answer=row.payload.get("answer", False)
        )
        if not reservation.allowed:
            raise Deferred(reservation.retry_after)
        if reservation.refused:
            await self.enqueue(
                f"{row.key}/later{row.attempts}",
                MESSAGE_SEND,
                {**row.payload, "touser": reservation.refused},
                not_before=now + reservation.retry_after,
            )
            row.payload = {**row.payload, "touser": reservation.allowed}
            await row.save(update_fields=["payload"])
        return reservation.allowed

    async def _record_failure(self, row: OutboxMessage, exc: Exception) -> None:
        # WeCom's own answers say whether a retry can help; anything else (Redis or the network
        # hiccuping) is retried until the attempt limit rather than losing the message.
        retryable = getattr(exc, "retryable", True)
        row.last_error = str(exc)[:500]
        if retryable and row.attempts < self._max_attempts:
            row.status = OutboxStatus.PENDING
            base = WELCOME_RETRY_BASE if row.api == SEND_WELCOME_MSG else self._retry_base
            row.not_before = self._clock.now() + base * 2 ** (row.attempts - 1)
        else:
            row.status = OutboxStatus.FAILED
            self._metrics.outbox_failed.labels(api=row.api).inc()
            log.warning("outbox row %s (%s) failed for good: %s", row.id, row.api, row.last_error)
        await row.save(update_fields=["status", "not_before", "attempts", "last_error"])
        if row.status is OutboxStatus.FAILED:
            if self._is_push(row):
                await self._pushes.log_failed(row.key, row.payload["touser"], row.last_error)
            await self._settled(row, exc)

    async def _settled(self, row: OutboxMessage, error: Exception | None) -> None:
        if handler := self._settled_handlers.get(row.api):
            await handler(row, error)


def _delivered_by_an_earlier_attempt(row: OutboxMessage, exc: Exception) -> bool:
    """41051 (welcome already sent) after an attempt whose outcome we never learnt means that attempt worked."""
    return (
        row.api == SEND_WELCOME_MSG
        and row.attempts > 1
        and isinstance(exc, WeComError)
        and exc.errcode == WELCOME_ALREADY_SENT
    )
