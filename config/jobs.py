"""The service's scheduled jobs, each declared once here; their times are settings (kernel.jobs runs each slot once).

Adding a job is one decorated function below (its name, its title and purpose in Chinese
for HQ's console, the setting that times it, its grace) and that setting in
config/settings.py (a `JobSchedule`). The function gets the
services and its `Slot`, returns one line saying what it did, and keys whatever it sends
with `slot.key`, so that a run taken back after a crash sends nothing twice.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from config.services import Services
from config.settings import Settings
from digests.reminders import GRACE as REMINDER_GRACE
from fans.schemas import ReportPeriod
from kernel.jobs import Job, Slot
from kernel.jobs.runs import JobRuns
from kernel.jobs.scheduler import Scheduler
from kernel.jobs.schedules import parse_schedule


@dataclass(frozen=True)
class ServiceJob:
    name: str
    title: str
    purpose: str
    schedule: Callable[[Settings], str]
    grace: timedelta
    run: Callable[[Services, Slot], Awaitable[str]]

    def bound_to(self, services: Services) -> Job:
        return Job(
            self.name,
            parse_schedule(self.schedule(services.settings), services.clock.timezone),
            self.grace,
            functools.partial(self.run, services),
            description=inspect.getdoc(self.run).splitlines()[0],
            title=self.title,
            purpose=self.purpose,
        )


SERVICE_JOBS: list[ServiceJob] = []


def job(name: str, *, title: str, purpose: str, schedule: Callable[[Settings], str], grace: timedelta):
    """Declare a job; the function's docstring (first line) describes it in the HQ API, `title` and `purpose` in
    the console."""

    def declare(run: Callable[[Services, Slot], Awaitable[str]]) -> Callable[[Services, Slot], Awaitable[str]]:
        SERVICE_JOBS.append(ServiceJob(name, title, purpose, schedule, grace, run))
        return run

    return declare


def job_names() -> list[str]:
    return [declared.name for declared in SERVICE_JOBS]


def build_scheduler(services: Services) -> Scheduler:
    jobs = [declared.bound_to(services) for declared in SERVICE_JOBS]
    return Scheduler(JobRuns(jobs, services.redis, services.clock), services.clock)


@job(
    "recovery",
    title="恢复中断的处理",
    purpose="接回进程中断时未处理完的回调、事件和发送，并重试到期的",
    schedule=lambda settings: settings.recovery_schedule,
    grace=timedelta(minutes=1),
)
async def resume_stale_work(services: Services, slot: Slot) -> str:
    """Take back inbox, event and outbox rows whose process died, and dispatch the retries that are due."""
    inbox = await services.inbox.resume()
    events = await services.bus.queue.resume()
    sent = await services.outbox.send_due() if services.outbox.sending_enabled else 0
    dead_inbox, dead_events = await services.inbox.queue.dead_count(), await services.bus.queue.dead_count()
    dead_outbox = (await services.outbox.count_by_status())["failed"]
    return (
        f"resumed {inbox} callbacks and {events} events, sent {sent} outbox rows; "
        f"dead letters: {dead_inbox} callbacks, {dead_events} events, {dead_outbox} sends"
    )


@job(
    "expire-undeliverable",
    title="过期无法发送的消息",
    purpose="把已经无法发送的消息转为死信：超过 20 秒的欢迎语、超过最长保留时间的其他消息",
    schedule=lambda settings: settings.expire_undeliverable_schedule,
    grace=timedelta(hours=1),
)
async def expire_undeliverable(services: Services, slot: Slot) -> str:
    """Make outbox rows that can no longer be sent dead letters: welcome codes past 20 s, anything past its max age."""
    max_age = timedelta(hours=services.settings.outbox_max_age_hours)
    return f"expired {await services.outbox.expire_undeliverable(max_age=max_age)} outbox rows"


@job(
    "release-pushes",
    title="补发推迟的推送",
    purpose="夜间免打扰、限额或导购免打扰结束后，把推迟的推送合并成一条发给导购",
    schedule=lambda settings: settings.release_pushes_schedule,
    grace=timedelta(minutes=5),
)
async def release_pushes(services: Services, slot: Slot) -> str:
    """Send the pushes the budget held (quiet hours, caps, 免打扰) once they may go, merged into one message per guide."""
    released = await services.pushes.release_due(services.outbox)
    return f"released {released.pushes} held pushes as {released.messages} messages"


@job(
    "morning-digest",
    title="早报",
    purpose="给今天有任务的导购各发一份早报：任务进度、昨日排名、所在PK赛",
    schedule=lambda settings: settings.morning_digest_schedule,
    grace=timedelta(hours=2),
)
async def send_morning_digests(services: Services, slot: Slot) -> str:
    """Send each guide with an open task today one digest: progress, yesterday's rank, their PK."""
    day = services.clock.business_day(slot.at)
    return f"queued {await services.digests.send(day, slot.key)} digests for {day}"


