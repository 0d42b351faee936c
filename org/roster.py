"""The roster's changes: who is new, who moved store, who left and who came back, read before HR's file is applied.

An HR upload can mark hundreds of guides as left at once, and a leaver stops getting
tasks and pushes; so HQ sees the changes first (`preview`), then applies the same file
with `OrgService.import_org`, which makes exactly these changes. Nothing here writes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from org.checks import check_import, where_in
from org.models import Branch, Guide, Store
from org.schemas import OrgImport


@dataclass(frozen=True)
class StoreRef:
    code: str
    name: str


@dataclass(frozen=True)
class GuideChange:
    """A guide in one of the change lists, by name and store, as a person reads it.

    `store` is where they are after the import (for a leaver: the store they leave);
    `previous_store` is where a moved (or rejoining) guide was, else None.
    """

    userid: str
    name: str
    store: StoreRef
    previous_store: StoreRef | None = None


@dataclass(frozen=True)
class UnitChange:
    """A store or branch the import creates (`previous_name` None) or renames."""

    code: str
    name: str
    previous_name: str | None = None


@dataclass(frozen=True)
class RosterChanges:
    """What an import would change in the roster; `complete`: the file is the whole roster, so it marks leavers."""

    complete: bool
    new: tuple[GuideChange, ...] = ()
    moved: tuple[GuideChange, ...] = ()
    left: tuple[GuideChange, ...] = ()
    rejoined: tuple[GuideChange, ...] = ()
    new_branches: tuple[UnitChange, ...] = ()
    renamed_branches: tuple[UnitChange, ...] = ()
    new_stores: tuple[UnitChange, ...] = ()
    renamed_stores: tuple[UnitChange, ...] = ()


async def preview(data: OrgImport) -> RosterChanges:
    """The changes importing `data` would make, without writing; raises OrgImportError as the import would."""
    await check_import(data)
    current = {g.userid: g for g in await where_in(Guide.all().select_related("store"), "userid", _userids(data))}
    stores = await _store_refs(data)
    new, moved, rejoined = [], [], []
    for row in sorted(data.guides, key=lambda g: g.userid):
        guide = current.get(row.userid)
        if guide is None:
            new.append(GuideChange(row.userid, row.name, stores[row.store]))
            continue
        previous = _ref(guide.store) if guide.store.code != row.store else None
        if guide.left_at is not None:
            rejoined.append(GuideChange(row.userid, row.name, stores[row.store], previous))
        elif previous is not None:
            moved.append(GuideChange(row.userid, row.name, stores[row.store], previous))
    left = [GuideChange(g.userid, g.name, _ref(g.store)) for g in await unlisted_guides(data)]
    new_branches, renamed_branches = await _units(Branch, {b.code: b.name for b in data.branches})
    new_stores, renamed_stores = await _units(Store, {s.code: s.name for s in data.stores})
    return RosterChanges(
        data.complete,
        tuple(new),
        tuple(moved),
        tuple(left),
        tuple(rejoined),
        new_branches,
        renamed_branches,
        new_stores,
        renamed_stores,
    )


async def unlisted_guides(data: OrgImport) -> list[Guide]:
    """The guides on the roster whom a complete roster leaves out (they have left), with their store; by UserID.

    A partial import leaves nobody out. Only the leavers are loaded, however large the roster.
    """
    if not data.complete:
        return []
    listed = _userids(data)
    on_roster = await Guide.filter(left_at__isnull=True).values_list("id", "userid")
    ids = [pk for pk, userid in on_roster if userid not in listed]
    return sorted(await where_in(Guide.all().select_related("store"), "id", ids), key=lambda g: g.userid)


async def who_left(userids: Iterable[str]) -> set[str]:
    """Those of `userids` who left: a push composed for many guides leaves them out."""
    return {g.userid for g in await where_in(Guide.filter(left_at__isnull=False), "userid", set(userids))}


async def has_left(userid: str) -> bool:
    """Whether a guide left: a push to them alone is dropped (their coins, badges and sales still count)."""
    return await Guide.filter(userid=userid, left_at__isnull=False).exists()


def _userids(data: OrgImport) -> set[str]:
    return {g.userid for g in data.guides}


def _ref(store: Store) -> StoreRef:
    return StoreRef(store.code, store.name)


async def _store_refs(data: OrgImport) -> dict[str, StoreRef]:
    """The store each listed guide will be in, named as the file names it, else as the database does."""
    in_file = {s.code: StoreRef(s.code, s.name) for s in data.stores}
    elsewhere = {g.store for g in data.guides} - in_file.keys()
    return in_file | {s.code: _ref(s) for s in await where_in(Store, "code", elsewhere)}


async def _units(
    model: type[Branch | Store], names: dict[str, str]
) -> tuple[tuple[UnitChange, ...], tuple[UnitChange, ...]]:
    """(new, renamed) among the listed stores or branches, by code."""
    existing = {unit.code: unit.name for unit in await where_in(model, "code", names)}
    new = tuple(UnitChange(code, name) for code, name in sorted(names.items()) if code not in existing)
    renamed = tuple(
        UnitChange(code, name, existing[code])
        for code, name in sorted(names.items())
        if code in existing and existing[code] != name
    )
    return new, renamed
