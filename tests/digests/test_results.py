"""The day's PK: each player's standings so far at 21:30 (provisional), the day settled and benchmarks chosen at 00:05."""

import pytest

from contests.models import ContestDay
from digests.results import NotAllSettled
from kernel.models import EventRecord
from kernel.retry_queue import PENDING
from tests.digests.conftest import may, sell
from tests.support.contests import at, just_after
from tests.support.org import mark_left

SLOT = "evening-results@2026-05-01T13:30:00Z"


@pytest.fixture
async def first_evening(create, sales, selection, clock):
    """Day 1 of the PK at 21:30: 上海 ¥1,100 (张三 800, 李四 300), 北京 ¥600 (王五)."""
    contest = await create()
    clock.set(at(may(1), 10))
    await sell(sales, "SH-1", "zhangsan", "800", at(may(1), 10))
    await sell(sales, "SH-2", "lisi", "300", at(may(1), 11))
    await sell(sales, "BJ-1", "wangwu", "600", at(may(1), 12))
    clock.set(at(may(1), 21, 30))
    return contest


async def test_every_player_hears_their_teams_standing_so_far_and_their_own_figure(first_evening, results, notices):
    sent = await results.send_standings_so_far(at(may(1), 21, 30), SLOT)

    assert sent == 4
    assert notices.texts_to("zhangsan") == [
        "📣 今日PK战况（截至21:30）\n"
        "「五一业绩PK」上海分公司 今日第 1 名 ¥1,100；你今天 ¥800\n"
        "最终结果以零点结算为准，还有时间冲一把！"
    ]
    assert notices.texts_to("zhaoliu") == [
        "📣 今日PK战况（截至21:30）\n"
        "「五一业绩PK」北京分公司 今日第 2 名 ¥600，距 上海分公司 差 ¥500；你今天 ¥0\n"
        "最终结果以零点结算为准，还有时间冲一把！"
    ]


async def test_the_evening_slot_run_twice_tells_each_player_once_and_settles_nothing(first_evening, results, notices):
    await results.send_standings_so_far(at(may(1), 21, 30), SLOT)
    await results.send_standings_so_far(at(may(1), 21, 30), SLOT)

    assert len(notices.sent) == 4
    assert await ContestDay.all().count() == 0


async def test_no_running_contest_tells_nobody(results, notices, clock):
    clock.set(at(may(1), 21, 30))

    assert await results.send_standings_so_far(at(may(1), 21, 30), SLOT) == 0
    assert notices.sent == {}


async def test_just_after_midnight_the_day_is_settled_and_its_benchmark_guides_chosen_once(
    first_evening, results, selection, notifier, clock
):
    clock.set(just_after(may(1)))

    first = await results.settle(may(1))
    again = await results.settle(may(1))

    day = await ContestDay.get(contest_id=first_evening.id, day=may(1))
    assert (first.contests, again.contests) == (1, 1)
    assert day.current["outcome"]["winner"] == "SH"
    assert [(pick.title, pick.guide_userid) for pick in await selection.picks(may(1))] == [
        ("most_orders", None),
        ("online_sales", None),
    ]
    assert len([key for key in notifier.sent if key.startswith(f"contest:{first_evening.id}:")]) == 4


async def test_a_day_with_facts_still_on_their_way_is_not_settled_and_the_run_fails_to_be_retried(
    first_evening, results, clock
):
    clock.set(just_after(may(1)))
    await EventRecord.filter(name="SaleRecorded").limit(1).update(status=PENDING)

    with pytest.raises(NotAllSettled):
        await results.settle(may(1))

    assert await ContestDay.all().count() == 0


async def test_a_player_who_left_hears_nothing_in_the_evening_but_still_counts_for_the_team(
    first_evening, results, notices
):
    await mark_left("lisi")

    sent = await results.send_standings_so_far(at(may(1), 21, 30), SLOT)

    assert sent == 3
    assert notices.texts_to("lisi") == []
    assert "上海分公司 今日第 1 名 ¥1,100" in notices.texts_to("zhangsan")[0]
