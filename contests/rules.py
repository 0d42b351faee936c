"""Contest rules without I/O: standings, the day's winner, who earns which prize, the final ranking.

Ties go to whoever got there first (the later `reached_at` of two equal figures loses), as
on every board.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction

from contests.models import Contest


class Ranking(StrEnum):
    """How teams are compared: their total, per member of the day, or as a share of the daily target."""

    TOTAL = "total"
    PER_CAPITA = "per_capita"
    TARGET = "target"

    @property
    def label(self) -> str:
        return {Ranking.TOTAL: "总量", Ranking.PER_CAPITA: "人均", Ranking.TARGET: "目标达成率"}[self]


@dataclass(frozen=True)
class Terms:
    """What decides a day and the finish, as HQ set it up (targets in board units: fen for sales)."""

    ranking: Ranking
    daily_team_target: int
    personal_daily_target: int
    winning_team_prize: int
    personal_target_prize: int
    final_team_prizes: tuple[int, ...] = ()
    final_guide_prizes: tuple[int, ...] = ()

    @classmethod
    def of(cls, contest: Contest) -> Terms:
        return cls(
            Ranking(contest.ranking),
            contest.daily_team_target,
            contest.personal_daily_target,
            contest.winning_team_prize,
            contest.personal_target_prize,
            tuple(contest.final_team_prizes),
            tuple(contest.final_guide_prizes),
        )


@dataclass
class GuideDay:
    """A guide's day in a contest: where they played, their figure, and when they reached it (ms)."""

    name: str
    team: str
    figure: int = 0
    reached_at: int = 0


@dataclass
class DayState:
    """A contest day as counted: every team, and every guide who played that day (with or without a figure)."""

    teams: dict[str, str]  # code -> name
    guides: dict[str, GuideDay] = field(default_factory=dict)

    def to_json(self) -> dict:
        return {
            "teams": self.teams,
            "guides": {userid: [g.name, g.team, g.figure, g.reached_at] for userid, g in sorted(self.guides.items())},
        }

    @classmethod
    def from_json(cls, data: dict) -> DayState:
        return cls(dict(data["teams"]), {userid: GuideDay(*row) for userid, row in data["guides"].items()})

    def members(self, team: str) -> list[str]:
        return sorted(userid for userid, g in self.guides.items() if g.team == team)


@dataclass(frozen=True)
class TeamStanding:
    rank: int
    code: str
    name: str
    total: int
    members: int
    per_capita: Fraction
    target_share: Fraction | None  # of the daily target over the days counted; None without a target
    reached_at: int


@dataclass(frozen=True)
class Prize:
    """`coins` to `guide` for `code` (winning_team, personal_target, final_team_1, final_guide_2 …)."""

    guide: str
    code: str
    coins: int


@dataclass(frozen=True)
class Outcome:
    winner: str | None
    prizes: list[Prize]

    def to_json(self) -> dict:
        return {"winner": self.winner, "prizes": [[p.guide, p.code, p.coins] for p in self.prizes]}

    @classmethod
    def from_json(cls, data: dict) -> Outcome:
        return cls(data["winner"], [Prize(*row) for row in data["prizes"]])


@dataclass
class Tally:
    """Team totals and when each team reached its total (the latest of its guides' facts)."""

    totals: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    reached: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    @classmethod
    def of(cls, states: Iterable[DayState]) -> Tally:
        """Each day's figures count for the team the guide played for that day."""
        tally = cls()
        for state in states:
            for guide in state.guides.values():
                tally.totals[guide.team] += guide.figure
                tally.reached[guide.team] = max(tally.reached[guide.team], guide.reached_at)
        return tally


