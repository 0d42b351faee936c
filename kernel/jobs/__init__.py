"""Scheduled jobs: declared in code, each slot (a job and one of its scheduled times) run once across processes.

A job is a name, a schedule (`schedules`), a grace period and an async function that takes
its `Slot` and returns one line saying what it did. Every process runs a `Scheduler`
(`scheduler`): apscheduler wakes it at the job's times, and `JobRuns` (`runs`) makes each
slot run once however many processes wake, through a unique database key per slot, a
claim kept fresh while the run lives, and a Redis lock around the work. A run cut off by
a crash is taken back and run again, so a job's own effects must be idempotent per slot:
key them with `slot.key` (a push to a guide as `f"digest:{slot.key}:{guide}"`), and a run
done again changes nothing twice.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from kernel.jobs.schedules import Schedule


@dataclass(frozen=True)
class Slot:
    """One scheduled time of a job (UTC), the unit that runs once."""

    job: str
    at: datetime

    @property
    def key(self) -> str:
        """Names the slot in the job's own idempotency keys: `digest@2026-05-01T01:30:00Z`."""
        return f"{self.job}@{self.at.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}"


@dataclass(frozen=True)
class Job:
    """What runs when: a slot older than `grace` when the service first sees it is skipped, not run late."""

    name: str
    schedule: Schedule
    grace: timedelta
    run: Callable[[Slot], Awaitable[str]]
    description: str = ""  # what it does, for the HQ API
    # for HQ staff, who read the jobs in the console in Chinese: its name (早报) and what it does
    title: str = ""
    purpose: str = ""
