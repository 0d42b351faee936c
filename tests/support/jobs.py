"""The app's scheduled jobs held still, so that the run a test starts is the only one."""

import asyncio

from kernel.jobs.views import SCHEDULER
from kernel.models import JobRun


async def after_start_up_runs(client) -> None:
    """Wait for the runs the app's start-up began (every job's current slot) to finish, then stop its passes."""
    scheduler = client.app[SCHEDULER]
    for _ in range(100):
        if await JobRun.filter(status="done").count() == len(scheduler.jobs):
            break
        await asyncio.sleep(0.05)
    else:
        raise AssertionError("the jobs did not run at start-up")
    scheduler.loop.stop()
