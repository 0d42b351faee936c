"""Progress from real events, counted once, with the coins it is worth.

Every count is a ProgressEvent with a source key unique per assignment (`fan:<id>`,
`sale:<id>`, `share`, `visit:<id>`, a done button's key). It is written under a lock on the
assignment row, in the same transaction as the progress, the coins (the ledger entry's
source is the event) and the coins-paid total. A retried or concurrent event therefore
counts once, and a guide is paid exactly what the progress is worth.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from tortoise.transactions import in_transaction

from rewards.badges import BadgeService
from rewards.ledger import CoinLedger
from rewards.ports import GuideNotifier
from tasks.kinds import Counted, kind_of, metric_of, metrics_counted_by
from tasks.models import ProgressEvent, Task, TaskAssignment, TaskStatus
from tasks.rules import business_day, entitlement, in_window


@dataclass(frozen=True)
class Progressed:
    assignment: TaskAssignment
    task: Task
    counted: bool
    completed_now: bool


def utcnow() -> datetime:
    return datetime.now(UTC)


class ProgressCounter:
    """Counts each real event once into the guide's open tasks and pays what the progress is worth.

    It exists so that every way progress moves (a new fan, a lost one, a sale, a visit, a
    tap on the card) goes through one locked, idempotent write that also pays the coins,
    congratulates the guide at target and hands the badges their cue. Which event counts
    for which task is the metric's, in the kinds registry; nothing here names a kind.
    """

    def __init__(
        self,
        ledger: CoinLedger,
        badges: BadgeService,
        notifier: GuideNotifier,
        *,
        timezone: ZoneInfo,
        fan_retention: timedelta,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._ledger = ledger
        self._badges = badges
        self._notifier = notifier
        self._tz = timezone
        self._fan_retention = fan_retention
        self._clock = clock

    # --- what a guide sees ------------------------------------------------------------------

    async def open_assignments(self, guide_userid: str) -> list[TaskAssignment]:
        """The guide's published tasks whose window includes today."""
        today = business_day(self._clock(), self._tz)
        return (
            await TaskAssignment.filter(
                guide_userid=guide_userid,
                task__status=TaskStatus.PUBLISHED,
                task__start_date__lte=today,
                task__end_date__gte=today,
            )
            .select_related("task")
            .order_by("task_id")
        )

    async def assignment(self, guide_userid: str, task_id: int) -> TaskAssignment | None:
        return await TaskAssignment.get_or_none(task_id=task_id, guide_userid=guide_userid).select_related("task")

    def is_open(self, task: Task) -> bool:
        return task.status is TaskStatus.PUBLISHED and in_window(task, business_day(self._clock(), self._tz))

    # --- events -----------------------------------------------------------------------------

    async def confirm_done(self, guide_userid: str, task_id: int) -> Progressed | None:
        """The guide taps the card's done button (已转发, 已参加): counts once where the metric says so.

        None when the task is not the guide's, is closed, or its card has no done button.
        """
        assignment = await self.assignment(guide_userid, task_id)
        if assignment is None or not self.is_open(assignment.task):
            return None
        button = kind_of(assignment.task).done_button
        if button is None:
            return None
        if button.marks_shared and assignment.shared_at is None:
            await TaskAssignment.filter(id=assignment.id, shared_at__isnull=True).update(shared_at=self._clock())
        if metric_of(assignment.task).counted_by is not Counted.DONE_BUTTON:
            return Progressed(await self.assignment(guide_userid, task_id), assignment.task, False, False)
        return await self.count(assignment, 1, button.source_key, self._clock(), button.reason)

    async def count_new_fan(self, guide_userid: str, fan_id: int, added_at: datetime) -> None:
        for assignment in await self.open_at(guide_userid, Counted.FAN, added_at):
            await self.count(assignment, 1, f"fan:{fan_id}", added_at, "新增粉丝")

    async def uncount_lost_fan(self, guide_userid: str, fan_id: int, added_at: datetime, lost_at: datetime) -> None:
        """删粉 within the retention window takes the fan's progress, and any coins it earned, back."""
        if lost_at - added_at > self._fan_retention:
            return
        counted = await ProgressEvent.filter(
            source_key=f"fan:{fan_id}", assignment__guide_userid=guide_userid
        ).select_related("assignment__task")
        for event in counted:
            await self.count(event.assignment, -1, f"fan-lost:{fan_id}", lost_at, "删粉：进度与奖励收回")

    # --- the one write ----------------------------------------------------------------------

    async def count(
        self, assignment: TaskAssignment, units: int, source_key: str, at: datetime, reason: str
    ) -> Progressed:
        """Add `units` under `source_key` once, pay the difference in coins, congratulate at target."""
        task = assignment.task
        async with in_transaction():
            locked = await TaskAssignment.filter(id=assignment.id).select_for_update().get()
            if await ProgressEvent.exists(assignment_id=locked.id, source_key=source_key):
                return Progressed(locked, task, counted=False, completed_now=False)
            event = await ProgressEvent.create(
                assignment_id=locked.id,
                source_key=source_key,
                units=units,
                business_day=business_day(at, self._tz),
                created_at=self._clock(),
            )
            locked.progress += units
            owed = entitlement(task, locked.progress) - locked.coins_paid
            if owed:
                entry = await self._ledger.post(
                    locked.guide_userid,
                    owed,
                    f"任务「{task.title}」{reason}",
                    source_type="task",
                    source_id=f"{task.id}:{event.id}",
                    allow_partial=owed < 0,
                )
                locked.coins_paid += entry.amount
            completed_now = locked.progress >= task.target and locked.completed_at is None
            if completed_now:
                locked.completed_at = self._clock()
            await locked.save(update_fields=["progress", "coins_paid", "completed_at"])
        if completed_now:
            await self._notifier.notify(
                locked.guide_userid,
                f"🎉 任务「{task.title}」完成！获得 {locked.coins_paid} 金币",
                key=f"task-done:{task.id}:{locked.guide_userid}",
            )
            await self._badges.after_task_done(locked.guide_userid)
        if units > 0:
            days = (
                await ProgressEvent.filter(assignment__guide_userid=locked.guide_userid, units__gt=0)
                .distinct()
                .values_list("business_day", flat=True)
            )
            await self._badges.after_progress(locked.guide_userid, set(days), business_day(at, self._tz))
        return Progressed(locked, task, counted=True, completed_now=completed_now)

    async def open_at(self, guide_userid: str, event: Counted, at: datetime) -> list[TaskAssignment]:
        """The guide's assignments that `event` counts for, open on the business day of `at`."""
        day = business_day(at, self._tz)
        return await TaskAssignment.filter(
            guide_userid=guide_userid,
            task__metric__in=metrics_counted_by(event),
            task__status=TaskStatus.PUBLISHED,
            task__start_date__lte=day,
            task__end_date__gte=day,
        ).select_related("task")

    async def tasks_counting(self, source_key: str) -> list[int]:
        """The tasks an event (by its source key) was counted in."""
        return sorted(await ProgressEvent.filter(source_key=source_key).values_list("assignment__task_id", flat=True))
