"""Fan-acquisition (拉新) reports: a period's new fans, 重粉, lost and net per store and branch, against target."""

from datetime import date

import pytest

from fans.models import FanVerdict, LossSource
from fans.reports import FanReports, Span
from fans.schemas import ReportPeriod, ReportScope
from org.schemas import OrgImport
from org.service import OrgService
from tests.support.clock import FakeClock
from tests.support.fans import add_fan, shanghai
from tests.support.org import SMALL_ORG, mark_left


def small_org_and(**rows: list[dict]) -> OrgImport:
    data = SMALL_ORG.model_dump()
    return OrgImport.model_validate(data | {kind: data[kind] + more for kind, more in rows.items()})


# 张三 and 王五 at SH01, 李四 at SH02 (上海分公司); 赵六 at HZ01 (杭州分公司)
ORG = small_org_and(
    branches=[{"code": "HZ", "name": "杭州分公司", "region": "EAST"}],
    stores=[{"code": "HZ01", "name": "湖滨店", "branch": "HZ"}],
    guides=[
        {"userid": "wangwu", "name": "王五", "store": "SH01"},
        {"userid": "zhaoliu", "name": "赵六", "store": "HZ01"},
    ],
)
DAY = date(2026, 11, 25)  # a Wednesday


@pytest.fixture
async def reports(db) -> FanReports:
    await OrgService().import_org(ORG)
    return FanReports(FakeClock(shanghai(2026, 12, 2, 9)), target_per_guide_daily=3, warn_share=0.6)


async def lines(reports: FanReports, period=ReportPeriod.DAY, scope=ReportScope.STORE, day=DAY) -> dict:
    return {line.code: line for line in (await reports.report(period, scope, day)).lines}


async def test_a_fan_added_at_23_30_in_shanghai_counts_on_that_day_and_one_at_00_30_on_the_next(reports):
    await add_fan("zhangsan", shanghai(2026, 11, 25, 23, 30))
    await add_fan("zhangsan", shanghai(2026, 11, 26, 0, 30))

    assert (await lines(reports, day=DAY))["SH01"].new == 1
    assert (await lines(reports, day=date(2026, 11, 26)))["SH01"].new == 1


async def test_adds_that_are_not_new_fans_count_as_duplicates(reports):
    for verdict in FanVerdict:
        await add_fan("lisi", shanghai(2026, 11, 25, 10), verdict)

    store = (await lines(reports))["SH02"]

    assert (store.new, store.duplicates) == (1, 3)


async def test_lost_fans_are_new_fans_lost_in_the_period_and_a_transfer_is_no_loss(reports):
    await add_fan("lisi", shanghai(2026, 11, 20), lost_at=shanghai(2026, 11, 25, 9))
    await add_fan("lisi", shanghai(2026, 11, 20), lost_at=shanghai(2026, 11, 25, 9), loss_source=LossSource.TRANSFERRED)
    await add_fan("lisi", shanghai(2026, 11, 20), FanVerdict.DUPLICATE, lost_at=shanghai(2026, 11, 25, 9))
    await add_fan("lisi", shanghai(2026, 11, 25, 8))
    await add_fan("lisi", shanghai(2026, 11, 25, 8))

    store = (await lines(reports))["SH02"]

    assert (store.new, store.lost, store.net) == (2, 1, 1)


async def test_a_branch_line_sums_its_stores(reports):
    await add_fan("zhangsan", shanghai(2026, 11, 25))
    await add_fan("lisi", shanghai(2026, 11, 25), FanVerdict.DUPLICATE)
    await add_fan("zhaoliu", shanghai(2026, 11, 25))

    branches = await lines(reports, scope=ReportScope.BRANCH)

    assert [(b.code, b.name, b.guides, b.new, b.duplicates, b.target) for b in branches.values()] == [
        ("HZ", "杭州分公司", 1, 1, 0, 3),
        ("SH", "上海分公司", 3, 1, 1, 9),
    ]


async def test_a_store_line_names_its_branch_and_a_branch_line_has_none_above_it(reports):
    stores = await lines(reports)
    branches = await lines(reports, scope=ReportScope.BRANCH)

    assert [(s.code, s.branch, s.branch_name) for s in stores.values()] == [
        ("HZ01", "HZ", "杭州分公司"), ("SH01", "SH", "上海分公司"), ("SH02", "SH", "上海分公司"),
    ]  # fmt: skip
    assert [(b.name, b.branch, b.branch_name) for b in branches.values()] == [
        ("杭州分公司", None, None), ("上海分公司", None, None),
    ]  # fmt: skip


