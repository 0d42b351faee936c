"""Standings as total, per capita or share of target; a guide counts for the team they played for that day."""

from decimal import Decimal
from fractions import Fraction

import pytest

from contests.rules import Ranking
from org.service import OrgService
from tasks.schemas import SaleIn
from tests.support.contests import DAY1, DAY2, PK_ORG, at, just_after

SQUADS = {"squads": [
    {"code": "EAST", "name": "东方战队", "stores": ["SH01", "SH02"]},
    {"code": "NORTH", "name": "北方战队", "guides": ["wangwu"]},
]}  # fmt: skip


async def sell(sales, order_id: str, guide: str, amount: str, when):
    await sales.record(SaleIn(order_id=order_id, guide=guide, amount=Decimal(amount), sold_at=when))


def table(standings) -> list[tuple]:
    return [(s.rank, s.code, s.total, s.members) for s in standings.teams]


@pytest.fixture
async def squads(create, sales, clock):
    """东方 (张三, 李四) ¥1000 against 北方 (王五 alone) ¥600 on day 1."""
    contest = await create(teams=SQUADS)
    clock.set(at(DAY1, 18))
    await sell(sales, "E-1", "zhangsan", "700", at(DAY1, 10))
    await sell(sales, "E-2", "lisi", "300", at(DAY1, 11))
    await sell(sales, "N-1", "wangwu", "600", at(DAY1, 12))
    return contest


async def test_teams_rank_by_their_total_by_default(squads, standings):
    day = await standings.of_day(squads, DAY1)

    assert table(day) == [(1, "EAST", 100000, 2), (2, "NORTH", 60000, 1)]


async def test_per_capita_counts_the_members_of_the_day(squads, standings):
    day = await standings.of_day(squads, DAY1, Ranking.PER_CAPITA)

    assert [(s.code, s.per_capita) for s in day.teams] == [("NORTH", 60000), ("EAST", 50000)]


async def test_a_share_of_the_daily_target_reads_as_a_fraction_of_it(squads, standings):
    day = await standings.of_day(squads, DAY1, Ranking.TARGET)

    assert [(s.code, s.target_share) for s in day.teams] == [("EAST", 1), ("NORTH", Fraction(3, 5))]


async def test_the_contest_so_far_adds_up_its_days(squads, sales, clock, standings):
    clock.set(at(DAY2, 12))
    await sell(sales, "N-2", "wangwu", "900", at(DAY2, 10))

    so_far = await standings.of_contest(squads)

    assert table(so_far) == [(1, "NORTH", 150000, 1), (2, "EAST", 100000, 2)]


async def test_a_guide_who_moves_store_keeps_what_they_earned_for_the_old_team(create, sales, clock, standings,
                                                                             settlement, ledger):  # fmt: skip
    contest = await create()
    await sell(sales, "SH-1", "zhangsan", "1200", at(DAY1, 10))
    clock.set(at(DAY2, 9))
    moved = PK_ORG.model_copy(deep=True)
    moved.guides[0].store = "BJ01"  # 张三 moves to 王府井店 (北京) on day 2
    await OrgService().import_org(moved)
    await sell(sales, "BJ-1", "zhangsan", "300", at(DAY2, 10))
    clock.set(just_after(DAY2))

    day1 = await settlement.settle(contest.id, DAY1)
    day2 = await standings.of_day(contest, DAY2)
    so_far = await standings.of_contest(contest)

    assert day1.current["outcome"]["winner"] == "SH"
    assert await ledger.balance("zhangsan") == 30  # 上海's win and his own target, kept after the move
    assert table(day2) == [(1, "BJ", 30000, 3), (2, "SH", 0, 1)]
    assert [(s.code, s.total) for s in so_far.teams] == [("SH", 120000), ("BJ", 30000)]
