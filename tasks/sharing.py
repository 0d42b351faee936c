"""Tracked share links: /s/{code} per guide and task, and the unique visitors they bring."""

from __future__ import annotations

import secrets

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

from kernel.clock import Clock
from tasks.counting import ProgressCounter
from tasks.kinds import Counted, kind_of, metric_of
from tasks.models import ShareLink, ShareVisit, Task, TaskAssignment


class ShareLinks:
    """Gives each guide a tracked link to a task's material and counts who opens it.

    It exists because a shared post is only worth something when customers open it: the
    link tells the guide's visitors apart (one per visitor and day), keeps the tally HQ
    sees, and counts them as progress where the task's metric is visitors. It also writes
    the card's 去完成 answer, which for material to share must carry the guide's link.
    """

    def __init__(self, counter: ProgressCounter, clock: Clock, *, public_url: str) -> None:
        self._counter = counter
        self._clock = clock
        self._public_url = public_url.rstrip("/")

    async def code(self, guide_userid: str, task_id: int) -> str:
        link = await ShareLink.get_or_none(task_id=task_id, guide_userid=guide_userid)
        if link is None:
            try:
                link = await ShareLink.create(task_id=task_id, guide_userid=guide_userid, code=secrets.token_urlsafe(8))
            except IntegrityError:
                link = await ShareLink.get(task_id=task_id, guide_userid=guide_userid)
        return link.code

    async def how_to(self, task: Task, guide_userid: str) -> str:
        """The 去完成 answer: the kind's how-to, with the guide's tracked link where it shares material."""
        spec = kind_of(task)
        link = f"{self._public_url}/s/{await self.code(guide_userid, task.id)}" if spec.shares_material else ""
        return spec.how_to(task, link)

    async def record_visit(self, code: str, visitor: str) -> str | None:
        """A visit to a tracked link: the material's URL to redirect to, or None for an unknown code."""
        link = await ShareLink.get_or_none(code=code).select_related("task")
        if link is None:
            return None
        at = self._clock.now()
        try:
            visit = await ShareVisit.create(link=link, day=self._clock.business_day(at), visitor=visitor[:64])
        except IntegrityError:
            return link.task.material_link
        assignment = await self._counter.assignment(link.guide_userid, link.task_id)
        if assignment is not None:
            await TaskAssignment.filter(id=assignment.id).update(visitors=F("visitors") + 1)
            if metric_of(link.task).counted_by is Counted.VISIT and self._counter.is_open(link.task):
                await self._counter.count(assignment, 1, f"visit:{visit.id}", at, "分享链接访客")
        return link.task.material_link
