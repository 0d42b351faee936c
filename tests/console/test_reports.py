"""Reports in the console: the fan report (chart, lagging stores, CSV) kept to the person's stores, a guide's
push log in scope only, and the dead letters and scheduled jobs for operations."""

import csv
import io
from datetime import UTC, datetime

import pytest

from bot.models import OutboxMessage, OutboxStatus
from fans.models import FanVerdict
from pushes.models import PushLogEntry, PushOutcome
from staff.models import AuditEntry
from tests.support.console import post_form
from tests.support.fans import add_fan, shanghai
from tests.support.jobs import settled

NOV_25 = {"period": "day", "date": "2026-11-25"}
WELCOME = {"welcome_code": "W1", "text": "欢迎", "link_title": "注册会员", "link_url": "https://member.example.com/r"}


@pytest.fixture
async def fans(org):
    """25 Nov: 南京东路店 (张三) reaches its target of 3; 徐家汇店 (李四) has one 重粉 and one fan lost: lagging."""
    for hour in (10, 11, 12):
        await add_fan("zhangsan", shanghai(2026, 11, 25, hour))
    await add_fan("lisi", shanghai(2026, 11, 25, 13), verdict=FanVerdict.DUPLICATE)
    await add_fan("lisi", shanghai(2026, 11, 25, 14), lost_at=shanghai(2026, 11, 25, 20))


async def test_the_fan_report_shows_each_stores_figures_and_lists_the_lagging_ones(as_operator, fans):
    page = await (await as_operator.get("/console/reports", params=NOV_25)).text()

    lagging_list = page.split('class="card lagging-list"')[1].split("</section>")[0]
    assert "徐家汇店" in lagging_list and "南京东路店" not in lagging_list
    assert '<tr class="lagging">' in page and "落后" in page
    assert "2026-11-25" in page


async def test_the_fan_report_charts_what_its_completion_rate_measures_as_inline_svg(as_operator, fans):
    page = await (await as_operator.get("/console/reports", params=NOV_25)).text()

    chart = page.split("<svg")[1].split("</svg>")[0]
    assert "完成率（新增 ÷ 目标）" in page
    assert "徐家汇店：完成率 33%（新增 1 / 目标 3）" in chart  # one new fan, lost again: net 0, yet 33 % done
    assert "南京东路店：完成率 100%（新增 3 / 目标 3）" in chart
    assert 'class="lag"' in chart and "<script" not in page.split("</head>")[1]


async def test_the_store_lines_and_the_lagging_list_name_the_branch_not_only_its_code(as_operator, fans):
    page = await (await as_operator.get("/console/reports", params=NOV_25)).text()

    lagging_list = page.split('class="card lagging-list"')[1].split("</section>")[0]
    table = page.split('<table class="list">')[1]
    assert '<span class="muted">上海分公司</span>' in lagging_list
    assert '<td>上海分公司 <span class="muted">SH</span></td>' in table


async def test_the_branch_report_names_each_branch(as_operator, fans):
    page = await (await as_operator.get("/console/reports", params={**NOV_25, "scope": "branch"})).text()

    assert '<td>上海分公司 <span class="muted">SH</span>' in page.split('<table class="list">')[1]


async def test_the_chart_and_the_table_list_the_stores_in_one_order_furthest_behind_first(as_operator, fans):
    page = await (await as_operator.get("/console/reports", params=NOV_25)).text()

    chart, table = page.split("<svg")[1].split("</svg>")[0], page.split('<table class="list">')[1]
    assert chart.index(">徐家汇店</text>") < chart.index(">南京东路店</text>")  # 33 %, then 100 %
    assert table.index("<td>徐家汇店 ") < table.index("<td>南京东路店 ")  # not SH01 before SH02


async def test_a_store_manager_sees_only_their_store_in_the_fan_report(as_store_manager, fans):
    page = await (await as_store_manager.get("/console/reports", params=NOV_25)).text()

    assert "南京东路店" in page and "徐家汇店" not in page


async def test_the_csv_is_the_apis_with_a_bom_and_a_chinese_header_and_keeps_to_scope(as_store_manager, fans):
    response = await as_store_manager.get("/console/reports", params={**NOV_25, "format": "csv"})

    body = await response.read()
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert response.content_type == "text/csv" and body.startswith("\ufeff".encode())
    assert rows[0][:5] == ["统计期", "代码", "名称", "所属分公司", "分公司名称"]
    assert [row[1:5] for row in rows[1:]] == [["SH01", "南京东路店", "SH", "上海分公司"]]


async def test_a_bad_query_names_every_wrong_field_in_chinese(as_operator):
    response = await as_operator.get("/console/reports", params={"period": "year", "date": "25/11/2026"})

    page = await response.text()
    assert response.status == 422
    assert "统计周期：请从选项中选择" in page and "日期：请按 年-月-日 填写" in page


