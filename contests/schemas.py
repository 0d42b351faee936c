"""The HQ API's contest shapes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, Field, PlainSerializer

from contests.rules import Ranking
from leaderboards.metrics import FEN_PER_YUAN, Metric
from org.schemas import Code, Day, Input, Name, QueryDay, UserId, json_integer
from tasks.schemas import MoneyIn, Quantity

MAX_DAYS = 92  # a campaign, not a season: every day is settled and kept
MAX_PRIZE = 100_000


class ContestMetric(StrEnum):
    """What a contest counts: a board metric, except coins (contest prizes are coins themselves)."""

    SALES = Metric.SALES.value
    ORDERS = Metric.ORDERS.value
    FANS = Metric.FANS.value
    SHARES = Metric.SHARES.value
    TASKS = Metric.TASKS.value


Coins = Annotated[int, Field(ge=0, le=MAX_PRIZE), BeforeValidator(json_integer)]
# A figure with two places (per capita), as a decimal string: "1200.50".
TwoPlaces = Annotated[
    Decimal,
    PlainSerializer(lambda value: f"{value:.2f}", return_type=str, when_used="json"),
    Field(json_schema_extra={"format": "decimal"}),
]


class SquadIn(Input):
    """A custom squad: whole stores, and guides named one by one (a named guide plays here, whatever their store)."""

    code: Code
    name: Name
    stores: list[Code] = Field([], max_length=1000)
    guides: list[UserId] = Field([], max_length=10_000)

    @classmethod
    def rules(cls, values: dict[str, Any]) -> Iterator[tuple[str, str]]:
        if "stores" in values and "guides" in values and not values["stores"] and not values["guides"]:
            yield "", "a squad names stores or guides"


class TeamsIn(Input):
    """Branches (each branch is a team) or custom squads."""

    branches: list[Code] = Field([], max_length=1000)
    squads: list[SquadIn] = Field([], max_length=1000)

    @classmethod
    def rules(cls, values: dict[str, Any]) -> Iterator[tuple[str, str]]:
        branches, squads = values.get("branches", []), values.get("squads", [])
        if branches and squads:
            yield "", "name branches or squads, not both"
        elif len(branches) + len(squads) < 2 and "branches" in values and "squads" in values:
            yield "", "a PK needs at least 2 teams: name branches or squads"
        yield from (("branches", f"{code!r} appears twice") for code in _repeated(branches))
        yield from (("squads", f"code {code!r} appears twice") for code in _repeated(s.code for s in squads))
        for kind, label in (("stores", "store"), ("guides", "guide")):
            homes: dict[str, list[str]] = {}
            for squad in squads:
                for member in dict.fromkeys(getattr(squad, kind)):
                    homes.setdefault(member, []).append(squad.code)
            for member, codes in homes.items():
                if len(codes) > 1:
                    yield "squads", f"{label} {member!r} is in two squads: {', '.join(codes)}"


class PrizesIn(Input):
    """Coins: to every member of the day's winning team, to every guide reaching the personal daily target, and
    at the finish to every member of the top teams (first, second …) and to the top guides (individual PK)."""

    winning_team: Coins = 0
    personal_target: Coins = 0
    final_teams: list[Coins] = Field([], max_length=10, description="coins per member: first team, second …")
    final_guides: list[Coins] = Field([], max_length=10, description="coins: first guide, second … (individual PK)")


class ContestIn(Input):
    name: Name
    metric: ContestMetric
    teams: TeamsIn
    start_date: Day = Field(description="first business day (Asia/Shanghai), after today")
    end_date: Day = Field(description=f"last business day, inclusive, at most {MAX_DAYS - 1} days after start_date")
    ranking: Ranking = Field(Ranking.TOTAL, description="what decides a day: total, per_capita or target (share)")
    daily_team_target: MoneyIn = Field(
        Decimal(0), description="each team's goal for a day (yuan for sales, else a count); 0: none. "
        "A team wins the day only once it reaches it"
    )  # fmt: skip
    personal_daily_target: MoneyIn = Field(
        Decimal(0), description="a guide's goal for a day, for the personal_target prize; 0: none"
    )
    prizes: PrizesIn = Field(default_factory=PrizesIn)
    individual: bool = Field(False, description="individual PK alongside: guide standings and final_guides prizes")
    private: bool = Field(False, description="the contest's page opens only through a signed link")

    @classmethod
    def rules(cls, values: dict[str, Any]) -> Iterator[tuple[str, str]]:
        start, end = values.get("start_date"), values.get("end_date")
        if start and end and end < start:
            yield "end_date", "is before start_date"
        elif start and end and (end - start).days >= MAX_DAYS:
            yield "end_date", f"is more than {MAX_DAYS - 1} days after start_date"
        metric = values.get("metric")
        for name in ("daily_team_target", "personal_daily_target"):
            target = values.get(name)
            if target is not None and target < 0:
                yield name, "must not be negative"
            elif target is not None and metric and metric != ContestMetric.SALES and target % 1:
                yield name, "must be a whole number"
        if values.get("ranking") == Ranking.TARGET and values.get("daily_team_target") == 0:
            yield "daily_team_target", "ranking by target needs a daily_team_target above 0"
        prizes = values.get("prizes")
        if prizes and prizes.personal_target and values.get("personal_daily_target") == 0:
            yield "personal_daily_target", "the personal_target prize needs a personal_daily_target above 0"
        if prizes and prizes.final_guides and values.get("individual") is False:
            yield "prizes.final_guides", "final_guides prizes need individual: true"

    def units(self, amount: Decimal) -> int:
        """An amount as the boards count it (fen for sales)."""
        return int(amount * FEN_PER_YUAN) if self.metric == ContestMetric.SALES else int(amount)


def _repeated(codes) -> list[str]:
    return [code for code, n in Counter(codes).items() if n > 1]


class ContestTeamOut(BaseModel):
    code: str
    name: str
    branch: str
    stores: list[str]
    guides: list[str]


class PrizesOut(BaseModel):
    winning_team: int
    personal_target: int
    final_teams: list[int]
    final_guides: list[int]


class ContestOut(BaseModel):
    id: int
    name: str
    metric: ContestMetric
    start_date: date
    end_date: date
    ranking: Ranking
    daily_team_target: Quantity
    personal_daily_target: Quantity
    prizes: PrizesOut
    individual: bool
    private: bool
    teams: list[ContestTeamOut]
    settled_days: list[date]
    finished: bool = Field(description="every day is settled and the final ranking prizes are paid")
    page_url: str = Field(description="the contest's live page; for a private contest a signed link, valid 7 days")


class StandingQuery(BaseModel):
    day: QueryDay | None = Field(None, description="one business day of the contest; absent: the contest so far")
    by: Ranking | None = Field(None, description="rank by total, per_capita or target; absent: the contest's ranking")


class TeamStandingOut(BaseModel):
    rank: int
    code: str
    name: str
    total: Quantity
    members: int = Field(description="guides playing for the team that day (for a span: on its last day)")
    per_capita: TwoPlaces
    target_percent: float | None = Field(description="total as a percentage of the daily target over the days")


class GuideStandingOut(BaseModel):
    rank: int
    guide: str
    name: str
    team: str
    value: Quantity


class ContestStandingOut(BaseModel):
    contest_id: int
    day: date | None
    by: Ranking
    settled: bool = Field(description="the day is settled: these are its results, corrections included")
    teams: list[TeamStandingOut]
    guides: list[GuideStandingOut] = Field(description="individual PK: the first 50 guides")


class SettleQuery(BaseModel):
    day: QueryDay | None = Field(
        None, description="a day of the contest that has ended (Asia/Shanghai); absent: yesterday"
    )


class PrizeOut(BaseModel):
    guide: str
    prize: str = Field(description="winning_team, personal_target, final_team_N or final_guide_N")
    coins: int


class DayResultOut(BaseModel):
    day: date | None = Field(description="None for the final ranking")
    settled_at: datetime
    winner: str | None
    teams: list[TeamStandingOut]
    prizes: list[PrizeOut] = Field(description="as owed now: what was paid plus any corrections")
    corrected: bool


class ResultsOut(BaseModel):
    contest_id: int
    days: list[DayResultOut]
    final: DayResultOut | None


class ChangeOut(BaseModel):
    subject: str = Field(description="team, guide, winner, coins, final_winner or final_coins")
    code: str = Field(description="the team or guide it is about ('' for a winner)")
    before: int | str | None
    after: int | str | None


class CorrectionOut(BaseModel):
    id: int
    day: date
    source: str = Field(description="the record that came late, e.g. sale:17")
    summary: str
    changes: list[ChangeOut]
    created_at: datetime
