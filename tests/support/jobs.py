"""The app's scheduled jobs held still, so that the run a test starts is the only one."""

import asyncio
from datetime import UTC, datetime, timedelta

from kernel.jobs.views import SCHEDULER
from kernel.models import JobRun

# Slots 114 years apart from 2000: a job so timed runs only when a test triggers it.
NEVER = "every 999999 h"
# The pushes on a business-day clock stay out of app tests unless asked for, so that what a test
# sees does not depend on the hour it runs at (a reminder, a 00:05 settlement of "yesterday").
SCHEDULED_PUSHES_OFF = {
    f"{name}_schedule": NEVER
    for name in (
        "morning_digest", "task_reminders", "evening_results", "daily_settlement",
        "fan_report_daily", "fan_report_weekly", "fan_report_monthly",
    )
}  # fmt: skip


async def after_start_up_runs(client) -> None:
    """Wait for the runs the app's start-up began (each job's current slot within its grace) to finish, then stop its passes."""
    scheduler = client.app[SCHEDULER]
    now = scheduler.clock.now()
    due = {job.name for job in scheduler.jobs if now - job.schedule.latest(now) <= job.grace}
    # each due job has a finished run (a minute turning over meanwhile may add a second one); a loaded machine is slow
    for _ in range(600):
        if due <= set(await JobRun.filter(status="done").values_list("job", flat=True)):
            break
        await asyncio.sleep(0.05)
    else:
        raise AssertionError(f"the jobs did not run at start-up: {sorted(due)}")
    scheduler.loop.stop()


async def settled(client) -> None:
    """Every run started so far (a run now goes in the background) has finished."""
    await client.app[SCHEDULER].runs.queue.drain()


def a_past_minute_off_the_hour() -> datetime:
    """A minute twenty-odd minutes ago or more, never on the hour (hh:07), so a run started for it is the slot's
    first whatever the time the spec runs at. The app's start-up runs hold each job's current slot, and the hourly
    job's is hh:00, which "half an hour ago" falls on at hh:30."""
    return (datetime.now(UTC) - timedelta(minutes=30)).replace(minute=7, second=0, microsecond=0)
