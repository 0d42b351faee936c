"""Each contest day closes once: winners computed, coins paid once, every participant told once."""

import asyncio
from datetime import timedelta
from decimal import Decimal

import pytest

from contests.errors import DayOutsideContest, NotYet
from kernel.models import EventRecord
from kernel.retry_queue import DEAD, PROCESSING
from rewards.models import CoinEntry
from tasks.schemas import SaleIn
from tests.support.contests import DAY1, DAY2, DAY3, at, just_after
from tests.support.org import mark_left


async def sell(sales, order_id: str, guide: str, amount: str, when, **extra):
    await sales.record(SaleIn(order_id=order_id, guide=guide, amount=Decimal(amount), sold_at=when, **extra))


async def balances(ledger) -> dict[str, int]:
    return {guide: await ledger.balance(guide) for guide in ("zhangsan", "lisi", "wangwu", "zhaoliu")}


@pytest.fixture
async def may_day(create, sales, clock):
    """Day 1: 上海 ¥1100 (张三 800, 李四 300), 北京 ¥600 (王五); the clock is then just past midnight."""
    contest = await create()
    clock.set(at(DAY1, 9))
    await sell(sales, "SH-1", "zhangsan", "800", at(DAY1, 10))
    await sell(sales, "SH-2", "lisi", "300", at(DAY1, 11))
    await sell(sales, "BJ-1", "wangwu", "600", at(DAY1, 12))
    clock.set(just_after(DAY1))
    return contest


async def test_the_winning_team_and_everyone_past_their_target_are_paid(may_day, settlement, ledger):
    settled = await settlement.settle(may_day.id, DAY1)

    assert settled.current["outcome"]["winner"] == "SH"
    assert await balances(ledger) == {"zhangsan": 30, "lisi": 20, "wangwu": 10, "zhaoliu": 0}


async def test_settling_a_day_again_pays_nothing_more(may_day, settlement, ledger, notifier):
    first = await settlement.settle(may_day.id, DAY1)
    again = await settlement.settle(may_day.id, DAY1)

    assert again.id == first.id
    assert await balances(ledger) == {"zhangsan": 30, "lisi": 20, "wangwu": 10, "zhaoliu": 0}
    assert await CoinEntry.filter(source_type="contest").count() == 4
    assert len(notifier.sent) == 4


async def test_two_settlements_at_once_pay_once(may_day, settlement, ledger):
    first, second = await asyncio.gather(settlement.settle(may_day.id, DAY1), settlement.settle(may_day.id, DAY1))

    assert first.id == second.id
    assert await balances(ledger) == {"zhangsan": 30, "lisi": 20, "wangwu": 10, "zhaoliu": 0}
    assert await CoinEntry.filter(source_type="contest").count() == 4


async def test_every_participant_gets_one_short_result_message(may_day, settlement, notifier):
    await settlement.settle(may_day.id, DAY1)

    [mine] = notifier.texts_to("zhangsan")
    assert sorted(guide for guide, _ in notifier.sent.values()) == ["lisi", "wangwu", "zhangsan", "zhaoliu"]
    assert "🏆 上海分公司 获胜" in mine
    assert "你贡献 ¥800" in mine
    assert "20 金币（获胜战队）" in mine and "10 金币（个人目标达成）" in mine
    assert "第 2 名" in notifier.texts_to("zhaoliu")[0]
    assert max(len(text) for _, text in notifier.sent.values()) < 120


async def test_a_day_is_settled_only_once_it_has_ended_in_shanghai(may_day, settlement, clock):
    clock.set(at(DAY1, 23, 59))
    with pytest.raises(NotYet, match="has not ended"):
        await settlement.settle(may_day.id, DAY1)

    clock.advance(minutes=1)  # midnight in Shanghai, 16:00 UTC
    assert (await settlement.settle(may_day.id, DAY1)).day == DAY1


async def test_a_day_outside_the_contest_is_refused(may_day, settlement, clock):
    clock.set(just_after(DAY3 + timedelta(days=1)))

    with pytest.raises(DayOutsideContest):
        await settlement.settle(may_day.id, DAY3 + timedelta(days=1))


async def test_no_team_wins_a_day_on_which_none_reached_the_target(create, sales, clock, settlement, ledger):
    contest = await create(daily_team_target=5000)
    await sell(sales, "SH-1", "zhangsan", "800", at(DAY1, 10))
    clock.set(just_after(DAY1))

    settled = await settlement.settle(contest.id, DAY1)

    assert settled.current["outcome"]["winner"] is None
    assert await balances(ledger) == {"zhangsan": 10, "lisi": 0, "wangwu": 0, "zhaoliu": 0}


async def test_equal_totals_go_to_the_team_that_got_there_first(create, sales, clock, settlement):
    contest = await create()
    await sell(sales, "BJ-1", "wangwu", "1000", at(DAY1, 15))
    await sell(sales, "SH-1", "zhangsan", "1000", at(DAY1, 10))
    clock.set(just_after(DAY1))

    assert (await settlement.settle(contest.id, DAY1)).current["outcome"]["winner"] == "SH"


async def test_the_final_ranking_prizes_come_with_the_last_day_settled(
    may_day, sales, clock, settlement, ledger, notifier
):
    await sell(sales, "BJ-2", "zhaoliu", "2000", at(DAY2, 10))  # 北京 leads over the three days
    clock.set(just_after(DAY3))
    await settlement.settle(may_day.id, DAY3)
    await settlement.settle(may_day.id, DAY1)
    before_last = await balances(ledger)

    await settlement.settle(may_day.id, DAY2)

    finals = dict(await CoinEntry.filter(source_id__contains=":final:").values_list("guide_userid", "amount"))
    assert finals == {"wangwu": 100, "zhaoliu": 100, "zhangsan": 50, "lisi": 50}
    assert before_last == {"zhangsan": 30, "lisi": 20, "wangwu": 10, "zhaoliu": 0}
    assert "比赛结束！总冠军 北京分公司" in notifier.sent[f"contest:{may_day.id}:{DAY2}:lisi"][1]


async def test_a_fact_still_on_its_way_to_the_boards_holds_the_day_back(may_day, settlement):
    payload = {"sale_id": 99, "order_id": "X", "guide_userid": "lisi", "store_code": "", "amount": "50", "orders": 1,
               "channel": "", "sold_at": at(DAY1, 20).isoformat(), "self_reported": False}  # fmt: skip
    row = await EventRecord.create(name="SaleRecorded", payload=payload, occurred_at=at(DAY2), status=PROCESSING)

    with pytest.raises(NotYet, match="still being counted"):
        await settlement.settle(may_day.id, DAY1)
    await EventRecord.filter(id=row.id).update(status=DEAD)
    with pytest.raises(NotYet, match="replay"):
        await settlement.settle(may_day.id, DAY1)


async def test_a_participant_who_left_is_paid_their_prize_but_not_told(may_day, settlement, ledger, notifier):
    await mark_left("lisi")

    await settlement.settle(may_day.id, DAY1)

    assert await ledger.balance("lisi") == 20
    assert notifier.texts_to("lisi") == []
    assert len(notifier.sent) == 3
