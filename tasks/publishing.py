"""HQ's side of a task's life: drafts, publishing to an audience, cancelling."""

from __future__ import annotations

from tortoise.transactions import in_transaction

from kernel.clock import Clock
from org.models import Guide
from org.service import OrgService, UnknownCodes
from tasks.errors import InvalidTask, TaskNotFound, TaskStateConflict
from tasks.models import Task, TaskAssignment, TaskStatus
from tasks.ports import TaskCardSender
from tasks.schemas import TaskIn

AUDIENCE_KEYS = ("regions", "branches", "stores", "teams", "guides")


class TaskPublisher:
    """Takes a task from draft to published (or cancelled) and tells the guides it concerns.

    It exists because publishing is the one moment a task fans out: the audience is
    resolved to guides, each gets an assignment and a card, exactly once however often HQ
    presses publish; cancelling tells the same guides once. Drafts are checked against the
    organisation so that a task never names a store that does not exist.
    """

    def __init__(self, org: OrgService, cards: TaskCardSender, clock: Clock) -> None:
        self._org = org
        self._cards = cards
        self._clock = clock

    async def problems(self, values: dict) -> list[tuple[str, str]]:
        """Audience codes that do not exist, or an audience without guides."""
        audience = values.get("audience")
        if audience is None:
            return []
        try:
            guides = await audience_guides(self._org, audience.model_dump())
        except UnknownCodes as exc:
            return [(f"audience.{kind}", f"unknown {code!r}") for kind, code in exc.unknown]
        return [] if guides else [("audience", "has no guides")]

    async def create_draft(self, data: TaskIn) -> Task:
        await self._check_audience(data)
        return await Task.create(**_task_fields(data), created_at=self._clock.now())

    async def edit_draft(self, task_id: int, data: TaskIn) -> Task:
        task = await self.task(task_id)
        await self._check_audience(data)
        changed = await Task.filter(id=task.id, status=TaskStatus.DRAFT).update(**_task_fields(data))
        if not changed:
            raise TaskStateConflict(f"task {task_id} is {task.status}: only drafts can be edited", ["status"])
        return await self.task(task_id)

    async def publish(self, task_id: int) -> Task:
        """Assign the audience and push the cards, once: publishing again changes nothing."""
        task = await self.task(task_id)
        if task.status is TaskStatus.CANCELLED:
            raise TaskStateConflict(f"task {task_id} is cancelled", ["status"])
        audience = await audience_guides(self._org, task.audience)
        async with in_transaction():
            published = await Task.filter(id=task.id, status=TaskStatus.DRAFT).update(
                status=TaskStatus.PUBLISHED, published_at=self._clock.now()
            )
            if published:
                await TaskAssignment.bulk_create(
                    [TaskAssignment(task_id=task.id, guide_userid=userid) for userid in sorted(audience)],
                    batch_size=1000,
                )
                task = await self.task(task_id)
                await self._cards.send_task_cards(task, sorted(audience))
        return await self.task(task_id)

    async def cancel(self, task_id: int) -> Task:
        """Stop the task; each guide it was assigned to who is still on the roster is told once (a draft had none)."""
        task = await self.task(task_id)
        async with in_transaction():
            cancelled = await Task.filter(id=task.id, status__in=[TaskStatus.DRAFT, TaskStatus.PUBLISHED]).update(
                status=TaskStatus.CANCELLED, cancelled_at=self._clock.now()
            )
            guides = (
                await TaskAssignment.filter(task_id=task.id, guide_userid__not_in=Guide.left_userids())
                .order_by("guide_userid")
                .values_list("guide_userid", flat=True)
            )
            if cancelled and guides:
                await self._cards.send_cancellation(await self.task(task_id), list(guides))
        return await self.task(task_id)

    async def task(self, task_id: int) -> Task:
        task = await Task.get_or_none(id=task_id)
        if task is None:
            raise TaskNotFound(task_id)
        return task

    async def _check_audience(self, data: TaskIn) -> None:
        problems = await self.problems(dict(data))
        if problems:
            raise InvalidTask(problems)


async def audience_guides(org: OrgService, audience: dict) -> set[str]:
    """The UserIDs an audience (as stored on a task) reaches now: whom publishing assigns. UnknownCodes for a bad code."""
    codes = {key: list(audience.get(key, [])) for key in AUDIENCE_KEYS}
    return await org.resolve_guides(everyone=bool(audience.get("all", False)), **codes)


def _task_fields(data: TaskIn) -> dict:
    material = data.material
    return {
        "kind": str(data.kind),
        "metric": str(data.metric),
        "title": data.title,
        "description": data.description,
        "material_text": material.text if material else "",
        "material_link": str(material.link) if material else "",
        "material_image": str(material.image) if material and material.image else "",
        "audience": data.audience.model_dump(),
        "start_date": data.start_date,
        "end_date": data.end_date,
        "target": data.target_units,
        "reward_coins": data.reward_coins,
        "bonus_per_unit": data.bonus_per_unit,
        "bonus_cap": data.bonus_cap,
        "count_self_reported": data.count_self_reported,
        "reminder_hours": data.reminder_hours,
    }
