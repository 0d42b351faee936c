"""Boards follow the domain events: once per record, on the day it happened, where the guide stood that day."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from fans.models import LossSource
from fans.service import FanService
from kernel.event_bus import DomainEvent
from kernel.models import EventRecord
from leaderboards.metrics import Metric, Scope
from leaderboards.periods import Period
from leaderboards.ranking import Standing
from org.service import OrgService
from tasks.schemas import SaleIn
from tests.fakes.contacts import FakeContactDirectory
from tests.support.org import SMALL_ORG
from tests.support.tasks import SHANGHAI

NOON = datetime(2026, 11, 25, 12, 0, tzinfo=SHANGHAI)
DAY = Period.day(NOON.date())


@pytest.fixture(autouse=True)
def at_noon(clock):
    clock.set(NOON)


@pytest.fixture
def fans(bus) -> FanService:
    return FanService(bus, FakeContactDirectory(), retention=timedelta(days=7))


async def sell(sales, order_id: str, guide: str, amount: str, *, at: datetime = NOON, orders: int = 1, **extra):
    sale, _ = await sales.record(
        SaleIn(order_id=order_id, guide=guide, amount=Decimal(amount), orders=orders, sold_at=at, **extra)
    )
    return sale


async def add_fan(fans, guide: str, customer: str, at: datetime = NOON):
    return await fans.record_added(
        event_key=f"{guide}:{customer}", guide_userid=guide, external_userid=customer, state="", added_at=at
    )


def values(standings: list[Standing]) -> list[tuple[int, str, Decimal]]:
    return [(s.rank, s.member, s.value) for s in standings]


async def test_a_sale_moves_every_scope_for_its_day_week_and_month(org, sales, leaderboards):
    await sell(sales, "A1", "zhangsan", "1200.50")

    boards = {
        (scope, period.kind): await leaderboards.top(Metric.SALES, scope, period)
        for scope in (Scope.GUIDE, Scope.STORE, Scope.BRANCH, Scope.REGION, Scope.TEAM)
        for period in Period.calendar(NOON.date())
    }

    assert {key: values(top) for key, top in boards.items() if key[0] is Scope.GUIDE} == {
        (Scope.GUIDE, kind): [(1, "zhangsan", Decimal("1200.50"))] for kind in ("day", "week", "month")
    }
    assert [(s.member, s.name) for s in boards[(Scope.STORE, "day")]] == [("SH01", "南京东路店")]
    assert [s.member for s in boards[(Scope.BRANCH, "week")] + boards[(Scope.REGION, "month")]] == ["SH", "EAST"]
    assert [(s.member, s.name) for s in boards[(Scope.TEAM, "day")]] == [("TEAM-SH", "申城战狼队")]


async def test_an_event_delivered_again_moves_no_board_twice(org, sales, leaderboards):
    await sell(sales, "A1", "zhangsan", "300")

    for stored in await EventRecord.filter(name="SaleRecorded"):
        await leaderboards.record_event(DomainEvent.from_record(stored))

    assert values(await leaderboards.top(Metric.SALES, Scope.GUIDE, DAY)) == [(1, "zhangsan", Decimal("300"))]
    assert values(await leaderboards.top(Metric.ORDERS, Scope.STORE, DAY)) == [(1, "SH01", Decimal(1))]


async def test_a_late_sale_lands_on_the_day_it_happened(org, sales, leaderboards):
    yesterday_evening = NOON - timedelta(hours=15)  # 21:00 the day before, in Shanghai

    await sell(sales, "LATE", "lisi", "88", at=yesterday_evening)

    assert values(await leaderboards.top(Metric.SALES, Scope.GUIDE, Period.day(yesterday_evening.date()))) == [
        (1, "lisi", Decimal("88"))
    ]
    assert await leaderboards.top(Metric.SALES, Scope.GUIDE, DAY) == []


async def test_a_refund_takes_the_amount_back(org, sales, leaderboards):
    await sell(sales, "A1", "zhangsan", "500")
    await sell(sales, "R1", "zhangsan", "-200", orders=-1, refund_of="A1")

    assert values(await leaderboards.top(Metric.SALES, Scope.GUIDE, DAY)) == [(1, "zhangsan", Decimal("300"))]
    assert values(await leaderboards.top(Metric.ORDERS, Scope.GUIDE, DAY)) == [(1, "zhangsan", Decimal(0))]


async def test_a_self_reported_sale_counts_only_once_hq_confirms_it(org, sales, leaderboards):
    sale, _ = await sales.record(
        SaleIn(order_id="SELF1", guide="lisi", amount=Decimal("99"), sold_at=NOON), self_reported=True
    )
    before = await leaderboards.top(Metric.SALES, Scope.GUIDE, DAY)

    await sales.confirm(sale.id)

    assert before == []
    assert values(await leaderboards.top(Metric.SALES, Scope.GUIDE, DAY)) == [(1, "lisi", Decimal("99"))]


async def test_a_guide_who_moves_store_keeps_what_they_earned_where_they_earned_it(org, sales, leaderboards, clock):
    await sell(sales, "DAY1", "zhangsan", "100")
    moved = SMALL_ORG.model_copy(deep=True)
    moved.guides[0].store = "SH02"
    await OrgService().import_org(moved)
    clock.advance(days=1)

    await sell(sales, "DAY2", "zhangsan", "40", at=NOON + timedelta(days=1))

    week = Period.week(NOON.date())  # 2026-11-25 is a Wednesday: both days are in one week
    assert values(await leaderboards.top(Metric.SALES, Scope.STORE, week)) == [
        (1, "SH01", Decimal("100")),
        (2, "SH02", Decimal("40")),
    ]


async def test_net_new_fans_count_adds_minus_losses_and_skip_duplicates(org, fans, leaderboards):
    await add_fan(fans, "zhangsan", "wmA")
    await add_fan(fans, "zhangsan", "wmB")
    await add_fan(fans, "lisi", "wmA")  # 重粉: zhangsan holds this customer already
    await fans.record_lost(
        guide_userid="zhangsan", external_userid="wmB", lost_at=NOON, source=LossSource.CUSTOMER_DELETED_GUIDE
    )

    assert values(await leaderboards.top(Metric.FANS, Scope.GUIDE, DAY)) == [(1, "zhangsan", Decimal(1))]


async def test_equal_figures_share_a_rank_in_the_order_they_got_there(org, sales, leaderboards):
    await sell(sales, "L1", "lisi", "50", at=NOON - timedelta(hours=2))
    await sell(sales, "Z1", "zhangsan", "50", at=NOON - timedelta(hours=1))

    assert values(await leaderboards.top(Metric.SALES, Scope.GUIDE, DAY)) == [
        (1, "lisi", Decimal("50")),
        (1, "zhangsan", Decimal("50")),
    ]


async def test_my_rank_comes_with_the_guides_just_above_and_below(org, sales, leaderboards):
    bigger = SMALL_ORG.model_copy(deep=True)
    bigger.guides += [
        type(bigger.guides[0]).model_validate({"userid": f"g{n}", "name": f"导购{n}", "store": "SH01"})
        for n in range(5)
    ]
    await OrgService().import_org(bigger)
    for n in range(5):
        await sell(sales, f"S{n}", "zhangsan" if n == 2 else f"g{n}", str(100 - n * 10))

    around = await leaderboards.around(Metric.SALES, Scope.GUIDE, DAY, "zhangsan", span=1)

    assert values(around) == [(2, "g1", Decimal("90")), (3, "zhangsan", Decimal("80")), (4, "g3", Decimal("70"))]
    assert (await leaderboards.standing_of(Metric.SALES, Scope.GUIDE, DAY, "nobody")) is None


async def test_the_boards_come_back_identical_after_a_redis_wipe(
    org, sales, fans, progress, publish, leaderboards, redis, ledger
):
    window = {"start_date": NOON.date() - timedelta(days=1), "end_date": NOON.date() + timedelta(days=7)}
    task = await publish("add_fans", target=1, **window)  # open on the test's day, whatever the calendar says
    await sell(sales, "A1", "zhangsan", "1200", channel="online")
    await sell(sales, "A2", "lisi", "1200", at=NOON - timedelta(days=3))
    await add_fan(fans, "zhangsan", "wmA")
    await add_fan(fans, "lisi", "wmB")
    await progress.confirm_done("lisi", task.id)
    await ledger.post("lisi", 30, "总部奖励", source_type="hq", source_id="grant-1")
    boards = [
        (metric, scope, period)
        for metric in Metric
        for scope in Scope
        for period in (DAY, Period.week(NOON.date()), Period.month(NOON.date()))
    ]
    before = [await leaderboards.top(*board) for board in boards]

    await redis.flushdb()
    report = await leaderboards.rebuild()

    assert [await leaderboards.top(*board) for board in boards] == before
    assert sum(len(top) for top in before) > 40
    assert report.sources >= 6


async def test_a_guides_page_gets_the_top_and_their_own_row_together(org, sales, leaderboards):
    await sell(sales, "L1", "lisi", "500")
    await sell(sales, "Z1", "zhangsan", "80")

    top, mine = await leaderboards.top_with(Metric.SALES, Scope.GUIDE, DAY, "zhangsan", n=1, span=1)

    assert values(top) == [(1, "lisi", Decimal("500"))]
    assert values(mine) == [(1, "lisi", Decimal("500")), (2, "zhangsan", Decimal("80"))]
