"""The scheduled fan reports: each store manager gets their store's line, each branch lead the branch and its laggards."""

from datetime import UTC, datetime

import pytest

from fans.report_pushes import FanReportPushes
from fans.reports import FanReports
from fans.schemas import ReportPeriod
from kernel.jobs import Slot
from org.service import OrgService
from tests.fakes.ports import FakeNotifier
from tests.fans.test_reports import ORG
from tests.support.clock import FakeClock
from tests.support.fans import add_fan, shanghai
from tests.support.org import mark_left

MORNING = Slot("fan-report-daily", datetime(2026, 11, 26, 1, 0, tzinfo=UTC))  # 09:00 in Shanghai
ROLES = [
    {"userid": "zhangsan", "role": "store_manager", "store": "SH01"},
    {"userid": "lisi", "role": "store_manager", "store": "SH02"},
    {"userid": "wangwu", "role": "branch_lead", "branch": "SH"},
]


@pytest.fixture
def notifier() -> FakeNotifier:
    return FakeNotifier()


@pytest.fixture
async def pushes(db, notifier) -> FanReportPushes:
    await OrgService().import_org(ORG.model_copy(update={"roles": ORG.model_validate({"roles": ROLES}).roles}))
    clock = FakeClock(shanghai(2026, 11, 26, 9))
    return FanReportPushes(FanReports(clock, target_per_guide_daily=3, warn_share=0.6), notifier, clock)


async def test_a_store_manager_gets_yesterdays_line_with_share_and_place_in_the_branch(pushes, notifier):
    for _ in range(5):
        await add_fan("zhangsan", shanghai(2026, 11, 25, 15))
    await add_fan("wangwu", shanghai(2026, 11, 25, 16), lost_at=shanghai(2026, 11, 25, 18))

    await pushes.push(ReportPeriod.DAY, MORNING)

    assert notifier.texts_to("zhangsan") == [
        "【拉新日报】11月25日 南京东路店\n新增 6 · 重粉 0 · 删粉 1 · 净增 5\n目标 6，完成 100%，分公司第 1/2"
    ]


async def test_a_branch_lead_gets_the_branch_summary_and_the_stores_below_the_warning_share(pushes, notifier):
    for _ in range(6):
        await add_fan("zhangsan", shanghai(2026, 11, 25, 15))
    await add_fan("lisi", shanghai(2026, 11, 25, 15))

    await pushes.push(ReportPeriod.DAY, MORNING)

    [summary] = notifier.texts_to("wangwu")
    assert summary == (
        "【拉新日报】11月25日 上海分公司\n新增 7 · 重粉 0 · 删粉 0 · 净增 7\n目标 9，完成 78%\n"
        "⚠ 低于目标 60% 的门店（1）：徐家汇店 33%"
    )


async def test_a_branch_whose_stores_all_reach_the_warning_share_says_so(pushes, notifier):
    for guide, fans in (("zhangsan", 4), ("lisi", 2)):
        for _ in range(fans):
            await add_fan(guide, shanghai(2026, 11, 25, 15))

    await pushes.push(ReportPeriod.DAY, MORNING)

    assert notifier.texts_to("wangwu")[0].endswith("各门店均达到目标的 60%")


async def test_nobody_without_a_role_gets_a_report(pushes, notifier):
    await pushes.push(ReportPeriod.DAY, MORNING)

    assert sorted(guide for guide, _ in notifier.sent.values()) == ["lisi", "wangwu", "zhangsan"]
    assert notifier.texts_to("zhaoliu") == []


async def test_the_weekly_report_covers_last_monday_to_sunday(pushes, notifier):
    monday = Slot("fan-report-weekly", datetime(2026, 11, 30, 1, 0, tzinfo=UTC))

    outcome = await pushes.push(ReportPeriod.WEEK, monday)

    assert outcome == "week report for 2026-11-23..2026-11-29 queued for 3 managers and leads"
    assert notifier.texts_to("zhangsan")[0].startswith("【拉新周报】11月23日–11月29日 南京东路店")


async def test_the_monthly_report_names_last_month(pushes, notifier):
    first = Slot("fan-report-monthly", datetime(2026, 12, 1, 1, 0, tzinfo=UTC))

    await pushes.push(ReportPeriod.MONTH, first)

    assert notifier.texts_to("lisi")[0].startswith("【拉新月报】2026年11月 徐家汇店")


async def test_someone_who_manages_a_store_and_leads_the_branch_gets_both_in_one_message_keyed_by_the_slot(
    pushes, notifier
):
    await OrgService().import_org(
        ORG.model_validate({"roles": [*ROLES, {"userid": "zhangsan", "role": "branch_lead", "branch": "SH"}]})
    )

    await pushes.push(ReportPeriod.DAY, MORNING)

    key = f"{MORNING.key}:zhangsan"
    store, branch = notifier.sent[key][1].split("\n\n")
    assert store.startswith("【拉新日报】11月25日 南京东路店")
    assert branch.startswith("【拉新日报】11月25日 上海分公司")


async def test_a_store_manager_who_left_gets_no_report_though_the_roster_kept_their_role(pushes, notifier):
    await mark_left("zhangsan")

    await pushes.push(ReportPeriod.DAY, MORNING)

    assert notifier.texts_to("zhangsan") == []
    assert notifier.texts_to("lisi") != []
