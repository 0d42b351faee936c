"""Who played for which team on a day: their Placement of the day if they have one, else the org as it is now.

A guide with a fact on a day has a Placement for it (written when the fact reached the
boards, never changed); a guide without one is counted where the organisation puts them
when asked (settlement runs just after the day ends, so that is where they stood).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from tortoise.expressions import Q

from contests.book import Running
from contests.rules import DayState, GuideDay
from leaderboards.models import Placement
from org.models import Guide

CHUNK = 900  # SQLite caps the parameters of one statement


async def roster(running: Running, day: date, also: Iterable[str] = ()) -> DayState:
    """Every guide playing in the contest on `day` (with no figures yet); `also`: guides known to have played."""
    lineup = running.lineup
    seats: dict[str, tuple[str, str | None]] = {}
    current = Guide.filter(
        Q(store__branch__code__in=lineup.branches)
        | Q(store__code__in=lineup.stores)
        | Q(userid__in=lineup.named_guides)
    ).select_related("store__branch")
    for guide in await current:
        seats[guide.userid] = (guide.name, lineup.team_of(guide.userid, guide.store.code, guide.store.branch.code))
    userids = sorted(seats.keys() | set(also))
    for start in range(0, len(userids), CHUNK):
        for placement in await Placement.filter(day=day, guide_userid__in=userids[start : start + CHUNK]):
            team = lineup.team_of(placement.guide_userid, placement.store_code, placement.branch_code)
            seats[placement.guide_userid] = (placement.guide_name, team)
    state = DayState({code: team.name for code, team in lineup.teams.items()})
    state.guides = {userid: GuideDay(name, team) for userid, (name, team) in seats.items() if team is not None}
    return state
