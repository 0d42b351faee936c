"""Membership as of the day: the org a fact counts in is the one of the day it happened."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import NamedTuple

from tortoise.exceptions import IntegrityError

from leaderboards.metrics import Scope
from leaderboards.models import Placement
from org.models import Guide, TeamMember

CACHE_LIMIT = 50_000
SEAT_FIELDS = (
    "guide_userid",
    "guide_name",
    "store_code",
    "store_name",
    "branch_code",
    "branch_name",
    "region_code",
    "region_name",
    "teams",
)


class Seat(NamedTuple):
    """A Placement read as a plain tuple, for a rebuild that reads hundreds of thousands of them."""

    guide_userid: str
    guide_name: str
    store_code: str
    store_name: str
    branch_code: str
    branch_name: str
    region_code: str
    region_name: str
    teams: list


Seats = dict[tuple[str, date], Seat]


class Placements:
    """A guide's seat on a day, taken from the org the first time it is asked for and kept."""

    def __init__(self) -> None:
        self._known: Seats = {}

    async def of(self, guide_userid: str, day: date) -> Placement:
        known = self._known.get((guide_userid, day))
        if known is None:
            known = await Placement.get_or_none(guide_userid=guide_userid, day=day) or await self._take(
                guide_userid, day
            )
            if len(self._known) >= CACHE_LIMIT:
                self._known.clear()
            self._known[(guide_userid, day)] = known
        return known

    async def all_of(self, wanted: set[tuple[str, date]]) -> Seats:
        """Every wanted seat at once (for a rebuild): the stored ones, the rest from one snapshot of the org."""
        missing = wanted - await _stored_pairs()
        if missing:
            org, missing = await _org_now(), sorted(missing)
            for start in range(0, len(missing), 5000):
                taken = [
                    Placement(guide_userid=g, day=d, **org.get(g) or _unplaced(g))
                    for g, d in missing[start : start + 5000]
                ]
                await Placement.bulk_create(taken, batch_size=1000, ignore_conflicts=True)
        rows = await Placement.all().values_list("day", *SEAT_FIELDS)
        return {(row[1], row[0]): Seat(*row[1:]) for row in rows}

    async def _take(self, guide_userid: str, day: date) -> Placement:
        guide = await Guide.get_or_none(userid=guide_userid).select_related("store__branch__region")
        if guide is None:
            seat = _unplaced(guide_userid)
        else:
            teams = await TeamMember.filter(guide_id=guide.id).select_related("team")
            seat = _seat(guide, [(m.team.code, m.team.name) for m in teams])
        try:
            return await Placement.create(guide_userid=guide_userid, day=day, **seat)
        except IntegrityError:
            return await Placement.get(guide_userid=guide_userid, day=day)


def members_of(placement: Placement | Seat) -> list[tuple[Scope, str, str]]:
    """(scope, member, name) for every board a guide's fact of that day counts in."""
    seats = [(Scope.GUIDE, placement.guide_userid, placement.guide_name)]
    if placement.store_code:
        seats += [
            (Scope.STORE, placement.store_code, placement.store_name),
            (Scope.BRANCH, placement.branch_code, placement.branch_name),
            (Scope.REGION, placement.region_code, placement.region_name),
        ]
    seats += [(Scope.TEAM, code, name) for code, name in placement.teams]
    return seats


async def _stored_pairs() -> set[tuple[str, date]]:
    return set(await Placement.all().values_list("guide_userid", "day"))


async def _org_now() -> dict[str, dict]:
    teams: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for member in await TeamMember.all().select_related("team"):
        teams[member.guide_id].append((member.team.code, member.team.name))
    guides = await Guide.all().select_related("store__branch__region")
    return {guide.userid: _seat(guide, teams[guide.id]) for guide in guides}


def _seat(guide: Guide, teams: list[tuple[str, str]]) -> dict:
    store, branch = guide.store, guide.store.branch
    return {
        "guide_name": guide.name,
        "store_code": store.code,
        "store_name": store.name,
        "branch_code": branch.code,
        "branch_name": branch.name,
        "region_code": branch.region.code,
        "region_name": branch.region.name,
        "teams": [list(team) for team in sorted(teams)],
    }


def _unplaced(guide_userid: str) -> dict:
    """A sale or fan of someone the org import does not know (yet): on the guide boards only."""
    return {
        "guide_name": guide_userid,
        **{f"{part}_{field}": "" for part in ("store", "branch", "region") for field in ("code", "name")},
    }
