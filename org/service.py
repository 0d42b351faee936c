"""Reading and importing the organisation."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import datetime

from tortoise.models import Model
from tortoise.transactions import in_transaction

from kernel.clock import Clock, SystemClock
from org.checks import CHUNK, OrgImportError, check_import, where_in
from org.models import Branch, Guide, OrgRole, Region, Role, Store, Team, TeamMember
from org.roster import unlisted_guides
from org.schemas import GuideOut, ImportReport, KindReport, OrgImport, RoleIn, StoreOut, TeamOut

MAX_CACHED_GUIDES = 50_000
# unit_names' levels: the model and the field its codes name
UNIT_LEVELS: dict[str, tuple[type[Model], str]] = {
    "region": (Region, "code"),
    "branch": (Branch, "code"),
    "store": (Store, "code"),
    "team": (Team, "code"),
    "guide": (Guide, "userid"),
}


class UnknownCodes(OrgImportError):
    """An audience names codes that do not exist: `unknown` holds (kind, code) pairs, e.g. ("stores", "NOPE")."""

    def __init__(self, unknown: list[tuple[str, str]]) -> None:
        super().__init__([f"{kind}: unknown {code!r}" for kind, code in unknown])
        self.unknown = unknown


class OrgService:
    """Guides are looked up for every event, so lookups are cached briefly (and dropped on import).

    `clock` dates the leavers of a roster; `monotonic` times the cache.
    """

    def __init__(
        self,
        clock: Clock | None = None,
        *,
        cache_seconds: float = 60.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._cache: dict[str, tuple[float, Guide | None]] = {}
        self._cache_seconds = cache_seconds
        self._clock = clock or SystemClock()
        self._monotonic = monotonic

    async def guide(self, userid: str) -> Guide | None:
        """The guide by UserID, also one who left: their coins, fans and sales stay theirs (see `Guide.left_at`)."""
        now = self._monotonic()
        cached = self._cache.get(userid)
        if cached and cached[0] > now:
            return cached[1]
        guide = await Guide.get_or_none(userid=userid).select_related("store")
        if len(self._cache) >= MAX_CACHED_GUIDES:
            self._cache.clear()
        self._cache[userid] = (now + self._cache_seconds, guide)
        return guide

    async def is_empty(self) -> bool:
        return not await Guide.exists()

    async def import_org(self, data: OrgImport) -> ImportReport:
        """Upsert everything in one transaction: all of it lands, or none of it.

        The changes to the roster are the ones `org.roster.preview` lists for the same file:
        a listed guide who had left rejoins, and a complete roster marks the unlisted as left.
        """
        await check_import(data)
        self._cache.clear()
        report = ImportReport()
        async with in_transaction():
            report.guides_rejoined = len(
                await where_in(Guide.filter(left_at__isnull=False), "userid", [g.userid for g in data.guides])
            )
            regions = await _upsert(Region, "code", [r.model_dump() for r in data.regions], report.regions)
            region_ids = await _known(Region, "code", {b.region for b in data.branches}, regions)
            branches = await _upsert(
                Branch,
                "code",
                [{"code": b.code, "name": b.name, "region_id": region_ids[b.region]} for b in data.branches],
                report.branches,
            )
            branch_ids = await _known(Branch, "code", {s.branch for s in data.stores}, branches)
            stores = await _upsert(
                Store,
                "code",
                [
                    {
                        "code": s.code,
                        "name": s.name,
                        "branch_id": branch_ids[s.branch],
                        "fan_target_per_guide_daily": s.fan_target_per_guide_daily,
                    }
                    for s in data.stores
                ],
                report.stores,
            )
            store_ids = await _known(Store, "code", {g.store for g in data.guides}, stores)
            leavers = [guide.pk for guide in await unlisted_guides(data)]
            guides = await _upsert(
                Guide,
                "userid",
                [
                    {"userid": g.userid, "name": g.name, "store_id": store_ids[g.store], "left_at": None}
                    for g in data.guides
                ],
                report.guides,
            )
            report.guides_left = await _mark_left(leavers, self._clock.now())
            members = {userid for team in data.teams for userid in team.members}
            guide_ids = await _known(Guide, "userid", members, guides)
            teams = await _upsert(Team, "code", [{"code": t.code, "name": t.name} for t in data.teams], report.teams)
            for team in data.teams:
                added, removed = await _set_members(teams[team.code], {guide_ids[u] for u in team.members})
                report.team_members_added += added
                report.team_members_removed += removed
            if data.roles is not None:
                report.roles_added, report.roles_removed = await _replace_roles(data.roles, stores, branches)
        return report

    async def resolve_guides(
        self,
        *,
        everyone: bool,
        regions: list[str],
        branches: list[str],
        stores: list[str],
        teams: list[str],
        guides: list[str],
    ) -> set[str]:
        """The UserIDs of an audience's guides on the roster; unknown codes raise UnknownCodes naming each of them.

        A guide who left is no unknown code (a draft may name them) but is never in the audience.
        """
        unknown = []
        for kind, model, key, codes in (
            ("regions", Region, "code", regions),
            ("branches", Branch, "code", branches),
            ("stores", Store, "code", stores),
            ("teams", Team, "code", teams),
            ("guides", Guide, "userid", guides),
        ):
            found = set(await model.filter(**{f"{key}__in": codes}).values_list(key, flat=True)) if codes else set()
            unknown += [(kind, code) for code in codes if code not in found]
        if unknown:
            raise UnknownCodes(unknown)
        if everyone:
            return set(await Guide.on_roster().values_list("userid", flat=True))
        chosen: set[str] = set()
        for lookup, codes in (
            ("userid__in", guides),
            ("store__branch__region__code__in", regions),
            ("store__branch__code__in", branches),
            ("store__code__in", stores),
            ("teams__team__code__in", teams),
        ):
            if codes:
                chosen |= set(await Guide.on_roster().filter(**{lookup: codes}).values_list("userid", flat=True))
        return chosen

    async def guides_by_userid(self, userids: list[str]) -> dict[str, Guide]:
        """Guides with their store and branch, for reports over any number of UserIDs."""
        found: dict[str, Guide] = {}
        for start in range(0, len(userids), 900):
            chunk = userids[start : start + 900]
            found |= {g.userid: g for g in await Guide.filter(userid__in=chunk).select_related("store__branch")}
        return found

    async def unit_names(self, level: str, codes: Iterable[str]) -> dict[str, str]:
        """Names by code (by UserID for guides), one query a level: reports and pages show names where HQ reads them."""
        model, key = UNIT_LEVELS[level]
        wanted = sorted(set(codes))
        return dict(await model.filter(**{f"{key}__in": wanted}).values_list(key, "name")) if wanted else {}

    async def list_guides(self, store: str | None = None, *, include_left: bool = False) -> list[GuideOut]:
        """The guides on the roster by UserID; `include_left` adds those who left (their `left_at` set)."""
        query = (Guide.all() if include_left else Guide.on_roster()).select_related("store").order_by("userid")
        if store:
            query = query.filter(store__code=store)
        return [
            GuideOut(userid=g.userid, name=g.name, store=g.store.code, store_name=g.store.name, left_at=g.left_at)
            for g in await query
        ]

    async def list_stores(self) -> list[StoreOut]:
        """Every store with its branch's and region's codes and names (one joined query), and its guides on the roster."""
        counts = Counter(await Guide.on_roster().values_list("store_id", flat=True))
        stores = await Store.all().select_related("branch__region").order_by("code")
        return [
            StoreOut(
                code=s.code,
                name=s.name,
                branch=s.branch.code,
                branch_name=s.branch.name,
                region=s.branch.region.code,
                region_name=s.branch.region.name,
                guides=counts[s.id],
            )
            for s in stores
        ]

    async def list_teams(self) -> list[TeamOut]:
        teams = await Team.all().order_by("code").prefetch_related("members__guide")
        return [TeamOut(code=t.code, name=t.name, members=sorted(m.guide.userid for m in t.members)) for t in teams]


async def _upsert(model: type[Model], key: str, rows: list[dict], report: KindReport) -> dict[str, Model]:
    """Create the new rows in bulk, update the changed ones; the rows by key, with ids."""
    existing = {getattr(obj, key): obj for obj in await where_in(model, key, [r[key] for r in rows])}
    new = [row for row in rows if row[key] not in existing]
    for row in rows:
        obj = existing.get(row[key])
        if obj is None:
            continue
        if any(getattr(obj, field) != value for field, value in row.items()):
            obj.update_from_dict(row)
            await obj.save()
            report.updated += 1
        else:
            report.unchanged += 1
    if new:
        await model.bulk_create([model(**row) for row in new], batch_size=1000)
        report.created += len(new)
        existing |= {getattr(obj, key): obj for obj in await where_in(model, key, [r[key] for r in new])}
    return {row[key]: existing[row[key]] for row in rows}


async def _mark_left(guide_ids: list[int], at: datetime) -> int:
    """Date the leavers; their rows stay, since coins, fans and sales refer to them."""
    for start in range(0, len(guide_ids), CHUNK):
        await Guide.filter(id__in=guide_ids[start : start + CHUNK]).update(left_at=at)
    return len(guide_ids)


async def _replace_roles(roles: list[RoleIn], stores: dict[str, Model], branches: dict[str, Model]) -> tuple[int, int]:
    """Make the roles exactly `roles` (checked already): (added, removed)."""
    store_ids = await _known(Store, "code", {r.store for r in roles if r.store}, stores)
    branch_ids = await _known(Branch, "code", {r.branch for r in roles if r.branch}, branches)
    wanted = {
        (
            r.userid,
            Role(r.role),
            store_ids.get(r.store) if r.store else None,
            branch_ids.get(r.branch) if r.branch else None,
        )
        for r in roles
    }
    held = {(r.userid, Role(r.role), r.store_id, r.branch_id): r.id for r in await OrgRole.all()}
    gone = [role_id for key, role_id in held.items() if key not in wanted]
    for start in range(0, len(gone), CHUNK):
        await OrgRole.filter(id__in=gone[start : start + CHUNK]).delete()
    await OrgRole.bulk_create(
        [OrgRole(userid=u, role=role, store_id=s, branch_id=b) for u, role, s, b in wanted - held.keys()],
        batch_size=1000,
    )
    return len(wanted - held.keys()), len(gone)


async def _known(model: type[Model], key: str, wanted: set[str], in_file: dict[str, Model]) -> dict[str, int]:
    """Ids of the wanted codes found in this file or in the database; the unknown ones are missing."""
    ids = {code: obj.pk for code, obj in in_file.items() if code in wanted}
    missing = wanted - ids.keys()
    if missing:
        ids |= {getattr(obj, key): obj.pk for obj in await where_in(model, key, missing)}
    return ids


async def _set_members(team: Team, guide_ids: set[int]) -> tuple[int, int]:
    current = set(await TeamMember.filter(team=team).values_list("guide_id", flat=True))
    await TeamMember.filter(team=team, guide_id__in=list(current - guide_ids)).delete()
    await TeamMember.bulk_create([TeamMember(team=team, guide_id=gid) for gid in guide_ids - current])
    return len(guide_ids - current), len(current - guide_ids)
