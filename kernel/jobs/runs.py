"""Each slot's run, once across every process: a unique row per slot, a claim kept fresh, a Redis lock around the work.

Starting a slot is inserting its JobRun row, born claimed by the process that inserts it:
of several processes waking for one slot, one insert succeeds and the others meet the
unique (job, slot) key. From then on the row is a kernel.retry_queue row. Its claim is
renewed while this process lives; a run cut off by a crash is taken back by a live process
(or the next start) once the claim goes stale, and runs again; a run that raises is retried
with back-off, and after the last attempt it is a dead letter, run again by triggering its
slot.

The work runs under a Redis lock on the slot, renewed with the claim. It keeps a second
process off a slot whose claim only looks stale (its holder lost the database for a while
but is still working). Should the lock be lost too (Redis down or wiped), the row still
lets a slot start only once, and a job's effects are keyed per slot, so a run done again
changes nothing twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections.abc import AsyncIterator, Iterable
from datetime import datetime, timedelta

from redis.asyncio import Redis
from redis.asyncio.lock import Lock
from redis.exceptions import RedisError
from tortoise.exceptions import IntegrityError

from kernel.clock import Clock
from kernel.jobs import Job, Slot
from kernel.models import JobRun
from kernel.retry_queue import DEAD, DONE, PENDING, PROCESSING, Claimed, RetryQueue

log = logging.getLogger(__name__)

SCHEDULE, HQ = "schedule", "hq"  # who started a run
SKIPPED = "skipped"
LOCK_PREFIX = "guidebot:job-lock:"
RUNNER = f"{socket.gethostname()}:{os.getpid()}"[-64:]
OUTCOME_CHARS = 2000


class SlotBusy(Exception):
    """Another live process holds the slot's lock: this attempt backs off."""


class JobRuns:
    """The runs of every declared job's slots (see the module docstring)."""

    def __init__(
        self,
        jobs: Iterable[Job],
        redis: Redis,
        clock: Clock,
        *,
        lease: timedelta = timedelta(seconds=6),
        poll_interval: float = 2.0,
        retry_base: timedelta = timedelta(seconds=10),
        max_attempts: int = 6,
    ) -> None:
        self.jobs = {job.name: job for job in jobs}
        self._redis = redis
        self._clock = clock
        self._lease = lease
        self._working: set[asyncio.Task] = set()
        self.queue = RetryQueue(
            JobRun,
            load=lambda row: row,
            work=self._work,
            clock=clock,
            lease=lease,
            poll_interval=poll_interval,
            retry_base=retry_base,
            max_attempts=max_attempts,
        )

    async def start(self, job: Job, at: datetime, trigger: str = SCHEDULE) -> JobRun | None:
        """Start the slot's run here, in the background; None when the slot has a run already, in any process."""
        now = self._clock.now()
        try:
            run = await JobRun.create(
                job=job.name, slot=at, trigger=trigger, status=PROCESSING, claimed_at=now, attempts=1, runner=RUNNER
            )
        except IntegrityError:
            return None
        self.queue.start(Claimed(run.id, 1, run))
        return run

    async def skip(self, job: Job, at: datetime, reason: str) -> None:
        """Record a slot that will not run; nothing when the slot has a run already."""
        try:
            await JobRun.create(
                job=job.name, slot=at, trigger=SCHEDULE, status=SKIPPED, processed_at=self._clock.now(), outcome=reason
            )
        except IntegrityError:
            return
        log.warning("job %s: slot %s skipped: %s", job.name, Slot(job.name, at).key, reason)

    async def revive(self, run: JobRun) -> bool:
        """A slot that never completed (skipped, or dead after its last attempt) runs with fresh attempts; else False."""
        revived = await JobRun.filter(id=run.id, status__in=[SKIPPED, DEAD]).update(
            status=PENDING, trigger=HQ, attempts=0, not_before=self._clock.now(), error=""
        )
        self.queue.loop.wake()
        return revived == 1

    async def get(self, job: str, at: datetime) -> JobRun | None:
        return await JobRun.get_or_none(job=job, slot=at)

    async def latest_slot(self, job: str) -> datetime | None:
        """The newest slot the job has a row for, whatever became of it."""
        slots = await JobRun.filter(job=job).order_by("-slot").limit(1).values_list("slot", flat=True)
        return slots[0] if slots else None

    async def recent(self, job: str, limit: int) -> list[JobRun]:
        return await JobRun.filter(job=job).order_by("-slot").limit(limit)

    async def forget(self, job: str, before: datetime) -> int:
        """Drop the finished runs of slots before `before` (unfinished and dead ones stay until settled)."""
        return await JobRun.filter(job=job, slot__lt=before, status__in=[DONE, SKIPPED]).delete()

    async def finish(self, patience: float) -> None:
        """Let the runs under way finish for `patience` seconds, then cut them off.

        A run cut off keeps its claim, which goes stale: another process, or this service's
        next start, runs the slot again, and the job's keyed effects change nothing twice.
        """
        try:
            await asyncio.wait_for(asyncio.shield(self.queue.drain()), patience)
        except TimeoutError:
            log.warning("cutting off %d job runs still under way; their slots run again", len(self._working))
            for task in self._working:
                task.cancel()
            await self.queue.drain()

    async def _work(self, run: JobRun) -> None:
        job = self.jobs.get(run.job)
        if job is None:
            raise LookupError(f"no job {run.job!r} is declared (any more)")
        slot = Slot(run.job, run.slot)
        task = asyncio.current_task()
        self._working.add(task)
        try:
            async with self._locked(slot):
                await JobRun.filter(id=run.id).update(started_at=self._clock.now(), runner=RUNNER)
                outcome = await job.run(slot)
                await JobRun.filter(id=run.id).update(outcome=outcome[:OUTCOME_CHARS])
            log.info("job %s ran slot %s: %s", job.name, slot.key, outcome)
        finally:
            self._working.discard(task)

    @contextlib.asynccontextmanager
    async def _locked(self, slot: Slot) -> AsyncIterator[None]:
        lock = self._redis.lock(
            LOCK_PREFIX + slot.key, timeout=self._lease.total_seconds(), blocking=False, thread_local=False
        )
        try:
            acquired = await lock.acquire()
        except RedisError as exc:
            log.warning("job slot %s: no Redis lock (%s); its row alone keeps it once", slot.key, type(exc).__name__)
            acquired = None
        if acquired is False:
            raise SlotBusy(f"another process is running {slot.key}")
        renewing = asyncio.create_task(self._keep(lock)) if acquired else None
        try:
            yield
        finally:
            if renewing is not None:
                renewing.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await renewing
                with contextlib.suppress(RedisError):
                    await lock.release()

    async def _keep(self, lock: Lock) -> None:
        while True:
            await asyncio.sleep(self._lease.total_seconds() / 3)
            try:
                await lock.reacquire()
            except RedisError as exc:
                log.warning("could not renew the lock %s (%s)", lock.name, type(exc).__name__)
