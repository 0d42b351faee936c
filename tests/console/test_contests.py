"""PK contests in the console: the list by scope, setting one up through the API's own checks, a contest's
settled days and corrections, settling a day by hand, and the benchmark history."""

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest

from benchmarks.models import BenchmarkPick
from contests.book import ContestBook
from contests.models import Contest, ContestCorrection
from org.models import Branch, OrgRole, Role
from org.service import OrgService
from staff.models import AuditEntry
from tests.support.clock import FakeClock
from tests.support.console import csrf_token, post_form, sign_in_with_wecom
from tests.support.contests import contest_in
from tests.support.staff import TWO_BRANCHES
from tests.support.tasks import SHANGHAI

TODAY = datetime.now(UTC).astimezone(SHANGHAI).date()
TOMORROW = TODAY + timedelta(days=1)


@pytest.fixture
async def two_branches(org):
    """上海 (SH01 南京东路店, SH02 徐家汇店) and 杭州 (HZ01 湖滨店, 赵六)."""
    await OrgService().import_org(TWO_BRANCHES)


def a_contest(**changes) -> dict:
    """The form as an operator fills it: 上海 vs 杭州 on sales for a week from tomorrow."""
    form = {
        "name": "五一业绩PK",
        "metric": "sales",
        "teams.kind": "branches",
        "teams.branches": ["SH", "HZ"],
        "start_date": TOMORROW.isoformat(),
        "end_date": (TOMORROW + timedelta(days=6)).isoformat(),
        "ranking": "total",
        "daily_team_target": "1000",
        "prizes.winning_team": "20",
        "prizes.final_teams": "100, 50",
    }
    return {**form, **changes}


async def post_contest(client, **changes):
    """Posts the form as a browser does: a field picked twice (two branches) is sent twice."""
    token = await csrf_token(client, "/console/contests/new")
    fields = [*_pairs(a_contest(**changes)), ("csrf_token", token)]
    return await client.post("/console/contests", data=fields, allow_redirects=False)


def _pairs(form: dict) -> list:
    return [(name, v) for name, value in form.items() for v in (value if isinstance(value, list) else [value])]


async def ran_last_week(branches=("SH", "HZ"), **changes) -> int:
    """A three-day contest that ended days ago (set up with the clock of then)."""
    then = datetime.now(UTC) - timedelta(days=10)
    start = (then.astimezone(SHANGHAI) + timedelta(days=1)).date()
    running = await ContestBook(FakeClock(then)).create(
        contest_in(
            start_date=start.isoformat(),
            end_date=(start + timedelta(days=2)).isoformat(),
            **({"teams": {"branches": list(branches)}} | changes),
        )
    )
    return running.id


async def test_an_operator_sets_up_a_branch_pk_and_lands_on_its_page(as_operator, two_branches):
    response = await post_contest(as_operator)

    assert response.status == 303
    contest = await Contest.get(name="五一业绩PK")
    assert response.headers["Location"] == f"/console/contests/{contest.id}"
    page = await (await as_operator.get(response.headers["Location"])).text()
    assert "上海分公司" in page and "杭州分公司" in page
    assert 'href="http://' in page and f"/leaderboard/contests/{contest.id}" in page


async def test_the_contest_page_names_each_teams_branch_and_stores_with_the_code_on_hover(as_operator, two_branches):
    by_branch = await post_contest(as_operator)
    by_squad = await post_contest(
        as_operator, name="门店PK", **{"teams.kind": "squads", "teams.squads.0.code": "A",
        "teams.squads.0.name": "东方战队", "teams.squads.0.stores": "SH01 SH02", "teams.squads.1.code": "B",
        "teams.squads.1.name": "西湖战队", "teams.squads.1.stores": "HZ01"},
    )  # fmt: skip

    branches = await (await as_operator.get(by_branch.headers["Location"])).text()
    squads = await (await as_operator.get(by_squad.headers["Location"])).text()
    assert '分公司 <span title="SH">上海分公司</span>' in branches
    assert '门店 <span title="SH01">南京东路店</span>、<span title="SH02">徐家汇店</span>' in squads


async def test_setting_up_a_contest_is_audited_with_what_was_created(as_operator, two_branches):
    await post_contest(as_operator)

    entry = await AuditEntry.get(action="创建PK赛")
    assert entry.actor == "wecom:yunying" and entry.before is None
    assert entry.after["name"] == "五一业绩PK" and entry.after["prizes"]["final_teams"] == [100, 50]


