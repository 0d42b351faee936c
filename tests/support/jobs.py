"""The app's scheduled jobs held still, so that the run a test starts is the only one."""

import asyncio

from kernel.jobs.views import SCHEDULER
from kernel.models import JobRun


async def after_start_up_runs(client) -> None:
    """Wait for the runs the app's start-up began (every job whose current slot is within its grace), then stop its passes.

    A job new to the service whose latest slot is past its grace (the daily reports outside the
    morning) starts no run at all.
    """
    scheduler = client.app[SCHEDULER]
    now = scheduler.clock.now()
    due = sum(now - job.schedule.latest(now) <= job.grace for job in scheduler.jobs)
    for _ in range(100):
        if await JobRun.filter(status="done").count() == due:
            break
        await asyncio.sleep(0.05)
    else:
        raise AssertionError("the jobs did not run at start-up")
    scheduler.loop.stop()
