"""What HQ reads about its tasks: completion, each guide's progress, rollups per store or branch."""

from __future__ import annotations

from collections import defaultdict

from tortoise.expressions import Q, Subquery

from org.models import Guide
from org.scope import StoreCodes, of_guides_in
from org.service import OrgService, UnknownCodes
from tasks.errors import Invalid, TaskNotFound
from tasks.models import Task, TaskAssignment, TaskStatus
from tasks.publishing import audience_guides
from tasks.rules import completion_rate, display_units, reminder_hours
from tasks.schemas import GuideProgressOut, RollupOut, TaskOut


class TaskReports:
    """Reads tasks and assignments into the figures HQ follows; it never changes anything.

    It exists to keep the read side apart from the writes: the figures join assignments
    with the organisation (names, stores, branches) and show stored units as HQ thinks of
    them (yuan, not fen), which is reporting, not counting. Its answers are the API's read
    models, so a view only serialises them. `store_codes` keeps a branch lead's or store
    manager's figures to their guides (None: every guide).
    """

    def __init__(self, org: OrgService) -> None:
        self._org = org

    async def summaries(self, store_codes: StoreCodes = None) -> list[TaskOut]:
        """Every task; with a scope, the tasks that reach its guides (a draft: those its audience would reach)."""
        tasks = Task.all().order_by("-id")
        if store_codes is not None:
            reached = TaskAssignment.filter(of_guides_in(store_codes)).values("task_id")
            drafts = [
                t.id for t in await Task.filter(status=TaskStatus.DRAFT) if await self._would_reach(t, store_codes)
            ]
            tasks = tasks.filter(Q(id__in=Subquery(reached)) | Q(id__in=drafts))
        return [await self.summary(task, store_codes) for task in await tasks]

    async def reaches(self, task: Task, store_codes: StoreCodes) -> bool:
        """Whether the task concerns a guide in these stores: one of its assignments, or for a draft, its audience."""
        if store_codes is None:
            return True
        if task.status is TaskStatus.DRAFT:
            return await self._would_reach(task, store_codes)
        return await TaskAssignment.filter(of_guides_in(store_codes), task_id=task.id).exists()

    async def _would_reach(self, draft: Task, store_codes: StoreCodes) -> bool:
        try:
            audience = await audience_guides(self._org, draft.audience)
        except UnknownCodes:  # the organisation changed under the draft: it reaches nobody until edited
            return False
        in_scope = await Guide.filter(store__code__in=list(store_codes or ())).values_list("userid", flat=True)
        return not audience.isdisjoint(in_scope)

    async def summary(self, task: Task, store_codes: StoreCodes = None) -> TaskOut:
        assignments = TaskAssignment.filter(of_guides_in(store_codes), task_id=task.id)
        assigned = await assignments.count()
        completed = await assignments.filter(progress__gte=task.target).count()
        return TaskOut(
            id=task.id,
            kind=task.kind,
            metric=task.metric,
            title=task.title,
            status=task.status,
            start_date=task.start_date,
            end_date=task.end_date,
            target=display_units(task.metric, task.target),
            reward_coins=task.reward_coins,
            reminder_hours=list(reminder_hours(task)),
            assigned=assigned,
            completed=completed,
            completion_rate=completion_rate(completed, assigned),
        )

    async def guide_progress(self, task_id: int, store_codes: StoreCodes = None) -> list[GuideProgressOut]:
        task = await Task.get_or_none(id=task_id)
        if task is None:
            raise TaskNotFound(task_id)
        assignments = await TaskAssignment.filter(of_guides_in(store_codes), task_id=task.id).order_by("guide_userid")
        guides = await self._org.guides_by_userid([a.guide_userid for a in assignments])
        rows = []
        for a in assignments:
            guide = guides.get(a.guide_userid)
            rows.append(
                GuideProgressOut(
                    guide=a.guide_userid,
                    name=guide.name if guide else "",
                    store=guide.store.code if guide else "",
                    branch=guide.store.branch.code if guide else "",
                    progress=display_units(task.metric, a.progress),
                    target=display_units(task.metric, task.target),
                    done=a.progress >= task.target,
                    coins=a.coins_paid,
                    shared=a.shared_at is not None,
                    visitors=a.visitors,
                )
            )
        return rows

    async def rollup(self, task_id: int, by: str, store_codes: StoreCodes = None) -> list[RollupOut]:
        """Completion per store or per branch (a scoped branch line counts only the scope's guides)."""
        if by not in ("store", "branch"):
            raise Invalid([("by", "must be store or branch")])
        counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for row in await self.guide_progress(task_id, store_codes):
            code = getattr(row, by)
            counts[code][0] += 1
            counts[code][1] += row.done
        names = await self._org.unit_names(by, list(counts))
        return [
            RollupOut(
                code=code,
                name=names.get(code, ""),
                assigned=n,
                completed=done,
                completion_rate=completion_rate(done, n),
            )
            for code, (n, done) in sorted(counts.items())
        ]