async def test_a_form_with_several_wrong_fields_names_them_all_in_chinese_and_creates_nothing(
    as_operator, two_branches
):
    response = await post_contest(
        as_operator,
        name="",
        **{"teams.branches": ["SH", "NOPE"], "daily_team_target": "-5"},
        end_date=(TODAY - timedelta(days=3)).isoformat(),
    )

    page = await response.text()
    assert response.status == 422
    assert "赛事名称：不能为空" in page
    assert "参赛分公司：不存在：NOPE" in page
    assert "战队每日目标：不能为负数" in page
    assert "结束日期：不能早于开始日期" in page
    assert await Contest.all().count() == 0 and await AuditEntry.all().count() == 0


async def test_a_contest_not_started_says_so_on_its_live_page_and_ranks_no_one(as_operator, two_branches):
    created = await post_contest(as_operator)  # from tomorrow
    page = await (await as_operator.get(created.headers["Location"])).text()
    live_url = urlsplit(page.split('class="button primary" href="')[1].split('"')[0])

    live = await (await as_operator.get(f"{live_url.path}?{live_url.query}")).text()

    assert "未开始" in live and f"{TOMORROW.month}月{TOMORROW.day}日开始" in live
    assert "上海分公司" in live and "杭州分公司" in live
    assert "实时" not in live.split("</h1>")[0] and "名次" not in live


async def test_a_fans_contests_target_that_is_no_number_is_not_asked_for_as_money(as_operator, two_branches):
    page = await (await post_contest(as_operator, metric="fans", daily_team_target="很多")).text()

    assert "战队每日目标：请填写数字，最多两位小数" in page and "金额" not in page


async def test_a_squad_row_error_names_its_row(as_operator, two_branches):
    squads = {
        "teams.kind": "squads",
        "teams.squads.0.code": "A", "teams.squads.0.name": "东方战队", "teams.squads.0.stores": "SH01",
        "teams.squads.2.code": "B", "teams.squads.2.name": "西湖战队", "teams.squads.2.stores": "HZ01 NOPE",
    }  # fmt: skip

    page = await (await post_contest(as_operator, **squads)).text()

    assert "第 2 支战队的门店：不存在：NOPE" in page
    assert 'name="teams.squads.1.code" value="B"' in page  # the rows moved up, as numbered


async def test_a_squad_rows_inputs_are_named_in_chinese_to_screen_readers(as_operator, two_branches):
    page = await (await as_operator.get("/console/contests/new")).text()

    assert 'name="teams.squads.0.code" value="" aria-label="第 1 支战队的代码"' in page
    assert 'name="teams.squads.5.guides" value="" aria-label="第 6 支战队的导购"' in page


@pytest.fixture
async def as_posting_branch_lead(client, services, fake_wecom, two_branches):
    """The client, signed in as fenzong, lead of 上海分公司, where HQ lets branch leads post."""
    await OrgRole.create(userid="fenzong", role=Role.BRANCH_LEAD, branch=await Branch.get(code="SH"))
    services.staff.branch_leads_may_post = True
    await sign_in_with_wecom(client, fake_wecom, "fenzong")
    return client


async def test_a_branch_lead_who_may_post_sets_up_a_pk_between_their_own_stores(as_posting_branch_lead):
    squads = {
        "teams.kind": "squads",
        "teams.squads.0.code": "A", "teams.squads.0.name": "南京东路队", "teams.squads.0.stores": "SH01",
        "teams.squads.1.code": "B", "teams.squads.1.name": "徐家汇队", "teams.squads.1.stores": "SH02",
    }  # fmt: skip

    response = await post_contest(as_posting_branch_lead, **squads)

    assert response.status == 303 and await Contest.exists(name="五一业绩PK")


async def test_a_branch_lead_may_not_set_up_a_pk_that_reaches_another_branch(as_posting_branch_lead):
    response = await post_contest(as_posting_branch_lead)  # 上海 vs 杭州

    assert response.status == 422
    assert "参赛分公司：HZ 不在你的管理范围内" in await response.text()
    assert await Contest.all().count() == 0


