"""A sale or refund that arrives after its day was settled corrects the day in the open, never silently."""

from decimal import Decimal

import pytest

from contests.models import ContestCorrection, ContestDay
from kernel.event_bus import DomainEvent
from kernel.models import EventRecord
from rewards.models import CoinEntry
from tasks.schemas import SaleIn
from tests.support.contests import DAY1, DAY2, DAY3, at, just_after
from tests.support.org import mark_left


async def sell(sales, order_id: str, guide: str, amount: str, when, **extra):
    await sales.record(SaleIn(order_id=order_id, guide=guide, amount=Decimal(amount), sold_at=when, **extra))


@pytest.fixture
async def settled_day1(create, sales, clock, settlement):
    """Day 1 settled with 上海 at ¥900, short of the ¥1000 target: no winner. 张三 ¥600 made his own target."""
    contest = await create()
    await sell(sales, "SH-1", "zhangsan", "600", at(DAY1, 10))
    await sell(sales, "SH-2", "lisi", "300", at(DAY1, 11))
    clock.set(just_after(DAY1))
    await settlement.settle(contest.id, DAY1)
    return contest


async def test_a_late_sale_that_makes_a_winner_is_a_correction_and_pays_the_difference(
    settled_day1, sales, clock, ledger, corrections
):
    clock.advance(hours=2)
    await sell(sales, "SH-LATE", "lisi", "200", at(DAY1, 21))  # sold on day 1, reported on day 2

    [correction] = await corrections.of_contest(settled_day1.id)
    assert correction.day == DAY1 and correction.source.startswith("sale:")
    assert "上海分公司 ¥900 → ¥1,100" in correction.summary and "获胜战队 无 → 上海分公司" in correction.summary
    assert {(c["subject"], c["code"]): (c["before"], c["after"]) for c in correction.changes} == {
        ("team", "SH"): ("900.00", "1100.00"),
        ("guide", "lisi"): ("300.00", "500.00"),
        ("winner", ""): (None, "SH"),
        ("coins", "zhangsan"): (10, 30),
        ("coins", "lisi"): (0, 30),
    }
    assert (await ledger.balance("zhangsan"), await ledger.balance("lisi")) == (30, 30)
    assert "结果更正" in (await ledger.recent("lisi", 1))[0].reason


async def test_the_guides_whose_coins_changed_are_told_why(settled_day1, sales, clock, notifier):
    clock.advance(hours=2)
    await sell(sales, "SH-LATE", "lisi", "200", at(DAY1, 21))

    told = {guide: text for key, (guide, text) in notifier.sent.items() if key.startswith("contest-correction:")}
    assert sorted(told) == ["lisi", "zhangsan"]
    assert "获胜战队 无 → 上海分公司" in told["zhangsan"] and "你的金币 +20" in told["zhangsan"]
    assert "你的金币 +30" in told["lisi"]


async def test_a_late_refund_takes_the_prizes_it_undoes_back(create, sales, clock, settlement, ledger, corrections):
    contest = await create()
    await sell(sales, "SH-1", "zhangsan", "800", at(DAY1, 10))
    await sell(sales, "SH-2", "lisi", "300", at(DAY1, 11))
    clock.set(just_after(DAY1))
    await settlement.settle(contest.id, DAY1)
    paid = (await ledger.balance("zhangsan"), await ledger.balance("lisi"))

    await sell(sales, "SH-1-R", "zhangsan", "-400", at(DAY1, 19), orders=-1, refund_of="SH-1")

    assert paid == (30, 20)
    assert (await ledger.balance("zhangsan"), await ledger.balance("lisi")) == (0, 0)
    [correction] = await corrections.of_contest(contest.id)
    assert "获胜战队 上海分公司 → 无" in correction.summary


async def test_the_day_as_settled_is_kept_beside_the_corrected_one(settled_day1, sales, clock):
    await sell(sales, "SH-LATE", "lisi", "200", at(DAY1, 21))

    day = await ContestDay.get(contest_id=settled_day1.id, day=DAY1)
    assert (day.settled["outcome"]["winner"], day.current["outcome"]["winner"]) == (None, "SH")


async def test_a_late_fact_delivered_again_corrects_nothing_twice(settled_day1, sales, clock, ledger, corrections):
    await sell(sales, "SH-LATE", "lisi", "200", at(DAY1, 21))
    stored = await EventRecord.filter(name="SaleRecorded").order_by("-id").first()

    await corrections.record_event(DomainEvent.from_record(stored))

    assert await ContestCorrection.all().count() == 1
    assert await ledger.balance("lisi") == 30


async def test_a_sale_for_a_day_not_yet_settled_just_counts(settled_day1, sales, clock, settlement, ledger):
    clock.set(at(DAY2, 10))
    await sell(sales, "SH-3", "lisi", "1000", at(DAY2, 9))
    clock.set(just_after(DAY2))

    await settlement.settle(settled_day1.id, DAY2)

    assert await ContestCorrection.all().count() == 0
    assert await ledger.balance("lisi") == 30


async def test_a_late_fact_after_the_finish_corrects_the_final_ranking_too(
    settled_day1, sales, clock, settlement, ledger, corrections
):
    clock.set(at(DAY2, 10))
    await sell(sales, "BJ-1", "wangwu", "950", at(DAY2, 9))  # 北京 ¥950 leads 上海 ¥900 over the contest
    clock.set(just_after(DAY3))
    for day in (DAY2, DAY3):
        await settlement.settle(settled_day1.id, day)
    final_before = await ledger.balance("zhangsan")

    await sell(sales, "SH-LATE", "zhangsan", "100", at(DAY3, 20))  # 上海 ¥1000 overtakes

    [correction] = await corrections.of_contest(settled_day1.id)
    changes = {(c["subject"], c["code"]): (c["before"], c["after"]) for c in correction.changes}
    assert changes[("final_winner", "")] == ("BJ", "SH")
    assert changes[("final_coins", "zhangsan")] == (50, 100)
    assert await ledger.balance("zhangsan") - final_before == 50
    assert await CoinEntry.filter(guide_userid="wangwu", source_id__contains="final:correction").count() == 1


async def test_a_guide_who_left_gets_the_corrected_coins_without_a_push(settled_day1, sales, clock, ledger, notifier):
    await mark_left("lisi")
    clock.advance(hours=2)
    await sell(sales, "SH-LATE", "lisi", "200", at(DAY1, 21))

    told = [guide for key, (guide, _) in notifier.sent.items() if key.startswith("contest-correction:")]
    assert told == ["zhangsan"]
    assert await ledger.balance("lisi") == 30
