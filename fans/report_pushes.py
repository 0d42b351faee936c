"""The scheduled fan reports: each store manager gets their store's line, each branch lead the branch and its laggards."""

from __future__ import annotations

from collections import defaultdict

from fans.ports import ReportNotifier
from fans.report_text import branch_text, store_text
from fans.reports import FanReports, Span, by_branch
from fans.schemas import ReportPeriod
from kernel.clock import Clock
from kernel.jobs import Slot
from org.models import Guide, OrgRole, Role


class FanReportPushes:
    def __init__(self, reports: FanReports, notifier: ReportNotifier, clock: Clock) -> None:
        self._reports = reports
        self._notifier = notifier
        self._clock = clock

    async def push(self, period: ReportPeriod, slot: Slot) -> str:
        """Report the last period complete at the slot's time: one message per person, keyed by the slot.

        Someone who manages a store and leads a branch gets both in one message; a run of
        the same slot again sends nothing twice (the outbox keeps one message per key). A
        manager or lead who has left gets nothing, though a roster without roles keeps their role.
        """
        span = Span.last_complete(period, self._clock.business_day(slot.at))
        figures = await self._reports.figures(span)
        stores = {line.code: line for line in figures.stores}
        branches = {line.code: line for line in figures.branches}
        branch_stores = by_branch(figures.stores)
        texts: dict[str, list[str]] = defaultdict(list)
        roles = (
            await OrgRole.filter(userid__not_in=Guide.left_userids())
            .order_by("userid", "-role", "id")
            .values_list("userid", "role", "store__code", "branch__code")
        )
        for userid, role, store, branch in roles:
            if role == Role.STORE_MANAGER:
                line = stores[store]
                texts[userid].append(store_text(span, line, len(branch_stores[line.branch or ""])))
            elif branch in branches:
                texts[userid].append(
                    branch_text(span, branches[branch], branch_stores[branch], self._reports.warn_share)
                )
        for userid, parts in texts.items():
            await self._notifier.notify(userid, "\n\n".join(parts), key=f"{slot.key}:{userid}")
        return f"{period} report for {span.first_day}..{span.last_day} queued for {len(texts)} managers and leads"