async def test_contests_are_listed_running_and_finished(as_operator, two_branches):
    finished = await Contest.get(id=await ran_last_week())
    await Contest.filter(id=finished.id).update(final_settled={"outcome": {}}, final_current={"outcome": {}})
    await post_contest(as_operator, name="端午PK")

    page = await (await as_operator.get("/console/contests")).text()

    running_part, finished_part = page.split("已结束</h2>")
    assert "端午PK" in running_part and "五一业绩PK" in finished_part


async def test_a_store_manager_sees_only_contests_their_store_plays_in(as_store_manager, two_branches, services):
    theirs = await ran_last_week(branches=("SH", "HZ"), name="沪杭PK")
    others = await ran_last_week(
        name="杭州内部赛",
        teams={
            "squads": [
                {"code": "A", "name": "甲", "guides": ["zhaoliu"]},
                {"code": "B", "name": "乙", "stores": ["HZ01"]},
            ]
        },
    )

    listed = await (await as_store_manager.get("/console/contests")).text()
    other_page = await as_store_manager.get(f"/console/contests/{others}")

    assert "沪杭PK" in listed and "杭州内部赛" not in listed
    assert (await as_store_manager.get(f"/console/contests/{theirs}")).status == 200
    assert other_page.status == 404


async def test_a_store_manager_may_not_set_up_or_settle_a_contest(as_store_manager, two_branches):
    contest_id = await ran_last_week()

    new_page = await as_store_manager.get("/console/contests/new")
    settle = await post_form(
        as_store_manager, f"/console/contests/{contest_id}/settle", {"day": "2020-01-01"},
        page=f"/console/contests/{contest_id}",
    )  # fmt: skip

    assert new_page.status == 403 and settle.status == 403


async def test_an_operator_settles_an_ended_day_and_sees_its_results(as_operator, two_branches):
    contest_id = await ran_last_week()
    first = (await Contest.get(id=contest_id)).start_date

    response = await post_form(
        as_operator, f"/console/contests/{contest_id}/settle", {"day": first.isoformat()},
        page=f"/console/contests/{contest_id}",
    )  # fmt: skip

    assert response.status == 303
    page = await (await as_operator.get(response.headers["Location"])).text()
    assert f"{first.month}月{first.day}日已结算" in page and "结算于" in page
    entry = await AuditEntry.get(action="结算PK赛日")
    assert entry.target == f"/console/contests/{contest_id}" and entry.after["day"] == first.isoformat()


async def test_settling_a_day_that_has_not_ended_says_so_and_changes_nothing(as_operator, two_branches):
    await post_contest(as_operator)
    contest = await Contest.get(name="五一业绩PK")

    response = await post_form(
        as_operator, f"/console/contests/{contest.id}/settle", {"day": TOMORROW.isoformat()},
        page=f"/console/contests/{contest.id}",
    )  # fmt: skip

    assert response.status == 409
    assert "还没结束" in await response.text()
    assert await AuditEntry.filter(action="结算PK赛日").count() == 0


async def test_a_contests_corrections_are_listed(as_operator, two_branches):
    contest_id = await ran_last_week()
    day = (await Contest.get(id=contest_id)).start_date
    await ContestCorrection.create(
        contest_id=contest_id, day=day, source="sale:17", summary="迟到的销售：张三 ¥500",
        changes=[{"subject": "team", "code": "SH", "before": "0.00", "after": "500.00"}], created_at=datetime.now(UTC),
    )  # fmt: skip

    page = await (await as_operator.get(f"/console/contests/{contest_id}")).text()

    assert "迟到的销售" in page and "张三 ¥500" in page and "战队成绩 SH：0.00 → 500.00" in page


async def test_the_benchmark_history_shows_each_days_titles(as_store_manager):
    yesterday = TODAY - timedelta(days=1)
    await BenchmarkPick.create(
        day=yesterday, title="most_orders", title_name="开单达人", measure="orders", guide_userid="lisi",
        guide_name="李四", store_name="徐家汇店", figure=12, coins=30, tip="先加微信再推荐", selected_at=datetime.now(UTC),
    )  # fmt: skip

    page = await (await as_store_manager.get("/console/contests/benchmarks")).text()

    assert f"{yesterday.month}月{yesterday.day}日" in page
    assert "开单达人" in page and "李四" in page and "12 单" in page and "先加微信再推荐" in page
    assert 'href="/leaderboard/benchmarks"' in page
