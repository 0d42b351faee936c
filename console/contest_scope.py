"""Which contests a branch lead or store manager sees, and which they may set up or settle.

A scoped person watches every contest one of their stores plays in (as a branch team, a
store in a squad, or a guide named in a squad). Setting one up or settling its days, where
HQ lets branch leads post, needs every team inside their scope: a branch lead runs PKs
between their own stores, never one that pays another branch's guides.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from contests.book import Running
from contests.lineup import Lineup
from org.models import Guide, Store
from staff.access import Principal

OUT_OF_SCOPE = "不在你的管理范围内"


@dataclass(frozen=True)
class Reach:
    """A scoped person's stores, the branches those stores are in, and the guides who work there."""

    stores: frozenset[str]
    branches: frozenset[str]
    guides: frozenset[str]

    @classmethod
    async def of(cls, me: Principal) -> Reach:
        stores = list(me.store_codes or ())
        return cls(
            frozenset(stores),
            frozenset(await Store.filter(code__in=stores).values_list("branch__code", flat=True)),
            frozenset(await Guide.filter(store__code__in=stores).values_list("userid", flat=True)),
        )

    def involved_in(self, lineup: Lineup) -> bool:
        return bool(
            self.branches.intersection(lineup.branches)
            or self.stores.intersection(lineup.stores)
            or self.guides.intersection(lineup.named_guides)
        )


async def visible(me: Principal, contests: Iterable[Running]) -> list[Running]:
    if me.is_hq:
        return list(contests)
    reach = await Reach.of(me)
    return [running for running in contests if reach.involved_in(running.lineup)]


async def sees_contest(me: Principal, running: Running) -> bool:
    return bool(await visible(me, [running]))


async def runs_within(me: Principal, running: Running) -> bool:
    """Every team of the contest is the person's: theirs to settle."""
    if me.is_hq:
        return True
    lineup = running.lineup
    return not (await _outside(me, lineup.branches, lineup.stores, lineup.named_guides))


async def scope_problems(me: Principal, values: dict) -> list[tuple[str, str]]:
    """A new contest's teams outside the person's scope, field by field (for HQ: none)."""
    teams = values.get("teams")
    if me.is_hq or teams is None:
        return []
    problems = [("teams.branches", f"{code} {OUT_OF_SCOPE}") for code in await _outside(me, branches=teams.branches)]
    for n, squad in enumerate(teams.squads):
        problems += [(f"teams.squads.{n}.stores", f"{code} {OUT_OF_SCOPE}")
                     for code in await _outside(me, stores=squad.stores)]  # fmt: skip
        problems += [(f"teams.squads.{n}.guides", f"{userid} {OUT_OF_SCOPE}")
                     for userid in await _outside(me, guides=squad.guides)]  # fmt: skip
    return problems


async def _outside(
    me: Principal, branches: Iterable[str] = (), stores: Iterable[str] = (), guides: Iterable[str] = ()
) -> list[str]:
    """The named branches, stores and guides the person does not look after (unknown ones too: they look alike)."""
    guides = list(dict.fromkeys(guides))
    mine = set(await Guide.filter(userid__in=guides, store__code__in=list(me.store_codes or ())).values_list(
        "userid", flat=True
    )) if guides else set()  # fmt: skip
    return (
        [code for code in dict.fromkeys(branches) if not me.sees_branch(code)]
        + [code for code in dict.fromkeys(stores) if not me.sees_store(code)]
        + [userid for userid in guides if userid not in mine]
    )
