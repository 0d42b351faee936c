"""Durable work that is done once, retried with back-off when it fails, and never silently dropped.

Each unit of work is a database row (the inbox's callbacks, the domain events) with the
columns status, claimed_at, not_before, attempts, error and processed_at. A row is claimed
by one process at a time (a conditional UPDATE), kept claimed while that process lives
(kernel.leases), and taken back by any live process once the claim goes stale. Work that
raises is put back with a doubling back-off; after `max_attempts` the row is a dead letter,
listed and replayable. The work itself must be idempotent under keys derived from the row:
a row may be worked on again after a crash.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Generic, TypeVar

from tortoise.expressions import F, Q
from tortoise.models import Model

from kernel.clock import Clock
from kernel.group_commit import GroupCommit
from kernel.leases import Lease
from kernel.polling import PollingLoop

log = logging.getLogger(__name__)

PENDING, PROCESSING, DONE, DEAD = "pending", "processing", "done", "dead"
RESUME_BATCH = 200

Item = TypeVar("Item")


@dataclass
class Claimed(Generic[Item]):
    """A row this process holds: its id, which attempt this is, and the work it describes."""

    id: int
    attempts: int
    item: Item


FailureHook = Callable[[Claimed, str, bool], Awaitable[None]]


class RetryQueue(Generic[Item]):
    """
    :param load: a stored row to the item `work` takes.
    :param work: does the work; raising means "try again later".
    :param on_failure: told of every failure (claimed, error, given_up), e.g. to count or apologise.
    """

    def __init__(
        self,
        model: type[Model],
        *,
        load: Callable[[Model], Item],
        work: Callable[[Item], Awaitable[None]],
        clock: Clock,
        on_failure: FailureHook | None = None,
        lease: timedelta = timedelta(seconds=6),
        poll_interval: float = 1.0,
        retry_base: timedelta = timedelta(seconds=1),
        max_attempts: int = 6,
    ) -> None:
        self._model = model
        self._load = load
        self._work = work
        self._clock = clock
        self._on_failure = on_failure
        self._lease = Lease(model, PROCESSING, lease, clock)
        self._retry_base = retry_base
        self.max_attempts = max_attempts
        self._in_flight: set[asyncio.Task] = set()
        self._resuming = 0
        self._completions = GroupCommit(self._mark_done)
        self.loop = PollingLoop(model.__name__, self.resume, self._lease, poll_interval)

    def start(self, claimed: Claimed[Item]) -> None:
        """Work on a row this process has just claimed (or created claimed), in the background."""
        self._lease.hold(claimed.id)
        task = asyncio.create_task(self._attempt(claimed))
        self._in_flight.add(task)
        task.add_done_callback(self._in_flight.discard)
        task.add_done_callback(lambda _: self._lease.release(claimed.id))

    async def attempt_now(self, claimed: Claimed[Item]) -> None:
        """Work on a row this process has just created claimed, in the caller's task."""
        self._lease.hold(claimed.id)
        try:
            await self._attempt(claimed)
        finally:
            self._lease.release(claimed.id)

    async def resume(self) -> int:
        """Claim every row that is due (retries, stale claims, replays) and start it. Returns how many."""
        self._resuming += 1
        try:
            return await self._resume()
        finally:
            self._resuming -= 1

    async def _resume(self) -> int:
        now = self._clock.now()
        await self._model.filter(status=PROCESSING, claimed_at__lt=self._lease.stale_before()).update(
            status=PENDING, not_before=now
        )
        due = (
            await self._model.filter(Q(not_before__isnull=True) | Q(not_before__lte=now), status=PENDING)
            .order_by("id")
            .limit(RESUME_BATCH)
        )
        resumed = 0
        for row in due:
            if row.attempts >= self.max_attempts:
                # Every attempt ended with the process (a crash or kill while working on it).
                await self._failed(Claimed(row.id, row.attempts, self._load(row)), row.error or "stopped mid-attempt")
                continue
            claimed = await self._model.filter(id=row.id, status=PENDING).update(
                status=PROCESSING, claimed_at=self._clock.now(), attempts=F("attempts") + 1
            )
            if claimed == 1:
                resumed += 1
                self.start(Claimed(row.id, row.attempts + 1, self._load(row)))
        if resumed:
            log.info("resumed %d %s rows", resumed, self._model.__name__)
        return resumed

    async def drain(self) -> None:
        """Wait for every background attempt to finish (tests and shutdown)."""
        while self._in_flight or self._resuming:
            if self._in_flight:
                await asyncio.gather(*self._in_flight, return_exceptions=True)
            else:
                await asyncio.sleep(0.01)  # a resume pass is between claiming rows and starting them

    async def unfinished_count(self) -> int:
        return await self._model.filter(status__in=[PENDING, PROCESSING]).count()

    async def dead_letters(self, limit: int = 500) -> list[Model]:
        return await self._model.filter(status=DEAD).order_by("-id").limit(limit)

    async def dead_count(self) -> int:
        return await self._model.filter(status=DEAD).count()

    async def replay(self, row_id: int) -> bool:
        """Give a dead letter a fresh set of attempts; False when the row is not a dead letter (any more)."""
        replayed = await self._model.filter(id=row_id, status=DEAD).update(
            status=PENDING, attempts=0, not_before=self._clock.now()
        )
        self.loop.wake()
        return replayed == 1

    async def _attempt(self, claimed: Claimed[Item]) -> None:
        try:
            await self._work(claimed.item)
            await self._completions.submit(claimed.id)
        except Exception as exc:
            log.exception("%s row %s failed on attempt %d", self._model.__name__, claimed.id, claimed.attempts)
            try:
                await self._failed(claimed, f"{type(exc).__name__}: {exc}"[:500])
            except Exception as again:
                # The database itself is away: the claim goes stale and the row is taken back then.
                log.warning("%s row %s: could not record the failure (%s)", self._model.__name__, claimed.id,
                            type(again).__name__)  # fmt: skip

    async def _failed(self, claimed: Claimed[Item], error: str) -> None:
        given_up = claimed.attempts >= self.max_attempts
        if given_up:
            if not await self._bury(claimed.id, error):
                return
        else:
            await self._model.filter(id=claimed.id, status=PROCESSING).update(
                status=PENDING,
                not_before=self._clock.now() + self._retry_base * 2 ** (claimed.attempts - 1),
                error=error,
            )
        if self._on_failure is not None:
            await self._on_failure(claimed, error, given_up)

    async def _bury(self, row_id: int, error: str) -> bool:
        buried = await self._model.filter(id=row_id, status__in=[PENDING, PROCESSING]).update(
            status=DEAD, processed_at=self._clock.now(), error=error
        )
        if buried:
            log.error("%s row %s is a dead letter: %s", self._model.__name__, row_id, error)
        return buried == 1

    async def _mark_done(self, ids: list[int]) -> list[None]:
        await self._model.filter(id__in=ids, status=PROCESSING).update(status=DONE, processed_at=self._clock.now())
        return [None] * len(ids)
