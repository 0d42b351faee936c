"""Each day names its benchmark guides once: the figures that earn each title, coins, the badge, one announcement."""

import asyncio
from datetime import timedelta
from decimal import Decimal

import pytest

from benchmarks.models import BenchmarkPick
from benchmarks.selection import MAX_TIP_CHARS, DayNotOver
from rewards.models import CoinEntry
from tasks.schemas import SaleIn
from tests.support.contests import DAY1, DAY2, at, just_after
from tests.support.org import mark_left


async def sell(sales, order_id: str, guide: str, amount: str, hour: int, *, orders: int = 1, channel: str = "",
               day=DAY1, minute: int = 0, **extra):  # fmt: skip
    await sales.record(
        SaleIn(order_id=order_id, guide=guide, amount=Decimal(amount), orders=orders, channel=channel,
               sold_at=at(day, hour, minute), **extra)
    )  # fmt: skip


def named(picks) -> dict[str, tuple[str | None, int]]:
    return {pick.title_name: (pick.guide_userid, pick.figure) for pick in picks}


@pytest.fixture
async def busy_day(sales, clock):
    """张三 opens 4 orders in store (¥5000); 李四 2 online (¥800) and 1 through her shared link (¥300)."""
    clock.set(at(DAY1, 9))
    await sell(sales, "Z-1", "zhangsan", "5000", 10, orders=4, channel="store")
    await sell(sales, "L-1", "lisi", "800", 11, orders=2, channel="online")
    await sell(sales, "L-2", "lisi", "300", 12, channel="share")
    clock.set(just_after(DAY1))


async def test_most_orders_and_most_online_sales_earn_the_two_titles(busy_day, selection, ledger):
    picks = await selection.select(DAY1)

    assert named(picks) == {"开单达人": ("zhangsan", 4), "拔草之王": ("lisi", 110000)}
    assert (await ledger.balance("zhangsan"), await ledger.balance("lisi")) == (50, 50)
    assert "标杆导购「拔草之王」" in (await ledger.recent("lisi", 1))[0].reason


async def test_selecting_a_day_again_names_and_pays_nobody_twice(busy_day, selection, ledger):
    first = await selection.select(DAY1)
    again = await selection.select(DAY1)

    assert [p.id for p in again] == [p.id for p in first]
    assert await CoinEntry.filter(source_type="benchmark").count() == 2


async def test_two_selections_at_once_name_each_title_once(busy_day, selection, ledger):
    first, second = await asyncio.gather(selection.select(DAY1), selection.select(DAY1))

    assert [p.id for p in first] == [p.id for p in second]
    assert await BenchmarkPick.all().count() == 2
    assert await CoinEntry.filter(source_type="benchmark").count() == 2


async def test_a_quiet_day_names_nobody_and_announces_nothing(sales, clock, selection, broadcaster, ledger):
    await sell(sales, "Z-1", "zhangsan", "90", 10, orders=2)  # below 3 orders
    await sell(sales, "L-1", "lisi", "499.99", 11, channel="online")  # below ¥500 online
    clock.set(just_after(DAY1))

    picks = await selection.select(DAY1)

    assert named(picks) == {"开单达人": (None, 0), "拔草之王": (None, 0)}
    assert broadcaster.sent == {}
    assert await CoinEntry.all().count() == 0


async def test_a_tie_goes_to_whoever_got_there_first(sales, clock, selection):
    await sell(sales, "Z-1", "zhangsan", "300", 11, orders=3)
    await sell(sales, "L-1", "lisi", "300", 10, orders=3)
    clock.set(just_after(DAY1))

    assert named(await selection.select(DAY1))["开单达人"] == ("lisi", 3)


async def test_refunds_count_against_the_day_and_unconfirmed_self_reports_do_not_count(sales, clock, selection):
    await sell(sales, "Z-1", "zhangsan", "900", 10, orders=3)
    await sell(sales, "Z-1R", "zhangsan", "-300", 15, orders=-1, refund_of="Z-1")
    await sales.record(SaleIn(order_id="W-1", guide="wangwu", amount=Decimal(99), orders=9, sold_at=at(DAY1, 12)),
                       self_reported=True)  # fmt: skip
    clock.set(just_after(DAY1))

    assert named(await selection.select(DAY1))["开单达人"] == (None, 0)


