"""A contest's boards, moved by the same facts as every board (`Leaderboards.add_boards`).

Per contest: the teams over the whole contest (live standings), the teams and the guides
per contest day (settlement reads these), and the guides over the contest when individual
PK runs. Which team a fact counts for comes from the guide's Placement of the fact's day,
so a rebuild, which hands over the same placements, rebuilds the same boards.
"""

from __future__ import annotations

from datetime import date

from contests.book import ContestBook, Running
from leaderboards.facts import Fact
from leaderboards.metrics import Metric, Scope
from leaderboards.models import Placement
from leaderboards.periods import Period
from leaderboards.store import BoardKey


def team_of(running: Running, placement: Placement) -> str | None:
    return running.lineup.team_of(placement.guide_userid, placement.store_code, placement.branch_code)


def team_board(running: Running, day: date | None = None) -> BoardKey:
    """The contest's team board: over the whole contest, or one of its days."""
    period = Period.contest_day(running.id, day) if day else Period.contest(running.id)
    return BoardKey(running.metric, Scope.TEAM, period)


def guide_board(running: Running, day: date | None = None) -> BoardKey:
    period = Period.contest_day(running.id, day) if day else Period.contest(running.id)
    return BoardKey(running.metric, Scope.GUIDE, period)


class ContestBoards:
    """The `ExtraBoards` of contests: for a fact, the contest boards it moves and as whom."""

    def __init__(self, book: ContestBook) -> None:
        self._book = book

    async def __call__(self, fact: Fact, placement: Placement) -> list[tuple[BoardKey, str, str]]:
        targets = []
        for running in await self._book.running_on(fact.day):
            team = team_of(running, placement) if running.metric is Metric(fact.metric) else None
            if team is None:
                continue
            member, name = running.lineup.board_member(team), running.lineup.teams[team].name
            guide = (placement.guide_userid, placement.guide_name)
            targets += [
                (team_board(running), member, name),
                (team_board(running, fact.day), member, name),
                (guide_board(running, fact.day), *guide),
            ]
            if running.contest.individual:
                targets.append((guide_board(running), *guide))
        return targets
