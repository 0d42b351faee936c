"""Fan-acquisition (拉新) figures per store and branch, for a business day, an ISO week or a month.

The database counts (GROUP BY guide over the period's span, on the indexed add and loss
times), so a month of millions of fans reads at most one row per guide; the guides' rows
are then summed per store.

Target rule: the store's daily target per guide (FAN_TARGET_PER_GUIDE_DAILY, or the store's
own `fan_target_per_guide_daily` from the org import) × its guides on the roster today × the
days in the period. The share is new fans over that target. A guide who left still counts
their fans for their store, but no longer its target.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from tortoise.functions import Count

from fans.models import Fan, FanVerdict, LossSource
from fans.schemas import FanReportLine, FanReportOut, ReportPeriod, ReportScope
from kernel.clock import Clock
from org.models import Guide, Store


@dataclass(frozen=True)
class Span:
    """The business days a report covers, first and last included."""

    period: ReportPeriod
    first_day: date
    last_day: date

    @classmethod
    def containing(cls, period: ReportPeriod, day: date) -> Span:
        if period is ReportPeriod.DAY:
            return cls(period, day, day)
        if period is ReportPeriod.WEEK:
            monday = day - timedelta(days=day.weekday())
            return cls(period, monday, monday + timedelta(days=6))
        first = day.replace(day=1)
        next_month = (first + timedelta(days=32)).replace(day=1)
        return cls(period, first, next_month - timedelta(days=1))

    @classmethod
    def last_complete(cls, period: ReportPeriod, today: date) -> Span:
        """Yesterday, last week or last month: the latest period that ended before `today`."""
        if period is ReportPeriod.DAY:
            return cls.containing(period, today - timedelta(days=1))
        if period is ReportPeriod.WEEK:
            return cls.containing(period, today - timedelta(days=7))
        return cls.containing(period, today.replace(day=1) - timedelta(days=1))

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1


@dataclass(frozen=True)
class Figures:
    """A period's lines, every store's and every branch's."""

    span: Span
    stores: list[FanReportLine]
    branches: list[FanReportLine]

    def lines(self, scope: ReportScope) -> list[FanReportLine]:
        return self.stores if scope is ReportScope.STORE else self.branches


class FanReports:
    def __init__(self, clock: Clock, *, target_per_guide_daily: int, warn_share: float) -> None:
        self._clock = clock
        self._target_per_guide_daily = target_per_guide_daily
        self.warn_share = warn_share

    async def report(
        self,
        period: ReportPeriod,
        scope: ReportScope,
        day: date | None = None,
        *,
        store_codes: Collection[str] | None = None,
        branch_codes: Collection[str] | None = None,
    ) -> FanReportOut:
        """The period containing `day`; without one, the last complete period.

        `store_codes` and `branch_codes` keep to the lines a branch lead or store manager
        may see (None: every line). A store's rank in its branch stays the rank among all
        its branch's stores.
        """
        span = Span.containing(period, day) if day else Span.last_complete(period, self._clock.today())
        figures = await self.figures(span)
        seen = store_codes if scope is ReportScope.STORE else branch_codes
        return FanReportOut(
            period=period,
            first_day=span.first_day,
            last_day=span.last_day,
            scope=scope,
            warn_share=self.warn_share,
            lines=[line for line in figures.lines(scope) if seen is None or line.code in seen],
        )

    async def figures(self, span: Span) -> Figures:
        # UTC bounds: SQLite compares the stored UTC text, which an offset of +08:00 would not match
        start = datetime.combine(span.first_day, time(0), tzinfo=self._clock.timezone).astimezone(UTC)
        end = datetime.combine(span.last_day + timedelta(days=1), time(0), tzinfo=self._clock.timezone).astimezone(UTC)
        guides = await Guide.all().values_list("userid", "store_id", "left_at")
        store_of = {userid: store for userid, store, _ in guides}
        new, duplicates, lost = Counter(), Counter(), Counter()
        added = (
            await Fan.filter(added_at__gte=start, added_at__lt=end)
            .annotate(n=Count("id"))
            .group_by("guide_userid", "verdict")
            .values_list("guide_userid", "verdict", "n")
        )
        for userid, verdict, n in added:
            if userid in store_of:
                (new if verdict == FanVerdict.NEW else duplicates)[store_of[userid]] += n
        losses = (
            await Fan.filter(lost_at__gte=start, lost_at__lt=end, verdict=FanVerdict.NEW)
            .exclude(loss_source=LossSource.TRANSFERRED)
            .annotate(n=Count("id"))
            .group_by("guide_userid")
            .values_list("guide_userid", "n")
        )
        for userid, n in losses:
            if userid in store_of:
                lost[store_of[userid]] += n
        headcount = Counter(store for _, store, left_at in guides if left_at is None)
        stores = []
        for store in await Store.all().select_related("branch").order_by("code"):
            per_guide = store.fan_target_per_guide_daily
            per_guide = self._target_per_guide_daily if per_guide is None else per_guide
            target = per_guide * headcount[store.id] * span.days
            stores.append(
                self._line(
                    store.code, store.name, store.branch.code, store.branch.name, headcount[store.id],
                    new[store.id], duplicates[store.id], lost[store.id], target,
                )
            )  # fmt: skip
        return Figures(span, ranked_in_branch(stores), self._branch_lines(stores))

    def _branch_lines(self, stores: list[FanReportLine]) -> list[FanReportLine]:
        """A line per branch with stores, named from its stores' lines (the store query joined the branch)."""
        return [
            self._line(
                code, lines[0].branch_name or code, None, None, *(sum(getattr(s, f) for s in lines) for f in SUMMED)
            )
            for code, lines in sorted(by_branch(stores).items())
        ]

    def _line(
        self, code: str, name: str, branch: str | None, branch_name: str | None,
        guides: int, new: int, duplicates: int, lost: int, target: int,
    ) -> FanReportLine:  # fmt: skip
        share = round(new / target, 4) if target else None
        return FanReportLine(
            code=code, name=name, branch=branch, branch_name=branch_name, guides=guides, new=new,
            duplicates=duplicates, lost=lost, net=new - lost, target=target, share=share,
            lagging=share is not None and share < self.warn_share, rank_in_branch=None,
        )  # fmt: skip


SUMMED = ("guides", "new", "duplicates", "lost", "target")


def by_branch(stores: list[FanReportLine]) -> dict[str, list[FanReportLine]]:
    grouped: dict[str, list[FanReportLine]] = defaultdict(list)
    for line in stores:
        grouped[line.branch or ""].append(line)
    return grouped


def ranked_in_branch(stores: list[FanReportLine]) -> list[FanReportLine]:
    """Each store's place by share among its branch's stores; equal shares share a place, no target comes last."""
    shares: dict[str | None, list[float]] = defaultdict(list)
    for line in stores:
        shares[line.branch].append(_share(line))
    for values in shares.values():
        values.sort()
    return [
        line.model_copy(
            update={"rank_in_branch": 1 + len(shares[line.branch]) - bisect_right(shares[line.branch], _share(line))}
        )
        for line in stores
    ]


def _share(line: FanReportLine) -> float:
    return -1.0 if line.share is None else line.share
