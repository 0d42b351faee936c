"""Contest standings as people read them: a settled day from its results, anything live from the boards."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, tzinfo

from contests.boards import guide_board, team_board
from contests.book import Running
from contests.models import ContestDay
from contests.roster import roster
from contests.rules import DayState, Ranking, Tally, TeamStanding, Terms, team_standings
from kernel.clock import Clock
from leaderboards.ranking import Standing, rank_top
from leaderboards.store import RedisBoardStore

ALL = 1_000_000  # "the whole board" for a read
HEADS_CACHE_SECONDS = 60.0


@dataclass(frozen=True)
class Standings:
    day: date | None
    ranking: Ranking
    settled: bool
    teams: list[TeamStanding]
    heads: DayState  # who played for whom (the day's, or the span's last day's)
    days: int


class ContestStandings:
    """Team standings for a day or the contest so far, guide standings for individual PK, a day's full state.

    Reads are one board read plus the day's roster, which is kept a minute: the roster is
    the org, which changes far less often than people ask 「PK」.
    """

    def __init__(self, store: RedisBoardStore, clock: Clock, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._store = store
        self._clock = clock
        self._monotonic = monotonic
        self._heads: dict[tuple[int, date], tuple[float, DayState]] = {}

    def today(self) -> date:
        return self._clock.today()

    @property
    def timezone(self) -> tzinfo:
        return self._clock.timezone

    async def day_state(self, running: Running, day: date) -> DayState:
        """Everyone who played on `day` with their figure from the boards (what settlement settles)."""
        rows = await self._store.top(guide_board(running, day), ALL)
        state = await roster(running, day, also=[row.member for row in rows])
        for row in rows:
            guide = state.guides.get(row.member)
            if guide is not None:
                guide.figure, guide.reached_at = int(row.score), row.reached_at
        return state

    async def of_day(self, running: Running, day: date, ranking: Ranking | None = None) -> Standings:
        terms = Terms.of(running.contest)
        ranking = ranking or terms.ranking
        settled = await ContestDay.get_or_none(contest_id=running.id, day=day)
        if settled is not None:
            state = DayState.from_json(settled.current["state"])
            tally = Tally.of([state])
        else:
            state, tally = await self._heads_on(running, day), await self._tally(running, day)
        teams = team_standings(state.teams, tally, state, ranking, terms.daily_team_target)
        return Standings(day, ranking, settled is not None, teams, state, 1)

    async def of_contest(self, running: Running, ranking: Ranking | None = None) -> Standings:
        """The contest so far, from its whole-contest board; heads as of its latest day (today, or the last)."""
        terms = Terms.of(running.contest)
        ranking = ranking or terms.ranking
        latest = max(min(self._clock.today(), running.contest.end_date), running.contest.start_date)
        heads = await self._heads_on(running, latest)
        days = max(len(running.days(until=self._clock.today())), 1)
        teams = team_standings(heads.teams, await self._tally(running), heads, ranking, terms.daily_team_target, days)
        return Standings(None, ranking, False, teams, heads, days)

    async def guides(self, running: Running, day: date | None = None, n: int = 50) -> list[Standing]:
        """Individual PK: the first `n` guides over the contest (or a day)."""
        return rank_top(await self._store.top(guide_board(running, day), n), running.metric, n)

    async def figure_of(self, running: Running, guide_userid: str, day: date | None = None) -> int:
        """A guide's figure in the contest (over a day, or the whole contest); 0 before their first fact."""
        rows = await self._store.around(guide_board(running, day), guide_userid, 0)
        return next((int(row.score) for row, _ in rows if row.member == guide_userid), 0)

    async def _tally(self, running: Running, day: date | None = None) -> Tally:
        tally = Tally()
        for row in await self._store.top(team_board(running, day), ALL):
            code = running.lineup.team_of_member(row.member)
            tally.totals[code], tally.reached[code] = int(row.score), row.reached_at
        return tally

    async def _heads_on(self, running: Running, day: date) -> DayState:
        now = self._monotonic()
        cached = self._heads.get((running.id, day))
        if cached and cached[0] > now:
            return cached[1]
        state = await roster(running, day)
        if len(self._heads) > 256:
            self._heads.clear()
        self._heads[(running.id, day)] = (now + HEADS_CACHE_SECONDS, state)
        return state