@job(
    "task-reminders",
    title="任务提醒",
    purpose="任务结束前 24 小时和 2 小时（或任务自定的时间）提醒还没完成的导购",
    schedule=lambda settings: settings.task_reminders_schedule,
    grace=REMINDER_GRACE,
)
async def send_task_reminders(services: Services, slot: Slot) -> str:
    """Remind the guides who have not completed a task, 24 h and 2 h (or the task's hours) before it ends."""
    return f"queued {await services.reminders.send(slot.at)} reminders"


@job(
    "evening-results",
    title="晚间PK战况",
    purpose="告诉每位PK选手本队今天到目前的战况（次日 00:05 结算后为准）",
    schedule=lambda settings: settings.evening_results_schedule,
    grace=timedelta(minutes=30),
)
async def send_evening_results(services: Services, slot: Slot) -> str:
    """Tell each PK player their team's standing so far today (provisional until the day is settled at 00:05)."""
    return f"queued {await services.results.send_standings_so_far(slot.at, slot.key)} PK standings"


@job(
    "daily-settlement",
    title="每日结算（PK赛与标杆）",
    purpose="昨天结束后，结算昨天的PK赛日并评选昨天的标杆导购",
    schedule=lambda settings: settings.daily_settlement_schedule,
    grace=timedelta(hours=20),
)
async def settle_yesterday(services: Services, slot: Slot) -> str:
    """Settle yesterday's PK days and choose yesterday's benchmark guides, once the day has ended (see digests.results)."""
    day = services.clock.business_day(slot.at) - timedelta(days=1)
    settled = await services.results.settle(day)
    return f"settled {settled.contests} contests and named {settled.benchmark_picks} benchmark guides for {day}"


@job(
    "fan-report-daily",
    title="拉新日报",
    purpose="把昨天的拉新数据发给各店长和分公司负责人",
    schedule=lambda settings: settings.fan_report_daily_schedule,
    grace=timedelta(hours=6),
)
async def push_daily_fan_report(services: Services, slot: Slot) -> str:
    """Send yesterday's fan figures (拉新日报) to each store manager and branch lead."""
    return await services.fan_report_pushes.push(ReportPeriod.DAY, slot)


@job(
    "fan-report-weekly",
    title="拉新周报",
    purpose="把上周（周一至周日）的拉新数据发给各店长和分公司负责人",
    schedule=lambda settings: settings.fan_report_weekly_schedule,
    grace=timedelta(days=1),
)
async def push_weekly_fan_report(services: Services, slot: Slot) -> str:
    """Send last week's fan figures (拉新周报, Monday to Sunday) to each store manager and branch lead."""
    return await services.fan_report_pushes.push(ReportPeriod.WEEK, slot)


@job(
    "fan-report-monthly",
    title="拉新月报",
    purpose="把上个月的拉新数据发给各店长和分公司负责人",
    schedule=lambda settings: settings.fan_report_monthly_schedule,
    grace=timedelta(days=3),
)
async def push_monthly_fan_report(services: Services, slot: Slot) -> str:
    """Send last month's fan figures (拉新月报) to each store manager and branch lead."""
    return await services.fan_report_pushes.push(ReportPeriod.MONTH, slot)
