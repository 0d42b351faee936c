"""Reading and importing the organisation."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable

from tortoise.models import Model
from tortoise.transactions import in_transaction

from org.models import Branch, Guide, OrgRole, Region, Role, Store, Team, TeamMember
from org.schemas import GuideOut, ImportReport, KindReport, OrgImport, RoleIn, StoreOut, TeamOut

MAX_CACHED_GUIDES = 50_000


class OrgImportError(ValueError):
    """The import refers to something unknown or repeats a code; nothing was changed.

    `fields` names where each problem is (`roles.2.store`) when it is known, else `body`.
    """

    def __init__(self, problems: list[str], fields: list[str] | None = None) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems
        self.fields = fields or ["body"] * len(problems)


class UnknownCodes(OrgImportError):
    """An audience names codes that do not exist: `unknown` holds (kind, code) pairs, e.g. ("stores", "NOPE")."""

    def __init__(self, unknown: list[tuple[str, str]]) -> None:
        super().__init__([f"{kind}: unknown {code!r}" for kind, code in unknown])
        self.unknown = unknown


class OrgService:
    """Guides are looked up for every event, so lookups are cached briefly (and dropped on import)."""

    def __init__(self, cache_seconds: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self._cache: dict[str, tuple[float, Guide | None]] = {}
        self._cache_seconds = cache_seconds
        self._clock = clock

    async def guide(self, userid: str) -> Guide | None:
        now = self._clock()
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
        """Upsert everything in one transaction: all of it lands, or none of it."""
        _reject_repeats(data)
        self._cache.clear()
        report = ImportReport()
        async with in_transaction():
            regions = await _upsert(Region, "code", [r.model_dump() for r in data.regions], report.regions)
            region_ids = await _ids(Region, "code", {b.region for b in data.branches}, regions, "region")
            branches = await _upsert(
                Branch,
                "code",
                [{"code": b.code, "name": b.name, "region_id": region_ids[b.region]} for b in data.branches],
                report.branches,
            )
            branch_ids = await _ids(Branch, "code", {s.branch for s in data.stores}, branches, "branch")
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
            store_ids = await _ids(Store, "code", {g.store for g in data.guides}, stores, "store")
            guides = await _upsert(
                Guide,
                "userid",
                [{"userid": g.userid, "name": g.name, "store_id": store_ids[g.store]} for g in data.guides],
                report.guides,
            )
            members = {userid for team in data.teams for userid in team.members}
            guide_ids = await _ids(Guide, "userid", members, guides, "guide")
            teams = await _upsert(Team, "code", [{"code": t.code, "name": t.name} for t in data.teams], report.teams)
            for team in data.teams:
                added, removed = await _set_members(teams[team.code], {guide_ids[u] for u in team.members})
                report.team_members_added += added
                report.team_members_removed += removed
            if data.roles is not None:
                report.roles_added, report.roles_removed = await _replace_roles(data.roles, stores, branches, guides)
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
        """The UserIDs of an audience; unknown codes raise UnknownCodes naming each of them."""
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
            return set(await Guide.all().values_list("userid", flat=True))
        chosen = set(guides)
        for lookup, codes in (
            ("store__branch__region__code__in", regions),
            ("store__branch__code__in", branches),
            ("store__code__in", stores),
            ("teams__team__code__in", teams),
        ):
            if codes:
                chosen |= set(await Guide.filter(**{lookup: codes}).values_list("userid", flat=True))
        return chosen

    async def guides_by_userid(self, userids: list[str]) -> dict[str, Guide]:
        """Guides with their store and branch, for reports over any number of UserIDs."""
        found: dict[str, Guide] = {}
        for start in range(0, len(userids), 900):
            chunk = userids[start : start + 900]
            found |= {g.userid: g for g in await Guide.filter(userid__in=chunk).select_related("store__branch")}
        return found

    async def unit_names(self, level: str, codes: list[str]) -> dict[str, str]:
        """Names of stores or branches by code."""
        model = {"store": Store, "branch": Branch}[level]
        return dict(await model.filter(code__in=codes).values_list("code", "name"))

    async def list_guides(self, store: str | None = None) -> list[GuideOut]:
        query = Guide.all().select_related("store").order_by("userid")
        if store:
            query = query.filter(store__code=store)
        return [
            GuideOut(userid=g.userid, name=g.name, store=g.store.code, store_name=g.store.name) for g in await query
        ]

    async def list_stores(self) -> list[StoreOut]:
        counts = Counter(await Guide.all().values_list("store_id", flat=True))
        stores = await Store.all().select_related("branch__region").order_by("code")
        return [
            StoreOut(code=s.code, name=s.name, branch=s.branch.code, region=s.branch.region.code, guides=counts[s.id])
            for s in stores
        ]

    async def list_teams(self) -> list[TeamOut]:
        teams = await Team.all().order_by("code").prefetch_related("members__guide")
        return [TeamOut(code=t.code, name=t.name, members=sorted(m.guide.userid for m in t.members)) for t in teams]


def _reject_repeats(data: OrgImport) -> None:
    problems = []
    for kind, key in (
        ("regions", "code"),
        ("branches", "code"),
        ("stores", "code"),
        ("guides", "userid"),
        ("teams", "code"),
    ):
        counts = Counter(getattr(row, key) for row in getattr(data, kind))
        problems += [f"{kind}: {key} {value!r} appears {n} times" for value, n in counts.items() if n > 1]
    if problems:
        raise OrgImportError(problems)


async def _upsert(model: type[Model], key: str, rows: list[dict], report: KindReport) -> dict[str, Model]:
    """Create the new rows in bulk, update the changed ones; the rows by key, with ids."""
    existing = {getattr(obj, key): obj for obj in await _where_in(model, key, [r[key] for r in rows])}
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
        existing |= {getattr(obj, key): obj for obj in await _where_in(model, key, [r[key] for r in new])}
    return {row[key]: existing[row[key]] for row in rows}


async def _where_in(model: type[Model], key: str, values: list[str], chunk: int = 900) -> list[Model]:
    """`key IN values` in chunks: SQLite caps the parameters of one statement."""
    found: list[Model] = []
    for start in range(0, len(values), chunk):
        found += await model.filter(**{f"{key}__in": values[start : start + chunk]})
    return found


async def _ids(model: type[Model], key: str, wanted: set[str], in_file: dict[str, Model], kind: str) -> dict[str, int]:
    """Ids for the codes rows refer to: from this file or already in the database."""
    ids = await _known(model, key, wanted, in_file)
    unknown = sorted(wanted - ids.keys())
    if unknown:
        raise OrgImportError([f"unknown {kind} {code!r}" for code in unknown])
    return ids


async def _replace_roles(
    roles: list[RoleIn], stores: dict[str, Model], branches: dict[str, Model], guides: dict[str, Model]
) -> tuple[int, int]:
    """Make the roles exactly `roles`: (added, removed). Each unknown guide, store or branch is named by its field."""
    store_ids = await _known(Store, "code", {r.store for r in roles if r.store}, stores)
    branch_ids = await _known(Branch, "code", {r.branch for r in roles if r.branch}, branches)
    userids = await _known(Guide, "userid", {r.userid for r in roles}, guides)
    fields, problems = [], []
    for n, role in enumerate(roles):
        for name, value, known, kind in (
            ("userid", role.userid, userids, "导购"),
            ("store", role.store, store_ids, "门店"),
            ("branch", role.branch, branch_ids, "分公司"),
        ):
            if value is not None and value not in known:
                fields.append(f"roles.{n}.{name}")
                problems.append(f"没有这个{kind}：{value!r} (unknown {name})")
    if problems:
        raise OrgImportError(problems, fields)
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
    for start in range(0, len(gone), 900):
        await OrgRole.filter(id__in=gone[start : start + 900]).delete()
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
        ids |= {getattr(obj, key): obj.pk for obj in await _where_in(model, key, list(missing))}
    return ids


async def _set_members(team: Team, guide_ids: set[int]) -> tuple[int, int]:
    current = set(await TeamMember.filter(team=team).values_list("guide_id", flat=True))
    await TeamMember.filter(team=team, guide_id__in=list(current - guide_ids)).delete()
    await TeamMember.bulk_create([TeamMember(team=team, guide_id=gid) for gid in guide_ids - current])
    return len(guide_ids - current), len(current - guide_ids)
