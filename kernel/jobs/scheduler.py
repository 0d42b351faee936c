"""Every process runs one: apscheduler wakes it at each job's times, and the Clock decides what is due.

A pass looks at every job. Its latest slot at or before now runs if it is within the job's
grace (once across processes: kernel.jobs.runs), and is recorded skipped if not (unless the
job has never run: a job new to the service missed nothing). The slots
between the last one recorded and the latest (missed while no process ran, or while this
one stalled) are recorded skipped: after a downtime a job runs once, for its latest slot,
not once per missed tick. A pass also runs every minute and at start-up, so a slot whose
wake-up was lost (the database away at that moment, the process paused) is still taken up
within its grace. apscheduler only wakes the pass and never decides, so tests drive
`catch_up` with a FakeClock and no waiting.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger

from kernel.clock import Clock
from kernel.jobs import Job
from kernel.jobs.runs import HQ, JobRuns
from kernel.jobs.schedules import Schedule
from kernel.models import JobRun
from kernel.polling import PollingLoop

log = logging.getLogger(__name__)
# apscheduler logs each wake-up at INFO (twice a minute for a minutely job); our runs log what they did.
logging.getLogger("apscheduler").setLevel(logging.WARNING)

SWEEP_INTERVAL = 60.0
MISSED_SLOTS_RECORDED = 24  # the newest ones: a minutely job down for a week need not write 10,000 rows
RUNS_KEPT = timedelta(days=45)  # a monthly job still finds its previous run
SHUTDOWN_PATIENCE = 10.0


class Scheduler:
    def __init__(self, runs: JobRuns, clock: Clock) -> None:
        self.runs = runs
        self.clock = clock
        self.loop = PollingLoop("scheduler", self.catch_up, None, SWEEP_INTERVAL)
        self._alarm: AsyncIOScheduler | None = None
        self._running: list[asyncio.Task] = []

    @property
    def jobs(self) -> list[Job]:
        return list(self.runs.jobs.values())

    async def start(self) -> None:
        """Catch up at once (the first pass), then wake at every job's times; runs cut off by a crash are taken back."""
        alarm = AsyncIOScheduler(timezone=self.clock.timezone)
        for job in self.jobs:
            alarm.add_job(
                self._wake, ScheduleTrigger(job.schedule), id=job.name, name=job.name,
                coalesce=True, max_instances=1, misfire_grace_time=None,
            )  # fmt: skip
        alarm.start()
        self._alarm = alarm
        self._running = [asyncio.create_task(self.loop.run()), asyncio.create_task(self.runs.queue.loop.run())]

    async def stop(self, patience: float = SHUTDOWN_PATIENCE) -> None:
        """Wake no more, finish the pass under way, give runs under way `patience` seconds (kernel.jobs.runs)."""
        if self._alarm is not None:
            self._alarm.shutdown(wait=False)
        self.loop.stop()
        self.runs.queue.loop.stop()
        await asyncio.gather(*self._running)
        await self.runs.finish(patience)

    async def _wake(self) -> None:
        self.loop.wake()

    async def catch_up(self) -> None:
        """One pass over every job (see the module docstring)."""
        for job in self.jobs:
            await self.run_due(job)
            await self.runs.forget(job.name, before=self.clock.now() - RUNS_KEPT)

    async def run_due(self, job: Job) -> None:
        now = self.clock.now()
        latest = job.schedule.latest(now)
        since = await self.runs.latest_slot(job.name)
        if since is not None and latest <= since:
            return
        if now - latest <= job.grace:
            await self.runs.start(job, latest)
        elif since is not None:  # a job with no runs yet missed nothing: it was not there
            await self.runs.skip(job, latest, _too_late(now - latest, job))
        if since is None:
            return
        for slot in missed_slots(job.schedule, latest, since):
            late = now - slot
            await self.runs.skip(job, slot, f"the {_time(latest)} slot ran instead" if late <= job.grace
                                 else _too_late(late, job))  # fmt: skip

    def next_run(self, job: Job) -> datetime:
        return job.schedule.next(self.clock.now())

    async def trigger(self, job: Job, at: datetime) -> tuple[JobRun, bool]:
        """Run the job for the slot `at` now, once however often HQ asks: (the slot's run, whether this call started it).

        A slot that never completed (skipped, or dead after its last attempt) runs; one that
        is running or done is left as it is.
        """
        started = await self.runs.start(job, at, trigger=HQ)
        if started is not None:
            return started, True
        existing = await self.runs.get(job.name, at)
        assert existing is not None  # the insert met its unique key
        revived = await self.runs.revive(existing)
        if revived:
            await existing.refresh_from_db()
        return existing, revived


def missed_slots(schedule: Schedule, latest: datetime, since: datetime) -> list[datetime]:
    """The slots after `since` and before `latest`, newest first, at most MISSED_SLOTS_RECORDED of them."""
    slots: list[datetime] = []
    slot = latest
    while len(slots) < MISSED_SLOTS_RECORDED:
        slot = schedule.latest(slot - timedelta(seconds=1))
        if slot <= since:
            break
        slots.append(slot)
    return slots


class ScheduleTrigger(BaseTrigger):
    """apscheduler's wake-up times from our own Schedule, so one definition says when a job's slots fall."""

    def __init__(self, schedule: Schedule) -> None:
        self.schedule = schedule

    def get_next_fire_time(self, previous_fire_time: datetime | None, now: datetime) -> datetime:
        return self.schedule.next(previous_fire_time or now)

    def __str__(self) -> str:
        return str(self.schedule)


def _too_late(late: timedelta, job: Job) -> str:
    return f"missed by {_duration(late)}, more than its grace of {_duration(job.grace)}"


def _duration(span: timedelta) -> str:
    minutes = int(span.total_seconds()) // 60
    if minutes < 1:
        return f"{int(span.total_seconds())} s"
    return f"{minutes // 60} h {minutes % 60} min" if minutes >= 60 else f"{minutes} min"


def _time(at: datetime) -> str:
    return f"{at.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}"