async def test_every_guide_hears_the_days_benchmarks_once_and_each_winner_is_congratulated(
    busy_day, selection, broadcaster, notifier
):
    await selection.select(DAY1)
    await selection.select(DAY1)

    [(guides, text)] = broadcaster.sent.values()
    assert guides == ["lisi", "wangwu", "zhangsan", "zhaoliu"]
    assert "开单达人：张三（南京东路店）4 单" in text and "拔草之王：李四（徐家汇店）¥1,100" in text
    assert "心得" in notifier.sent[f"benchmark-won:{DAY1}:online_sales"][1]


async def test_a_winner_earns_the_benchmark_badge_once_with_its_push(busy_day, sales, clock, selection, badges,
                                                                     notifier):  # fmt: skip
    await selection.select(DAY1)
    await sell(sales, "Z-2", "zhangsan", "100", 10, orders=5, day=DAY2)
    clock.set(just_after(DAY2))
    await selection.select(DAY2)

    assert await badges.badges_of("zhangsan") == ["标杆导购：当选每日标杆"]
    assert "标杆导购" in notifier.sent["badge:zhangsan:benchmark"][1]


async def test_a_day_is_judged_only_once_it_has_ended_in_shanghai(sales, clock, selection):
    clock.set(at(DAY1, 23, 59))
    with pytest.raises(DayNotOver):
        await selection.select(DAY1)

    clock.advance(minutes=1)
    assert len(await selection.select()) == 2  # yesterday, by default


async def test_a_winner_adds_a_tip_to_the_win_until_the_next_day_ends(busy_day, selection, clock):
    await selection.select(DAY1)

    tipped = await selection.add_tip("lisi", "  朋友圈每天发三次穿搭，晚上八点最好  ")
    nothing = await selection.add_tip("wangwu", "我也想说")
    clock.set(just_after(DAY2))
    too_late = await selection.add_tip("lisi", "再补充一句")

    assert [(p.title_name, p.tip) for p in tipped] == [("拔草之王", "朋友圈每天发三次穿搭，晚上八点最好")]
    assert nothing == [] and too_late == []
    assert (await BenchmarkPick.get(title="online_sales")).tip == "朋友圈每天发三次穿搭，晚上八点最好"


async def test_a_long_tip_is_cut_to_its_cap(busy_day, selection):
    await selection.select(DAY1)

    [pick] = await selection.add_tip("zhangsan", "经验" * 300)

    assert len(pick.tip) == MAX_TIP_CHARS


async def test_the_history_lists_the_latest_day_first(busy_day, sales, clock, selection):
    await selection.select(DAY1)
    await sell(sales, "W-1", "wangwu", "100", 10, orders=3, day=DAY2)
    clock.set(just_after(DAY2))
    await selection.select(DAY2)

    history = await selection.history(DAY1, DAY2 + timedelta(days=1))

    assert [(p.day, p.title_name, p.guide_userid) for p in history] == [
        (DAY2, "开单达人", "wangwu"), (DAY2, "拔草之王", None), (DAY1, "开单达人", "zhangsan"), (DAY1, "拔草之王", "lisi"),
    ]  # fmt: skip


async def test_an_early_morning_sale_counts_for_its_shanghai_day(sales, selection, clock):
    """07:30 in Shanghai is the evening before in UTC: the day's bounds are instants, not local clock readings."""
    clock.set(at(DAY1, 7))
    for n in range(3):
        await sell(sales, f"E-{n}", "zhangsan", "100", 7, minute=30, orders=1)
    clock.set(just_after(DAY1))

    picks = await selection.select(DAY1)

    assert named(picks)["开单达人"] == ("zhangsan", 3)


async def test_the_announcement_goes_to_the_roster_and_a_winner_who_left_is_named_but_not_pushed_to(
    busy_day, selection, broadcaster, notifier
):
    await mark_left("lisi", "wangwu")

    await selection.select(DAY1)

    [(guides, text)] = broadcaster.sent.values()
    assert guides == ["zhangsan", "zhaoliu"]
    assert "拔草之王：李四（徐家汇店）¥1,100" in text
    assert notifier.texts_to("lisi") == []
