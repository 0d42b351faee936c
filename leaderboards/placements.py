"""Membership as of the day: the org a fact counts in is the one of the day it happened."""

from __future__ import annotations

from datetime import date

from tortoise.exceptions import IntegrityError

from leaderboards.metrics import Scope
from leaderboards.models import Placement
from org.models import Guide, TeamMember

CACHE_LIMIT = 50_000


class Placements:
    """A guide's seat on a day, taken from the org the first time it is asked for and kept."""

    def __init__(self) -> None:
        self._known: dict[tuple[str, date], Placement] = {}

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

    async def _take(self, guide_userid: str, day: date) -> Placement:
        seat = await _seat_now(guide_userid)
        try:
            return await Placement.create(guide_userid=guide_userid, day=day, **seat)
        except IntegrityError:
            return await Placement.get(guide_userid=guide_userid, day=day)


def members_of(placement: Placement) -> list[tuple[Scope, str, str]]:
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


async def _seat_now(guide_userid: str) -> dict:
    guide = await Guide.get_or_none(userid=guide_userid).select_related("store__branch__region")
    if guide is None:  # a sale or fan of someone the org import does not know (yet)
        return {
            "guide_name": guide_userid,
            **{f"{part}_{field}": "" for part in ("store", "branch", "region") for field in ("code", "name")},
        }
    teams = await TeamMember.filter(guide_id=guide.id).select_related("team").order_by("team__code")
    store, branch = guide.store, guide.store.branch
    return {
        "guide_name": guide.name,
        "store_code": store.code,
        "store_name": store.name,
        "branch_code": branch.code,
        "branch_name": branch.name,
        "region_code": branch.region.code,
        "region_name": branch.region.name,
        "teams": [[member.team.code, member.team.name] for member in teams],
    }
