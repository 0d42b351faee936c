"""A contest's boards follow the same facts as every board, and come back identical after a Redis wipe."""

from decimal import Decimal

from contests.rules import Ranking
from tasks.schemas import SaleIn
from tests.support.contests import DAY1, DAY2, at


async def sell(sales, order_id: str, guide: str, amount: str, when):
    await sales.record(SaleIn(order_id=order_id, guide=guide, amount=Decimal(amount), sold_at=when))


async def test_only_the_contests_metric_and_its_teams_players_count(create, sales, clock, standings):
    contest = await create(metric="orders", daily_team_target=2, personal_daily_target=1,
                           teams={"squads": [{"code": "A", "name": "南京东路", "stores": ["SH01"]},
                                             {"code": "B", "name": "王府井", "stores": ["BJ01"]}]})  # fmt: skip
    clock.set(at(DAY1, 18))
    await sell(sales, "A-1", "zhangsan", "999", at(DAY1, 10))
    await sell(sales, "X-1", "lisi", "50", at(DAY1, 11))  # 徐家汇店 is in no squad

    day = await standings.of_day(contest, DAY1)

    assert [(s.code, s.total) for s in day.teams] == [("A", 1), ("B", 0)]


async def test_contest_boards_come_back_identical_after_a_redis_wipe(create, sales, clock, standings, leaderboards,
                                                                   redis):  # fmt: skip
    contest = await create(individual=True)
    await sell(sales, "SH-1", "zhangsan", "800", at(DAY1, 10))
    await sell(sales, "BJ-1", "wangwu", "800", at(DAY1, 9))
    clock.set(at(DAY2, 12))
    await sell(sales, "SH-2", "lisi", "300", at(DAY2, 10))

    async def everything():
        return (
            await standings.of_day(contest, DAY1),
            await standings.of_day(contest, DAY2, Ranking.PER_CAPITA),
            await standings.of_contest(contest),
            await standings.guides(contest),
        )

    before = await everything()
    await redis.flushdb()
    await leaderboards.rebuild()

    assert await everything() == before
    assert [s.member for s in before[3]] == ["wangwu", "zhangsan", "lisi"]
