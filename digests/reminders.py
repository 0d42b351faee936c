"""Task reminders: before a task ends (24 h and 2 h, or the task's own hours), to each guide who has not completed it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from digests.ports import Notice, NoticeSender
from digests.wording import reminder_text
from kernel.clock import Clock
from org.models import Guide
from tasks.models import Task, TaskAssignment, TaskStatus
from tasks.rules import ends_at, reminder_hours

GRACE = timedelta(minutes=30)  # the job's grace too: with runs every 15 min, each moment falls in two runs' windows


@dataclass(frozen=True)
class Reminder:
    task: Task
    hours: int  # before the task ends


class TaskReminders:
    """Sends each reminder once per (task, hours, guide) on the roster, however often or late the job runs.

    A run for a slot sends the reminders whose moment falls in the `grace` before the slot,
    so consecutive slots of a job that runs more often than its grace overlap and a moment
    between two runs is never missed; the key `task-reminder:{task}:{hours}h:{guide}`
    makes the overlap send nothing twice. A reminder whose moment is past by more than the
    grace when the run happens is not sent late: a "2 小时截止" read an hour before the
    end, or after it, would mislead. Nor is one sent whose moment came before the task was
    published or began (a task shorter than the reminder): the guide has just had its card.
    """

    def __init__(self, notices: NoticeSender, clock: Clock, *, grace: timedelta = GRACE) -> None:
        self._notices = notices
        self._clock = clock
        self._grace = grace

    async def due(self, slot_at: datetime) -> list[Reminder]:
        now = self._clock.now()
        earliest = max(slot_at, now) - self._grace
        tasks = await Task.filter(
            status=TaskStatus.PUBLISHED, end_date__gte=self._clock.business_day(earliest)
        ).order_by("id")
        due = []
        for task in tasks:
            end = ends_at(task, self._clock.timezone)
            began = max(task.published_at, datetime.combine(task.start_date, time(), tzinfo=self._clock.timezone))
            for hours in reminder_hours(task):
                at = end - timedelta(hours=hours)
                if earliest < at <= slot_at and at >= began:
                    due.append(Reminder(task, hours))
        return due

    async def send(self, slot_at: datetime) -> int:
        """Queue the reminders due at `slot_at`; returns how many guides were reminded (each task and hour counted)."""
        sent = 0
        for reminder in await self.due(slot_at):
            task = reminder.task
            behind = (
                await TaskAssignment.filter(
                    task_id=task.id,
                    completed_at__isnull=True,
                    progress__lt=task.target,
                    guide_userid__not_in=Guide.left_userids(),
                )
                .order_by("guide_userid")
                .values_list("guide_userid", "progress")
            )
            notices = [
                Notice(userid, reminder_text(task, reminder.hours, progress),
                       f"task-reminder:{task.id}:{reminder.hours}h:{userid}")
                for userid, progress in behind
            ]  # fmt: skip
            await self._notices.notify_many(notices)
            sent += len(notices)
        return sent