async def test_the_target_is_per_guide_per_day_times_guides_times_days(reports):
    week = await lines(reports, ReportPeriod.WEEK)
    month = await lines(reports, ReportPeriod.MONTH)

    assert (week["SH01"].target, month["SH01"].target) == (3 * 2 * 7, 3 * 2 * 30)


async def test_a_guide_who_left_counts_their_fans_for_the_store_but_not_its_target(reports):
    await add_fan("wangwu", shanghai(2026, 11, 25, 10))
    await mark_left("wangwu")

    store = (await lines(reports))["SH01"]

    assert (store.guides, store.new, store.target) == (1, 1, 3)


async def test_a_store_with_its_own_target_per_guide_uses_it(reports):
    own = ORG.model_copy(deep=True)
    own.stores[1].fan_target_per_guide_daily = 10
    await OrgService().import_org(own)

    assert (await lines(reports))["SH02"].target == 10


async def test_a_store_below_the_warning_share_is_lagging_and_its_share_is_new_over_target(reports):
    await add_fan("lisi", shanghai(2026, 11, 25))
    for _ in range(2):
        await add_fan("zhaoliu", shanghai(2026, 11, 25))

    stores = await lines(reports)

    assert (stores["SH02"].share, stores["SH02"].lagging) == (0.3333, True)
    assert (stores["HZ01"].share, stores["HZ01"].lagging) == (0.6667, False)


async def test_a_store_without_a_target_has_no_share_and_is_not_lagging(reports):
    own = ORG.model_copy(deep=True)
    own.stores[2].fan_target_per_guide_daily = 0
    await OrgService().import_org(own)

    store = (await lines(reports))["HZ01"]

    assert (store.target, store.share, store.lagging) == (0, None, False)


async def test_stores_are_ranked_by_share_within_their_branch(reports):
    await add_fan("lisi", shanghai(2026, 11, 25))

    stores = await lines(reports)

    assert [(code, line.rank_in_branch) for code, line in stores.items()] == [("HZ01", 1), ("SH01", 2), ("SH02", 1)]


async def test_without_a_date_the_report_is_the_last_complete_period(reports):
    report = await reports.report(ReportPeriod.WEEK, ReportScope.STORE)

    assert (report.first_day, report.last_day) == (date(2026, 11, 23), date(2026, 11, 29))


@pytest.mark.parametrize(
    ("period", "day", "first", "last"),
    [
        (ReportPeriod.DAY, date(2026, 11, 25), date(2026, 11, 25), date(2026, 11, 25)),
        (ReportPeriod.WEEK, date(2026, 11, 29), date(2026, 11, 23), date(2026, 11, 29)),
        (ReportPeriod.WEEK, date(2027, 1, 1), date(2026, 12, 28), date(2027, 1, 3)),
        (ReportPeriod.MONTH, date(2028, 2, 10), date(2028, 2, 1), date(2028, 2, 29)),
        (ReportPeriod.MONTH, date(2026, 12, 31), date(2026, 12, 1), date(2026, 12, 31)),
    ],
)
def test_a_period_is_a_day_an_iso_week_from_monday_or_a_calendar_month(period, day, first, last):
    span = Span.containing(period, day)

    assert (span.first_day, span.last_day) == (first, last)


@pytest.mark.parametrize(
    ("period", "today", "first", "last"),
    [
        (ReportPeriod.DAY, date(2026, 12, 1), date(2026, 11, 30), date(2026, 11, 30)),
        (ReportPeriod.WEEK, date(2026, 11, 30), date(2026, 11, 23), date(2026, 11, 29)),
        (ReportPeriod.WEEK, date(2026, 12, 6), date(2026, 11, 23), date(2026, 11, 29)),
        (ReportPeriod.MONTH, date(2027, 1, 1), date(2026, 12, 1), date(2026, 12, 31)),
    ],
)
def test_the_last_complete_period_ended_before_today(period, today, first, last):
    span = Span.last_complete(period, today)

    assert (span.first_day, span.last_day) == (first, last)
