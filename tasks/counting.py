"""Progress from real events, counted once, with the coins it is worth.

Every count is a ProgressEvent with a source key unique per assignment (`fan:<id>`,
`sale:<id>`, `share`, `visit:<id>`, a done button's key). It is written under a lock on the
assignment row, in the same transaction as the progress, the coins (the ledger entry's
source is the event) and the coins-paid total. A retried or concurrent event therefore
counts once, and a guide is paid exactly what the progress is worth.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from kernel.clock import Clock
from kernel.event_bus import EventBus
from rewards.ledger import CoinLedger
from tasks.events import PostShared, ProgressCounted, TaskCompleted
from tasks.kinds import Counted, kind_of, metric_of, metrics_counted_by
from tasks.models import ProgressEvent, Task, TaskAssignment, TaskStatus
from tasks.rules import entitlement, in_window


@dataclass(frozen=True)
class Progressed:
    assignment: TaskAssignment
    task: Task
    counted: bool
    completed_now: bool


class ProgressCounter:
    """Counts each real event once into the guide's open tasks and pays what the progress is worth.

    It exists so that every way progress moves (a new fan, a lost one, a sale, a visit, a
    tap on the card) goes through one locked, idempotent write that also pays the coins and
    records ProgressCounted / TaskCompleted with the change (congratulations and badges
    subscribe to those). Which event counts for which task is the metric's, in the kinds
    registry; nothing here names a kind.
    """

    def __init__(self, ledger: CoinLedger, bus: EventBus, clock: Clock, *, fan_retention: timedelta) -> None:
        self._ledger = ledger
        self._bus = bus
        self._clock = clock
        self._fan_retention = fan_retention

    # --- what a guide sees ------------------------------------------------------------------

    async def open_assignments(self, guide_userid: str) -> list[TaskAssignment]:
        """The guide's published tasks whose window includes today."""
        today = self._clock.today()
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
        return task.status is TaskStatus.PUBLISHED and in_window(task, self._clock.today())

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
            await self._mark_shared(assignment)
        if metric_of(assignment.task).counted_by is not Counted.DONE_BUTTON:
            return Progressed(await self.assignment(guide_userid, task_id), assignment.task, False, False)
        return await self.count(assignment, 1, button.source_key, self._clock.now(), button.reason)

    async def _mark_shared(self, assignment: TaskAssignment) -> None:
        shared_at = self._clock.now()
        async with self._bus.transaction():
            if await TaskAssignment.filter(id=assignment.id, shared_at__isnull=True).update(shared_at=shared_at):
                await self._bus.record(
                    PostShared(
                        guide_userid=assignment.guide_userid,
                        task_id=assignment.task_id,
                        assignment_id=assignment.id,
                        shared_at=shared_at,
                    )
                )

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
        """Add `units` under `source_key` once and pay the difference in coins, recording what happened."""
        task = assignment.task
        async with self._bus.transaction():
            locked = await TaskAssignment.filter(id=assignment.id).select_for_update().get()
            if await ProgressEvent.exists(assignment_id=locked.id, source_key=source_key):
                return Progressed(locked, task, counted=False, completed_now=False)
            event = await ProgressEvent.create(
                assignment_id=locked.id,
                source_key=source_key,
                units=units,
                business_day=self._clock.business_day(at),
                created_at=self._clock.now(),
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
                locked.completed_at = self._clock.now()
            await locked.save(update_fields=["progress", "coins_paid", "completed_at"])
            await self._bus.record(
                ProgressCounted(
                    guide_userid=locked.guide_userid,
                    task_id=task.id,
                    source_key=source_key,
                    units=units,
                    progress=locked.progress,
                    business_day=event.business_day,
                )  # fmt: skip
            )
            if completed_now:
                await self._bus.record(
                    TaskCompleted(
                        guide_userid=locked.guide_userid,
                        task_id=task.id,
                        title=task.title,
                        coins_paid=locked.coins_paid,
                        completed_at=locked.completed_at,
                    )
                )
        return Progressed(locked, task, counted=True, completed_now=completed_now)

    async def open_at(self, guide_userid: str, event: Counted, at: datetime) -> list[TaskAssignment]:
        """The guide's assignments that `event` counts for, open on the business day of `at`."""
        day = self._clock.business_day(at)
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

    async def progress_days(self, guide_userid: str) -> set[date]:
        """The business days on which the guide moved any task forward (for the streak badge)."""
        days = (
            await ProgressEvent.filter(assignment__guide_userid=guide_userid, units__gt=0)
            .distinct()
            .values_list("business_day", flat=True)
        )
        return set(days)
