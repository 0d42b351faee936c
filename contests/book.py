"""HQ's contests: set up once, then read by the boards, the standings, settlement and chat."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from tortoise.transactions import in_transaction

from contests.errors import ContestNotFound, InvalidContest
from contests.lineup import Lineup
from contests.models import Contest, ContestTeam
from contests.schemas import ContestIn
from kernel.clock import Clock
from leaderboards.metrics import Metric
from org.models import Branch, Guide, Store

CACHE_SECONDS = 60.0
CACHED_DAYS = 64


@dataclass(frozen=True)
class Running:
    """A contest with its lineup, as the boards and the standings use it."""

    contest: Contest
    lineup: Lineup

    @property
    def id(self) -> int:
        return self.contest.id

    @property
    def metric(self) -> Metric:
        return Metric(self.contest.metric)

    def days(self, until: date | None = None) -> list[date]:
        """The contest's days, up to `until` (inclusive)."""
        last = min(self.contest.end_date, until) if until else self.contest.end_date
        return [date.fromordinal(n) for n in range(self.contest.start_date.toordinal(), last.toordinal() + 1)]


class ContestBook:
    """Contests by id and by day. Every board fact asks which contests run on its day, so that is cached.

    A contest starts after the day it is created: no fact of its days can have reached the
    boards before it existed, so its boards miss nothing (and need no back-fill).
    """

    def __init__(self, clock: Clock, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._monotonic = monotonic
        self._by_day: dict[date, tuple[float, list[Running]]] = {}

    async def problems(self, values: dict) -> list[tuple[str, str]]:
        """Org units the contest names that do not exist, and a start that is not after today."""
        problems = []
        start = values.get("start_date")
        if start and start <= self._clock.today():
            problems.append(("start_date", f"must be after today ({self._clock.today()}): a contest counts whole days"))
        teams = values.get("teams")
        if teams is None:
            return problems
        problems += [("teams.branches", f"unknown {code!r}") for code in await _unknown(Branch, "code", teams.branches)]
        for n, squad in enumerate(teams.squads):
            problems += [(f"teams.squads.{n}.stores", f"unknown {code!r}")
                         for code in await _unknown(Store, "code", squad.stores)]  # fmt: skip
            problems += [(f"teams.squads.{n}.guides", f"unknown {userid!r}")
                         for userid in await _unknown(Guide, "userid", squad.guides)]  # fmt: skip
        return problems

    async def create(self, data: ContestIn) -> Running:
        problems = await self.problems(dict(data))
        if problems:
            raise InvalidContest(problems)
        async with in_transaction():
            contest = await Contest.create(
                name=data.name,
                metric=str(data.metric),
                start_date=data.start_date,
                end_date=data.end_date,
                ranking=str(data.ranking),
                daily_team_target=data.units(data.daily_team_target),
                personal_daily_target=data.units(data.personal_daily_target),
                winning_team_prize=data.prizes.winning_team,
                personal_target_prize=data.prizes.personal_target,
                final_team_prizes=data.prizes.final_teams,
                final_guide_prizes=data.prizes.final_guides,
                individual=data.individual,
                private=data.private,
                created_at=self._clock.now(),
            )
            await ContestTeam.bulk_create(await _teams(contest, data))
        self._by_day.clear()
        return await self.get(contest.id)

    async def get(self, contest_id: int) -> Running:
        contest = await Contest.get_or_none(id=contest_id)
        if contest is None:
            raise ContestNotFound(contest_id)
        return Running(contest, Lineup.of(contest_id, await ContestTeam.filter(contest_id=contest_id)))

    async def all(self) -> list[Running]:
        contests = await Contest.all().order_by("-start_date", "-id").prefetch_related("teams")
        return [Running(c, Lineup.of(c.id, list(c.teams))) for c in contests]

    async def running_on(self, day: date) -> list[Running]:
        """The contests whose span holds `day`, cached briefly (a fact asks for every sale)."""
        now = self._monotonic()
        cached = self._by_day.get(day)
        if cached and cached[0] > now:
            return cached[1]
        contests = await Contest.filter(start_date__lte=day, end_date__gte=day).order_by("id").prefetch_related("teams")
        running = [Running(c, Lineup.of(c.id, list(c.teams))) for c in contests]
        if len(self._by_day) >= CACHED_DAYS:
            self._by_day.clear()
        self._by_day[day] = (now + CACHE_SECONDS, running)
        return running


async def _unknown(model, key: str, codes: list[str]) -> list[str]:
    if not codes:
        return []
    found = set(await model.filter(**{f"{key}__in": codes}).values_list(key, flat=True))
    return [code for code in dict.fromkeys(codes) if code not in found]


async def _teams(contest: Contest, data: ContestIn) -> list[ContestTeam]:
    if data.teams.branches:
        names = dict(await Branch.filter(code__in=data.teams.branches).values_list("code", "name"))
        return [ContestTeam(contest=contest, code=code, name=names[code], branch_code=code)
                for code in data.teams.branches]  # fmt: skip
    return [
        ContestTeam(
            contest=contest,
            code=squad.code,
            name=squad.name,
            store_codes=list(dict.fromkeys(squad.stores)),
            guide_userids=list(dict.fromkeys(squad.guides)),
        )
        for squad in data.teams.squads
    ]
