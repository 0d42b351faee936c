"""The audit trail: every change through the console or the API, who made it, and the state before and after."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tortoise.expressions import Q

from kernel.clock import Clock, SystemClock
from staff.models import AuditEntry

PAGE_SIZE = 50


@dataclass(frozen=True)
class AuditFilter:
    actor: str = ""
    action: str = ""
    target: str = ""
    before_id: int | None = None  # the page after this entry (newest first)
    # also these actions, whole: the console finds the API's changes by their Chinese titles, not their summaries
    or_actions: tuple[str, ...] = ()


class AuditTrail:
    def __init__(self, clock: Clock | None = None) -> None:
        self.clock = clock or SystemClock()

    async def record(self, actor: str, action: str, target: str, before: Any = None, after: Any = None) -> AuditEntry:
        """Texts longer than their columns are cut: a long query string must not fail a change that was made."""
        return await AuditEntry.create(
            at=self.clock.now(),
            actor=_clipped(actor, "actor"),
            action=_clipped(action, "action"),
            target=_clipped(target, "target"),
            before=before,
            after=after,
        )

    async def entries(self, where: AuditFilter = AuditFilter(), limit: int = PAGE_SIZE) -> list[AuditEntry]:
        query = AuditEntry.all()
        if where.actor:
            query = query.filter(actor__icontains=where.actor)
        if where.action:
            query = query.filter(Q(action__icontains=where.action) | Q(action__in=where.or_actions))
        if where.target:
            query = query.filter(target__icontains=where.target)
        if where.before_id is not None:
            query = query.filter(id__lt=where.before_id)
        return await query.order_by("-id").limit(limit)


def _clipped(text: str, column: str) -> str:
    return text[: AuditEntry._meta.fields_map[column].max_length]