async def test_a_guides_push_log_lists_what_was_sent_and_why_not(as_store_manager, org):
    await PushLogEntry.create(
        userid="zhangsan", key="task-card:7:zhangsan", outcome=PushOutcome.DEFERRED, reason="quiet-hours",
        detail="22:00 后不打扰", at=datetime.now(UTC),
    )  # fmt: skip

    page = await (await as_store_manager.get("/console/reports/pushes", params={"userid": "zhangsan"})).text()

    assert "张三" in page and "已推迟" in page and "夜间免打扰时段" in page and "task-card" in page


async def test_the_push_log_of_another_stores_guide_is_404_like_an_unknown_one(as_store_manager, org):
    other_store = await as_store_manager.get("/console/reports/pushes", params={"userid": "lisi"})
    unknown = await as_store_manager.get("/console/reports/pushes", params={"userid": "nobody"})
    hostile = await as_store_manager.get("/console/reports/pushes", params={"userid": "zhang\x00san"})

    assert other_store.status == unknown.status == hostile.status == 404
    assert await other_store.text() == await unknown.text()


async def failed_send() -> OutboxMessage:
    now = datetime.now(UTC)
    return await OutboxMessage.create(
        key="welcome:abc", api="externalcontact/send_welcome_msg", payload=WELCOME, status=OutboxStatus.FAILED,
        attempts=5, last_error="41051 welcome_code expired", not_before=now, created_at=now,
    )  # fmt: skip


async def test_an_operator_replays_a_dead_letter_and_the_replay_is_audited(as_operator):
    row = await failed_send()

    page = await (await as_operator.get("/console/reports/dead-letters")).text()
    response = await post_form(
        as_operator, f"/console/reports/dead-letters/outbox/{row.id}/replay", {}, page="/console/reports/dead-letters"
    )

    assert "41051 welcome_code expired" in page and "企业微信发送（1）" in page
    assert response.status == 303
    assert (
        await OutboxMessage.get(id=row.id)
    ).status != OutboxStatus.FAILED  # back in the queue (the loop may send it)
    entry = await AuditEntry.get(action="重放死信")
    assert entry.target == f"/console/reports/dead-letters/outbox/{row.id}"
    assert entry.before["error"] == "41051 welcome_code expired" and entry.after == {"replayed": True}


async def test_replaying_a_row_that_is_not_dead_is_404_and_audits_nothing(as_operator):
    row = await failed_send()
    await OutboxMessage.filter(id=row.id).update(status=OutboxStatus.SENT)

    response = await post_form(
        as_operator, f"/console/reports/dead-letters/outbox/{row.id}/replay", {}, page="/console/reports/dead-letters"
    )

    assert response.status == 404 and await AuditEntry.all().count() == 0


# In tests the weekly report never runs on its own (tests/support/jobs.py), so a run now is always the slot's first
RUN_WEEKLY_REPORT = "/console/reports/dead-letters/jobs/fan-report-weekly/run"


async def test_the_scheduled_jobs_show_their_next_run_and_run_now_is_audited(as_operator):
    page = await (await as_operator.get("/console/reports/dead-letters")).text()
    response = await post_form(as_operator, RUN_WEEKLY_REPORT, {}, page="/console/reports/dead-letters")

    assert "每日结算（PK赛与标杆）" in page and "下次运行" in page
    assert response.status == 303
    after = await as_operator.get(response.headers["Location"])
    assert "已开始运行" in await after.text()
    entry = await AuditEntry.get(action="立即运行定时任务")
    assert entry.target.endswith("/jobs/fan-report-weekly") and entry.after["run"]["trigger"] == "hq"


async def test_each_job_is_named_explained_and_scheduled_in_chinese(as_operator):
    page = await (await as_operator.get("/console/reports/dead-letters")).text()

    jobs = page.split('id="jobs"')[1]
    assert "<strong>拉新周报</strong>" in jobs and "把上周（周一至周日）的拉新数据发给各店长和分公司负责人" in jobs
    assert '<td title="every 1 min">每 1 分钟</td>' in jobs  # the recovery job, as its setting spells it beneath
    assert "Send last week" not in jobs  # the API's English description stays in the API


async def test_a_jobs_last_run_shows_its_state_in_chinese_and_its_log_line_as_written(as_operator):
    await post_form(as_operator, RUN_WEEKLY_REPORT, {}, page="/console/reports/dead-letters")
    await settled(as_operator)

    page = await (await as_operator.get("/console/reports/dead-letters")).text()

    jobs = page.split('id="jobs"')[1]
    assert "<th>状态</th><th>运行记录（原文）</th>" in jobs
    row = jobs.split("<strong>拉新周报</strong>")[1].split("</tr>")[0]
    assert "手动" in row and "week report for" in row


async def test_a_store_manager_may_not_open_the_dead_letters_or_replay_one(as_store_manager):
    row = await failed_send()

    page = await as_store_manager.get("/console/reports/dead-letters")
    replay = await post_form(as_store_manager, f"/console/reports/dead-letters/outbox/{row.id}/replay", {})

    assert page.status == 403 and replay.status == 403
    assert (await OutboxMessage.get(id=row.id)).status == OutboxStatus.FAILED
