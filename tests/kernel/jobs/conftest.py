"""A scheduler over the real database and Redis, with jobs of the test's own, on a clock the test moves."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from kernel.clock import BUSINESS_TIMEZONE as SHANGHAI
from kernel.jobs import Job, Slot
from kernel.jobs.runs import JobRuns
from kernel.jobs.scheduler import Scheduler
from kernel.jobs.schedules import parse_schedule
from tests.support.clock import FakeClock

GUIDES = ["zhangsan", "lisi", "wangwu", "zhaoliu", "sunqi", "zhouba"]


def shanghai(*parts: int) -> datetime:
    """A wall-clock time in Shanghai, as the UTC instant the clock and the database hold."""
    return datetime(*parts, tzinfo=SHANGHAI).astimezone(UTC)


class Digest:
    """A job that pushes to every guide, keyed per guide and slot as an outbox row would be.

    `runs` counts how often the job itself ran for each slot; `pushed` how often each keyed
    push went out (an outbox's unique key: the second enqueue of a key sends nothing).
    `hold` makes a run wait after its first `hold_after` pushes until `release` is set.
    """

    def __init__(self) -> None:
        self.runs: Counter[str] = Counter()
        self.pushed: Counter[str] = Counter()
        self.hold_after: int | None = None
        self.release = asyncio.Event()
        self.holding = asyncio.Event()
        self.failure: Exception | None = None

    async def __call__(self, slot: Slot) -> str:
        self.runs[slot.key] += 1
        if self.failure is not None:
            raise self.failure
        pushed = 0
        for n, guide in enumerate(GUIDES):
            if n == self.hold_after and not self.release.is_set():
                self.holding.set()
                await self.release.wait()
            key = f"digest:{slot.key}:{guide}"
            if key not in self.pushed:
                self.pushed[key] += 1
                pushed += 1
        return f"pushed {pushed} digests"

    def job(self, schedule: str = "09:30", grace: timedelta = timedelta(minutes=30)) -> Job:
        return Job("digest", parse_schedule(schedule, SHANGHAI), grace, self, description="morning digest")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(shanghai(2026, 5, 4, 9, 0), timezone=SHANGHAI)  # a Monday


@pytest.fixture
def digest() -> Digest:
    return Digest()


@pytest.fixture
def scheduler_of(db, redis, clock):
    """A Scheduler as one process of the service has it; call twice for two processes on one database and Redis."""

    def scheduler(*jobs: Job, **options) -> Scheduler:
        return Scheduler(JobRuns(jobs, redis, clock, **options), clock)

    return scheduler
