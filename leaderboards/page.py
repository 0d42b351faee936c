"""What the leaderboard page shows: the board a query asks for, its rows ready to print, and the tabs.

The query is a person's address bar, so nothing in it is an error: an unknown metric,
scope or period shows the default board. Only names, ranks and each board's own figure
are printed; members' ids never reach the page.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from urllib.parse import urlencode

from leaderboards.metrics import Metric, Scope
from leaderboards.periods import Period
from leaderboards.placements import Placements, members_of
from leaderboards.ranking import Standing
from leaderboards.service import Leaderboards

TOP_N = 50
# A period named by its kind alone is the current one, so a page left open on a store TV rolls over at midnight.
CURRENT_PERIODS: dict[str, tuple[str, Callable[[date], Period]]] = {
    "day": ("今日", Period.day),
    "week": ("本周", Period.week),
    "month": ("本月", Period.month),
}


@dataclass(frozen=True)
class BoardChoice:
    """Which board: a metric, a scope, and a period (current "day"/"week"/"month", or a named one)."""

    metric: Metric = Metric.SALES
    scope: Scope = Scope.GUIDE
    period: str = "day"

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> BoardChoice:
        default = cls()
        metric, scope, period = query.get("metric", ""), query.get("scope", ""), query.get("period", "")
        return cls(
            metric=Metric(metric) if metric in Metric.__members__.values() else default.metric,
            scope=Scope(scope) if scope in Scope.__members__.values() else default.scope,
            period=period if _readable_period(period) else default.period,
        )

    def resolve(self, today: date) -> Period:
        if self.period in CURRENT_PERIODS:
            return CURRENT_PERIODS[self.period][1](today)
        return Period.parse(self.period)

    def query(self) -> dict[str, str]:
        return {"metric": self.metric.value, "scope": self.scope.value, "period": self.period}


def _readable_period(text: str) -> bool:
    if text in CURRENT_PERIODS:
        return True
    try:
        Period.parse(text)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class Row:
    rank: int
    name: str
    figure: str
    mine: bool = False


@dataclass(frozen=True)
class Tab:
    label: str
    href: str
    active: bool


@dataclass(frozen=True)
class Board:
    """One board as printed. `around` is the link holder's neighbourhood when they are below the top rows."""

    choice: BoardChoice
    period: Period
    rows: list[Row]
    around: list[Row]
    holder_off_board: bool  # the link's guide (or their store, team …) has no figure on this board yet

    @property
    def title(self) -> str:
        return f"{self.period.label} · {self.choice.metric.label} · {self.choice.scope.label}榜"

    @property
    def holder_row(self) -> Row | None:
        """The link holder's (first) row, told at the top of the board: on a phone it may be far below."""
        return next((row for row in [*self.rows, *self.around] if row.mine), None)


async def load_board(boards: Leaderboards, choice: BoardChoice, *, guide: str | None = None) -> Board:
    """The board's top rows; for a guide's link, their own row (or store's, team's …) marked, or their place below.

    A public page is one Redis round trip; a guide's page on a guide board too, and on
    another board one database read more, for the guide's store, branch, region or teams today.
    """
    today = boards.clock.today()
    period = choice.resolve(today)
    board = (choice.metric, choice.scope, period)
    mine = await _holder_members(guide, choice.scope, today) if guide else []
    if mine:
        top, near = await boards.top_with(*board, mine[0], n=TOP_N)
    else:
        top, near = await boards.top(*board, n=TOP_N), []
    rows = [_row(standing, choice.metric, mine) for standing in top]
    in_top = any(row.mine for row in rows)
    around = [] if in_top else [_row(standing, choice.metric, mine) for standing in near]
    return Board(choice, period, rows, around, holder_off_board=bool(guide) and not in_top and not around)


async def _holder_members(guide: str, scope: Scope, today: date) -> list[str]:
    """The members that are the link holder on a board of `scope`: the guide, or where they sit today."""
    if scope is Scope.GUIDE:
        return [guide]
    return [member for seat, member, _ in members_of(await Placements().of(guide, today)) if seat is scope]


def _row(standing: Standing, metric: Metric, mine: list[str]) -> Row:
    return Row(standing.rank, standing.name, metric.format(standing.value), standing.member in mine)


def tabs(choice: BoardChoice, extra: Mapping[str, str]) -> dict[str, list[Tab]]:
    """The metric, scope and period tabs: plain links, so the page works without JavaScript."""

    def href(other: BoardChoice) -> str:
        return "?" + urlencode({**other.query(), **extra})

    return {
        "metric": [Tab(m.label, href(replace(choice, metric=m)), m is choice.metric) for m in Metric],
        "scope": [Tab(s.label, href(replace(choice, scope=s)), s is choice.scope) for s in Scope],
        "period": [
            Tab(label, href(replace(choice, period=name)), name == choice.period)
            for name, (label, _) in CURRENT_PERIODS.items()
        ],
    }
