"""Whom a task goes to, as the console picks it: the org tree a person may pick from, and what they may not pick.

The tree is what the picker shows (regions → branches → stores, and teams; a store's guides
only when it is opened); who is actually reached is always worked out by the same
resolution publishing uses (tasks.publishing.audience_guides), so the live count and the
cards sent agree.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from console.display import split_list
from org.models import Guide, Store, Team, TeamMember
from org.service import OrgService, UnknownCodes
from staff.access import Principal
from tasks.publishing import AUDIENCE_KEYS, audience_guides

# Each part of an audience as a person reads it: (key, title, its level in OrgService.unit_names)
NAMED_PARTS = (
    ("regions", "大区", "region"),
    ("branches", "分公司", "branch"),
    ("stores", "门店", "store"),
    ("teams", "战队", "team"),
    ("guides", "导购", "guide"),
)


@dataclass
class Unit:
    """One node of the picker: a region, branch, store or guide, with what sits under it."""

    code: str
    name: str
    children: list[Unit] = field(default_factory=list)
    guides: int = 0  # guides under it, for the label


@dataclass
class OrgTree:
    regions: list[Unit]
    teams: list[Unit]
    everyone: bool  # may pick "all guides" and whole regions (HQ only)


async def org_tree(me: Principal) -> OrgTree:
    """The organisation as `me` may target it: HQ all of it; a branch lead their stores and the teams inside them.

    Stores carry their guide count only: a chain's guides (tens of thousands) are listed a
    store at a time, when the poster opens it (store_guides).
    """
    stores = Store.all().select_related("branch__region").order_by("code")
    guides = Guide.on_roster()
    if me.store_codes is not None:
        stores = stores.filter(code__in=list(me.store_codes))
        guides = guides.filter(store__code__in=list(me.store_codes))
    counts = Counter(await guides.values_list("store_id", flat=True))
    regions: dict[str, Unit] = {}
    branches: dict[str, Unit] = {}
    for store in await stores:
        branch, region = store.branch, store.branch.region
        region_unit = regions.setdefault(region.code, Unit(region.code, region.name))
        if branch.code not in branches:
            branches[branch.code] = Unit(branch.code, branch.name)
            region_unit.children.append(branches[branch.code])
        store_unit = Unit(store.code, store.name, guides=counts[store.id])
        branches[branch.code].children.append(store_unit)
        branches[branch.code].guides += store_unit.guides
        region_unit.guides += store_unit.guides
    return OrgTree(list(regions.values()), await _teams(me), everyone=me.is_hq)


async def store_guides(me: Principal, code: str) -> list[Unit] | None:
    """The guides of one store, to pick from when the poster opens it; None for a store `me` may not see or there is none."""
    if not me.sees_store(code) or not await Store.exists(code=code):
        return None
    rows = await Guide.on_roster().filter(store__code=code).order_by("name", "userid").values_list("userid", "name")
    return [Unit(userid, name, guides=1) for userid, name in rows]


async def chosen_guides(org: OrgService, userids: list[str]) -> list[Unit]:
    """The guides an audience names one by one, with their names (a UserID the org does not have is shown as it is),
    so they stay picked on the form whether or not their store is opened."""
    names = await org.unit_names("guide", userids)
    return [Unit(userid, names.get(userid, userid), guides=1) for userid in userids]


async def _teams(me: Principal) -> list[Unit]:
    """Every team for HQ; for a scoped person, the teams whose every member is in their stores."""
    members: dict[int, list[str]] = {}
    for team_id, store_code in await TeamMember.all().values_list("team_id", "guide__store__code"):
        members.setdefault(team_id, []).append(store_code)
    return [
        Unit(team.code, team.name, guides=len(members.get(team.id, [])))
        for team in await Team.all().order_by("code")
        if me.is_hq or (members.get(team.id) and all(me.sees_store(code) for code in members[team.id]))
    ]


def audience_from(form: Mapping) -> dict:
    """The audience the picker posts: `audience.all` and one checkbox value per code (`audience.stores`…).

    Guides may also be typed as UserIDs (`audience.userids`, comma or space separated), the
    way to pick one without opening their store, as without JavaScript; they join the ticked ones.
    """
    audience: dict = {"all": form.get("audience.all") == "on"}
    for key in AUDIENCE_KEYS:
        audience[key] = sorted({str(code) for code in form.getall(f"audience.{key}", [])})
    audience["guides"] = sorted(set(audience["guides"]) | set(split_list(str(form.get("audience.userids", "")))))
    return audience


async def out_of_scope(org: OrgService, me: Principal, audience: Mapping) -> list[tuple[str, str]]:
    """What a scoped person (a branch lead who may post) names beyond their stores; nothing for HQ.

    Codes are checked as named, then the guides they reach, since a team or a guide may sit
    in another branch.
    """
    if me.is_hq:
        return []
    problems = []
    if audience.get("all"):
        problems.append(("audience.all", "只有总部可以发给全体导购"))
    if audience.get("regions"):
        problems.append(("audience.regions", "只有总部可以按大区发布"))
    if outside := [code for code in audience.get("branches", []) if not me.sees_branch(code)]:
        problems.append(("audience.branches", f"不在你的管理范围内：{'、'.join(outside)}"))
    if outside := [code for code in audience.get("stores", []) if not me.sees_store(code)]:
        problems.append(("audience.stores", f"不在你的管理范围内：{'、'.join(outside)}"))
    if problems:
        return problems
    try:
        reached = await audience_guides(org, dict(audience))
    except UnknownCodes:
        return []  # the publisher's own check names each unknown code
    in_scope = set(await Guide.filter(store__code__in=list(me.store_codes or ())).values_list("userid", flat=True))
    if outside := reached - in_scope:
        return [("audience", f"有 {len(outside)} 位导购不在你的管理范围内")]
    return []


async def audience_in_words(org: OrgService, audience: Mapping) -> list[tuple[str, list[str]]]:
    """Whom a task goes to as the poster picked it: (全体导购, []) or each part with its units' names, so a draft
    is checked by name before it is published; a code the org no longer has is shown as it is."""
    if audience.get("all"):
        return [("全体导购", [])]
    parts = []
    for key, title, level in NAMED_PARTS:
        codes = list(audience.get(key, []))
        if codes:
            names = await org.unit_names(level, codes)
            parts.append((title, [names.get(code, code) for code in codes]))
    return parts
