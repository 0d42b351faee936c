"""What a contest's page shows: the standings so far and today, and the latest cheers (escaped by the template).

Before its first day a contest has no standing: every team would tie at nought, all ranked 1,
under a 实时 badge. Its page says when it starts and lists the teams, unranked.
"""

from __future__ import annotations

from dataclasses import dataclass

from contests.book import Running
from contests.models import Cheer
from contests.standings import ContestStandings
from contests.wording import day_label, running_ranking, standing_value

CHEERS_SHOWN = 20


@dataclass(frozen=True)
class TeamRow:
    rank: int
    name: str
    value: str
    share: float  # of the leading team's total, 0–1: the bar the page draws (server-side SVG)


@dataclass(frozen=True)
class CheerRow:
    guide_name: str
    team_name: str
    text: str
    at: str


@dataclass(frozen=True)
class ContestPage:
    title: str
    span: str
    ranking: str
    starts: str  # the first day (6月1日) while the contest has not begun, else ""
    teams: list[str]  # the teams' names, shown unranked while it has not begun
    so_far: list[TeamRow]
    today: list[TeamRow]
    cheers: list[CheerRow]


async def contest_page(running: Running, standings: ContestStandings) -> ContestPage:
    """The page's content; a day after the contest shows its standings so far only, a day before it none."""
    contest, ranking = running.contest, running_ranking(running)
    today = standings.today()
    begun = contest.start_date <= today
    so_far_rows = _rows(running, (await standings.of_contest(running)).teams) if begun else []
    today_rows: list[TeamRow] = []
    if begun and today <= contest.end_date:
        today_rows = _rows(running, (await standings.of_day(running, today)).teams)
    cheers = await Cheer.filter(contest_id=running.id).order_by("-created_at").limit(CHEERS_SHOWN)
    timezone = standings.timezone
    return ContestPage(
        title=f"{contest.name} · {running.metric.label}PK",
        span=f"{day_label(contest.start_date)}—{day_label(contest.end_date)}",
        ranking=ranking.label,
        starts="" if begun else day_label(contest.start_date),
        teams=[team.name for team in running.lineup.teams.values()],
        so_far=so_far_rows,
        today=today_rows,
        cheers=[
            CheerRow(
                c.guide_name,
                running.lineup.teams[c.team_code].name if c.team_code in running.lineup.teams else c.team_code,
                c.text,
                c.created_at.astimezone(timezone).strftime("%H:%M"),
            )
            for c in cheers
        ],
    )


def _rows(running: Running, teams) -> list[TeamRow]:
    ranking = running_ranking(running)
    most = max((s.total for s in teams), default=0)
    return [
        TeamRow(s.rank, s.name, standing_value(running, s, ranking), max(s.total, 0) / most if most > 0 else 0.0)
        for s in teams
    ]