def team_standings(
    teams: dict[str, str], tally: Tally, heads: DayState, ranking: Ranking, daily_target: int, days: int = 1
) -> list[TeamStanding]:
    """Every team, best first; per capita counts the members of `heads` (the day, or a span's last day)."""
    rows = []
    for code, name in teams.items():
        total, count = tally.totals.get(code, 0), len(heads.members(code))
        per_capita = Fraction(total, count) if count else Fraction(0)
        share = Fraction(total, daily_target * days) if daily_target else None
        rows.append((code, name, total, count, per_capita, share, tally.reached.get(code, 0)))
    value = {
        Ranking.TOTAL: lambda row: Fraction(row[2]),
        Ranking.PER_CAPITA: lambda row: row[4],
        Ranking.TARGET: lambda row: row[5] if row[5] is not None else Fraction(row[2]),
    }[ranking]
    ordered = sorted(rows, key=lambda row: (-value(row), row[6], row[0]))
    standings: list[TeamStanding] = []
    for position, row in enumerate(ordered):
        tied = position > 0 and value(row) == value(ordered[position - 1])
        standings.append(TeamStanding(standings[-1].rank if tied else position + 1, *row))
    return standings


def day_standings(state: DayState, terms: Terms) -> list[TeamStanding]:
    return team_standings(state.teams, Tally.of([state]), state, terms.ranking, terms.daily_team_target)


def span_standings(states: list[DayState], terms: Terms) -> list[TeamStanding]:
    """The contest so far: each day's figures where they were earned, heads as of the last day."""
    teams = {code: name for state in states for code, name in state.teams.items()}
    return team_standings(teams, Tally.of(states), states[-1], terms.ranking, terms.daily_team_target, days=len(states))


def settle_day(state: DayState, terms: Terms) -> Outcome:
    """The day's winner (the best team that reached the daily target) and everyone's prizes."""
    winner = next(
        (s.code for s in day_standings(state, terms) if s.total > 0 and s.total >= terms.daily_team_target), None
    )
    prizes = []
    if winner and terms.winning_team_prize:
        prizes += [Prize(guide, "winning_team", terms.winning_team_prize) for guide in state.members(winner)]
    if terms.personal_daily_target and terms.personal_target_prize:
        prizes += [
            Prize(userid, "personal_target", terms.personal_target_prize)
            for userid, guide in sorted(state.guides.items())
            if guide.figure >= terms.personal_daily_target
        ]
    return Outcome(winner, prizes)


def guide_totals(states: list[DayState]) -> DayState:
    """Each guide's figures over the days, whichever team they played for (individual PK)."""
    total = DayState({})
    for state in states:
        for userid, guide in state.guides.items():
            kept = total.guides.setdefault(userid, GuideDay(guide.name, guide.team))
            kept.team, kept.figure = guide.team, kept.figure + guide.figure
            kept.reached_at = max(kept.reached_at, guide.reached_at)
    return total


def guide_order(state: DayState) -> list[str]:
    """Guides with a figure above zero, best first."""
    scoring = [(userid, g) for userid, g in state.guides.items() if g.figure > 0]
    return [userid for userid, _ in sorted(scoring, key=lambda item: (-item[1].figure, item[1].reached_at, item[0]))]


def finish(states: list[DayState], terms: Terms) -> Outcome:
    """The final ranking prizes: every member of the top teams (as they stood on the last day), and the top guides."""
    scoring = [s for s in span_standings(states, terms) if s.total > 0]
    prizes = []
    for place, (standing, coins) in enumerate(zip(scoring, terms.final_team_prizes, strict=False), 1):
        prizes += [Prize(guide, f"final_team_{place}", coins) for guide in states[-1].members(standing.code)]
    for place, (userid, coins) in enumerate(zip(guide_order(guide_totals(states)), terms.final_guide_prizes,
                                                strict=False), 1):  # fmt: skip
        prizes.append(Prize(userid, f"final_guide_{place}", coins))
    return Outcome(scoring[0].code if scoring else None, [p for p in prizes if p.coins])


def owed(prizes: Iterable[Prize]) -> dict[str, int]:
    """Coins per guide."""
    total: dict[str, int] = defaultdict(int)
    for prize in prizes:
        total[prize.guide] += prize.coins
    return dict(total)
