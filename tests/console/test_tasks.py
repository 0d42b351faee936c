"""The console's task pages: HQ posts every kind, picks the audience from the org tree, previews, publishes, follows progress.

A store manager or branch lead sees only the tasks that reach their stores, with their
stores' guides only; every change is in the audit trail with the state before and after.
"""

import re
from datetime import timedelta

import pytest

from org.models import Branch, Guide, OrgRole, Role, Store
from staff.models import AuditEntry
from tasks.models import Task, TaskStatus
from tests.support.console import csrf_token, sign_in_with_wecom
from tests.support.tasks import SHANGHAI, task_in, today

DAY = today().astimezone(SHANGHAI).date()
MATERIAL = {"material.text": "新品上市", "material.link": "https://shop.example.com/new"}


def add_fans_form(**fields) -> list[tuple[str, str]]:
    """The form as a person fills it in for an add_fans task for SH01; `audience.*` values may be lists."""
    values = {
        "kind": "add_fans",
        "title": "周末吸粉",
        "description": "每人加 3 位新顾客",
        "audience.stores": ["SH01"],
        "start_date": DAY.isoformat(),
        "end_date": (DAY + timedelta(days=6)).isoformat(),
        "target": "3",
        "reward_coins": "50",
        "bonus_per_unit": "0",
        "reminder_hours": "24, 2",
    } | fields
    return [(name, v) for name, value in values.items() for v in (value if isinstance(value, list) else [value])]


async def post(client, path: str, pairs: list[tuple[str, str]], page: str = "/console/tasks"):
    """Posts the pairs (a name may repeat, as checkboxes do) with the page's form token, not following the redirect."""
    token = await csrf_token(client, page)
    return await client.post(path, data=[*pairs, ("csrf_token", token)], allow_redirects=False)


async def published(services, **overrides) -> Task:
    """A task published through the service (for SH01 and SH02 unless overridden)."""
    draft = await services.publishing.create_draft(task_in(**overrides))
    return await services.publishing.publish(draft.id)


async def audit(action: str) -> list[AuditEntry]:
    return await AuditEntry.filter(action=action).order_by("id")


# --- the list -------------------------------------------------------------------------------


async def test_hq_sees_every_task_with_its_kind_in_chinese_and_completion_rate(as_operator, services):
    task = await published(services, target=1)
    await services.progress.count_new_fan("zhangsan", 1, today())

    page = await (await as_operator.get("/console/tasks")).text()

    assert task.title in page and "吸粉任务" in page
    assert "50%" in page
    assert "新建任务" in page


async def test_the_list_is_empty_with_a_way_to_start(as_operator):
    page = await (await as_operator.get("/console/tasks")).text()

    assert "还没有任务" in page and 'href="/console/tasks/new"' in page


async def test_a_store_manager_sees_only_tasks_reaching_their_store_counted_for_it(as_store_manager, services):
    await published(services, title="两店吸粉", audience={"stores": ["SH01", "SH02"]})
    await published(services, title="徐家汇专场", audience={"stores": ["SH02"]})

    page = await (await as_store_manager.get("/console/tasks")).text()

    assert "两店吸粉" in page and "徐家汇专场" not in page
    assert '<td class="num">1</td>' in page  # one guide assigned in SH01, not two
    assert "新建任务" not in page


# --- drafts ---------------------------------------------------------------------------------


async def test_hq_creates_an_add_fans_draft_and_lands_on_its_card_preview(as_operator):
    answer = await post(as_operator, "/console/tasks/new", add_fans_form(), page="/console/tasks/new")

    [task] = await Task.all()
    assert answer.status == 303 and answer.headers["Location"] == f"/console/tasks/{task.id}?done=saved"
    assert (task.kind, task.status, task.target, task.audience["stores"]) == ("add_fans", "draft", 3, ["SH01"])
    page = await (await as_operator.get(answer.headers["Location"])).text()
    assert "草稿已保存" in page and "卡片预览" in page
    assert "周末吸粉" in page and "去完成" in page and "我的进度" in page and "吸粉 0/3" in page


async def test_a_sales_target_draft_keeps_its_metric_and_self_reports(as_operator):
    form = add_fans_form(
        kind="sales_target", target="1200.50", **{"metric.sales_target": "amount", "metric.share_post": "visitors"}
    )
    form.append(("count_self_reported.sales_target", "on"))

    await post(as_operator, "/console/tasks/new", form)

    [task] = await Task.all()
    assert (task.kind, task.metric, task.target, task.count_self_reported) == ("sales_target", "amount", 120050, True)


async def test_a_share_post_draft_keeps_its_material_and_the_card_shows_the_done_button(as_operator):
    form = add_fans_form(kind="share_post", target="1", **MATERIAL)

    answer = await post(as_operator, "/console/tasks/new", form)

    [task] = await Task.all()
    assert (task.metric, task.material_text, task.material_link) == (
        "shares",
        "新品上市",
        "https://shop.example.com/new",
    )
    assert "已转发" in await (await as_operator.get(answer.headers["Location"])).text()


async def test_a_form_with_several_wrong_fields_lists_them_all_in_chinese_and_saves_nothing(as_operator):
    form = add_fans_form(
        kind="share_post",
        title=" ",
        end_date=(DAY - timedelta(days=1)).isoformat(),
        target="0",
        reward_coins="很多",
        reminder_hours="24, 999",
        **{"audience.stores": ["SH01", "NOPE"], "material.link": "ftp://x"},
    )

    answer = await post(as_operator, "/console/tasks/new", form)

    page = await answer.text()
    assert answer.status == 422
    for message in (
        "标题：不能为空",
        "素材链接：请填写 http:// 或 https:// 开头的网址",
        "完成奖励（金币）：请填写整数",
        "结束日期：不能早于开始日期",
        "每人目标：必须大于 0",
        "提醒时间：每项须在 1 到 720 之间",
        "门店：不存在：NOPE",
    ):
        assert message in page
    assert "请修改以下 7 处" in page
    assert await Task.all().count() == 0 and await AuditEntry.all().count() == 0


@pytest.mark.parametrize(
    ("kind", "asked"),
    [
        ({"kind": "add_fans"}, "每人目标：请填写整数：每人几位粉丝"),
        ({"kind": "share_post"}, "每人目标：请填写整数：每人几次转发"),
        ({"kind": "attend_training"}, "每人目标：请填写整数：每人几次培训"),
        ({"kind": "sales_target", "metric.sales_target": "orders"}, "每人目标：请填写整数：每人几单"),
        ({"kind": "sales_target", "metric.sales_target": "amount"}, "每人目标：请填写金额（元），最多两位小数"),
    ],
)
async def test_a_target_that_is_no_number_is_asked_for_in_the_kinds_unit(as_operator, kind, asked):
    answer = await post(as_operator, "/console/tasks/new", add_fans_form(target="三个", **kind))

    assert answer.status == 422 and asked in await answer.text()


async def test_the_target_says_what_it_counts_for_each_kind_training_included(as_operator):
    page = await (await as_operator.get("/console/tasks/new")).text()

    assert '<small data-kind="attend_training">培训任务：参加培训（导购点「已参加」即完成，目标填 1）</small>' in page
    assert (
        '<small data-kind="share_post">转发任务：转发（导购点「已转发」即完成，目标填 1）或链接访客数</small>' in page
    )


async def test_a_share_task_counted_by_the_done_button_needs_a_target_of_one(as_operator):
    """The 已转发 tap counts once per guide: a target of 3 could never be reached."""
    answer = await post(as_operator, "/console/tasks/new", add_fans_form(kind="share_post", target="3", **MATERIAL))

    assert "每人目标：须为 1：导购点一次卡片上的按钮即完成" in await answer.text()
    assert not await Task.exists()


async def test_a_wrong_reminder_hour_marks_the_reminder_box(as_operator):
    answer = await post(as_operator, "/console/tasks/new", add_fans_form(reminder_hours="24, 两小时"))

    page = await answer.text()
    box = page.split('name="reminder_hours"')[0].rsplit("<label", 1)[1]
    assert 'class="field invalid"' in box
    assert "<em>提醒时间：请填写整数</em>" in page.split('name="reminder_hours"')[1]


async def test_an_empty_form_names_the_missing_audience(as_operator):
    answer = await post(as_operator, "/console/tasks/new", [("kind", "add_fans")])

    assert "发给谁：请至少选择一个大区、分公司、门店、战队或导购" in await answer.text()


async def test_editing_a_draft_changes_it_and_records_before_and_after(as_operator):
    created = await post(as_operator, "/console/tasks/new", add_fans_form())
    task_page = created.headers["Location"].split("?")[0]

    answer = await post(
        as_operator, f"{task_page}/edit", add_fans_form(title="周末吸粉加码", target="5"), page=task_page
    )

    [task] = await Task.all()
    assert answer.status == 303 and (task.title, task.target) == ("周末吸粉加码", 5)
    [entry] = await audit("修改任务")
    assert entry.actor == "wecom:yunying" and entry.target == f"task:{task.id}"
    assert (entry.before["title"], entry.after["title"]) == ("周末吸粉", "周末吸粉加码")
    assert (entry.before["target"], entry.after["target"]) == ("3", "5")


async def test_creating_a_draft_is_audited(as_operator):
    await post(as_operator, "/console/tasks/new", add_fans_form())

    [entry] = await audit("创建任务")
    assert entry.before is None and entry.after["status"] == "draft" and entry.after["audience"]["stores"] == ["SH01"]


async def test_a_published_task_cannot_be_edited(as_operator, services):
    task = await published(services)

    answer = await post(as_operator, f"/console/tasks/{task.id}/edit", add_fans_form(title="改了"))

    assert answer.status == 409
    assert (await Task.get(id=task.id)).title == task.title


# --- permissions and scope ------------------------------------------------------------------


async def test_a_store_manager_may_not_create_tasks(as_store_manager):
    page = await as_store_manager.get("/console/tasks/new")
    answer = await post(as_store_manager, "/console/tasks/new", add_fans_form())

    assert page.status == 403 and answer.status == 403
    assert await Task.all().count() == 0


async def test_a_store_manager_cannot_open_another_stores_task(as_store_manager, services):
    task = await published(services, audience={"stores": ["SH02"]})

    for path in (f"/console/tasks/{task.id}", f"/console/tasks/{task.id}/progress.csv"):
        answer = await as_store_manager.get(path)
        assert answer.status == 404, path
        assert "李四" not in await answer.text()


async def test_a_store_manager_sees_only_their_stores_guides_on_a_shared_task(as_store_manager, services):
    task = await published(services, audience={"stores": ["SH01", "SH02"]})

    page = await (await as_store_manager.get(f"/console/tasks/{task.id}")).text()
    download = await (await as_store_manager.get(f"/console/tasks/{task.id}/progress.csv")).text()

    assert "张三" in page and "李四" not in page and "徐家汇店" not in page
    assert "zhangsan" in download and "lisi" not in download


async def test_nobody_changes_a_task_with_a_form_token_from_another_session(as_operator, services):
    task = await services.publishing.create_draft(task_in())

    answer = await as_operator.post(f"/console/tasks/{task.id}/publish", data={"csrf_token": "forged"})

    assert answer.status == 403 and "页面已过期" in await answer.text()
    assert (await Task.get(id=task.id)).status is TaskStatus.DRAFT


@pytest.fixture
async def branch_lead(client, services, fake_wecom, org):
    """The lead of SH (上海分公司), allowed to post for it; another branch BJ with store BJ01 and guide wangwu."""
    services.staff.branch_leads_may_post = True
    region = (await Branch.get(code="SH").prefetch_related("region")).region
    beijing = await Store.create(
        code="BJ01", name="王府井店", branch=await Branch.create(code="BJ", name="北京分公司", region=region)
    )
    await Guide.create(userid="wangwu", name="王五", store=beijing)
    await OrgRole.create(userid="lead-sh", role=Role.BRANCH_LEAD, branch=await Branch.get(code="SH"))
    await sign_in_with_wecom(client, fake_wecom, "lead-sh")
    return client


async def test_a_branch_lead_picks_only_from_their_branch(branch_lead):
    page = await (await branch_lead.get("/console/tasks/new")).text()
    their_store = await branch_lead.get("/console/tasks/audience/stores/SH01")
    other_branch = await branch_lead.get("/console/tasks/audience/stores/BJ01")

    assert 'value="SH01"' in page and 'value="zhangsan"' in await their_store.text()
    assert "BJ01" not in page and "王五" not in page and 'name="audience.all"' not in page
    assert other_branch.status == 404 and "王五" not in await other_branch.text()


async def test_a_branch_lead_cannot_post_beyond_their_branch(branch_lead):
    for audience in (
        [("audience.stores", "BJ01")],
        [("audience.guides", "wangwu")],
        [("audience.userids", "wangwu")],
        [("audience.branches", "BJ")],
        [("audience.all", "on")],
    ):
        form = [pair for pair in add_fans_form() if pair[0] != "audience.stores"] + audience
        answer = await post(branch_lead, "/console/tasks/new", form)
        assert answer.status == 422, audience
        assert "管理范围" in await answer.text() or "只有总部" in await answer.text()
    assert await Task.all().count() == 0


async def test_a_branch_lead_only_reads_an_hq_task_that_reaches_beyond_their_branch(branch_lead, services):
    draft = await services.publishing.create_draft(task_in(audience={"all": True}))

    page = await (await branch_lead.get(f"/console/tasks/{draft.id}")).text()
    answer = await post(branch_lead, f"/console/tasks/{draft.id}/publish", [])

    assert "卡片预览" in page and "发布…" not in page
    assert answer.status == 403 and (await Task.get(id=draft.id)).status is TaskStatus.DRAFT


async def test_a_branch_lead_posts_for_their_store(branch_lead):
    answer = await post(branch_lead, "/console/tasks/new", add_fans_form())

    assert answer.status == 303 and await Task.all().count() == 1


# --- the picker lists stores; a store's guides come when it is opened -----------------------

CHECKED = re.compile(r'<input type="checkbox" name="(audience\.[a-z]+)" value="([^"]+)" checked>')


async def test_the_form_lists_the_stores_but_not_the_guides_in_them(as_operator):
    page = await (await as_operator.get("/console/tasks/new")).text()

    assert 'value="SH01"' in page and "南京东路店" in page and "/console/tasks/audience/stores/SH01" in page
    assert "zhangsan" not in page and "张三" not in page and "李四" not in page


async def test_opening_a_store_lists_its_guides_to_pick_and_names_those_already_picked(as_operator):
    store = await as_operator.get("/console/tasks/audience/stores/SH01")
    picked = await as_operator.get("/console/tasks/audience/stores/SH01", params={"audience.guides": "zhangsan"})

    assert store.status == 200
    assert 'name="audience.guides" value="zhangsan"' in (text := await store.text()) and "张三" in text
    assert "李四" not in text and "<html" not in text
    assert 'value="zhangsan"' not in (text := await picked.text()) and "张三" in text and "已选" in text


async def test_a_store_manager_opens_only_their_own_stores_guides(as_store_manager):
    own = await as_store_manager.get("/console/tasks/audience/stores/SH01")
    other = await as_store_manager.get("/console/tasks/audience/stores/SH02")

    assert own.status == 200 and "张三" in await own.text()
    assert other.status == 404 and "李四" not in await other.text()


async def test_a_picked_guide_stays_picked_when_the_form_comes_back_with_errors(as_operator):
    """The guide's store was never opened: 已选导购 keeps the guide ticked, so posting again sends them."""
    form = [pair for pair in add_fans_form(title="") if pair[0] != "audience.stores"] + [("audience.guides", "lisi")]
    answer = await post(as_operator, "/console/tasks/new", form)
    page = await answer.text()

    assert answer.status == 422 and "标题：不能为空" in page and "李四" in page
    assert CHECKED.findall(page) == [("audience.guides", "lisi")]

    fixed = [pair for pair in add_fans_form() if not pair[0].startswith("audience.")] + CHECKED.findall(page)
    again = await post(as_operator, "/console/tasks/new", fixed)

    assert again.status == 303 and (await Task.get()).audience["guides"] == ["lisi"]


async def test_a_draft_opened_for_editing_keeps_its_picked_guides(as_operator, services):
    draft = await services.publishing.create_draft(task_in(audience={"stores": ["SH01"], "guides": ["lisi"]}))

    page = await (await as_operator.get(f"/console/tasks/{draft.id}/edit")).text()

    assert ("audience.guides", "lisi") in CHECKED.findall(page) and "已选导购" in page and "李四" in page


async def test_guides_typed_as_userids_are_picked_without_opening_their_store(as_operator):
    """The way to pick one guide without JavaScript: their UserIDs, as the org's store pages list them."""
    form = [pair for pair in add_fans_form() if pair[0] != "audience.stores"] + [
        ("audience.userids", "zhangsan， lisi")
    ]
    answer = await post(as_operator, "/console/tasks/new", form)

    assert answer.status == 303 and (await Task.get()).audience["guides"] == ["lisi", "zhangsan"]


# --- the audience count ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("audience", "reached"),
    [
        ([("audience.stores", "SH01")], "将发给 <strong>1</strong> 位导购"),
        ([("audience.teams", "TEAM-SH")], "将发给 <strong>2</strong> 位导购"),
        ([("audience.stores", "SH01"), ("audience.guides", "zhangsan")], "将发给 <strong>1</strong> 位导购"),
        ([("audience.all", "on")], "将发给 <strong>2</strong> 位导购"),
        ([("audience.userids", "zhangsan, lisi")], "将发给 <strong>2</strong> 位导购"),
        ([("audience.guides", "lisi"), ("audience.userids", "lisi")], "将发给 <strong>1</strong> 位导购"),
        ([], "请选择发给谁"),
        ([("audience.stores", "NOPE")], "已不存在"),
    ],
)
async def test_the_picker_counts_the_guides_an_audience_reaches(as_operator, audience, reached):
    answer = await post(as_operator, "/console/tasks/audience-count", audience)

    assert reached in await answer.text()


# --- publish and cancel ---------------------------------------------------------------------


async def test_publishing_asks_first_saying_how_many_guides_get_the_card(as_operator, services):
    draft = await services.publishing.create_draft(task_in(audience={"stores": ["SH01"]}))

    page = await (await as_operator.get(f"/console/tasks/{draft.id}/publish")).text()

    assert '<strong id="reached">1</strong> 位导购' in page and "确认发布给 1 位导购" in page
    assert (await Task.get(id=draft.id)).status is TaskStatus.DRAFT


async def test_the_publish_confirmation_names_the_audience_and_shows_the_material_to_share(as_operator, services):
    draft = await services.publishing.create_draft(
        task_in("share_post", audience={"stores": ["SH01"], "guides": ["lisi"]})
    )

    page = await (await as_operator.get(f"/console/tasks/{draft.id}/publish")).text()

    assert "<dt>发给谁</dt>\n  <dd>门店：南京东路店；导购：李四</dd>" in page
    assert "<dt>转发文案</dt><dd>新品上市，到店有礼</dd>" in page and ">https://shop.example.com/new</a>" in page


async def test_a_draft_page_names_its_audience_to_whoever_may_publish_it(as_operator, services):
    draft = await services.publishing.create_draft(task_in(audience={"stores": ["SH01", "SH02"]}))

    page = await (await as_operator.get(f"/console/tasks/{draft.id}")).text()

    assert "<dd>门店：南京东路店、徐家汇店</dd>" in page


async def test_publishing_sends_the_card_and_is_audited(as_operator, services, fake_wecom):
    draft = await services.publishing.create_draft(task_in(audience={"stores": ["SH01"]}))

    answer = await post(
        as_operator, f"/console/tasks/{draft.id}/publish", [], page=f"/console/tasks/{draft.id}/publish"
    )
    await services.outbox.drain()

    assert answer.headers["Location"] == f"/console/tasks/{draft.id}?done=published"
    [card] = fake_wecom.messages_to("zhangsan")
    assert card["template_card"]["main_title"]["title"] == draft.title
    assert fake_wecom.messages_to("lisi") == []
    [entry] = await audit("发布任务")
    assert (entry.before["status"], entry.after["status"], entry.after["assigned"]) == ("draft", "published", 1)


async def test_cancelling_asks_first_then_tells_the_guides_and_is_audited(as_operator, services, fake_wecom):
    task = await published(services)

    confirm = await (await as_operator.get(f"/console/tasks/{task.id}/cancel")).text()
    answer = await post(as_operator, f"/console/tasks/{task.id}/cancel", [])
    await services.outbox.drain()

    assert "<strong>2</strong> 位导购会收到一条取消通知" in confirm
    assert answer.status == 303 and (await Task.get(id=task.id)).status is TaskStatus.CANCELLED
    assert any(m["msgtype"] == "text" for m in fake_wecom.messages_to("lisi"))
    [entry] = await audit("取消任务")
    assert (entry.before["status"], entry.after["status"]) == ("published", "cancelled")


# --- progress -------------------------------------------------------------------------------


async def test_progress_shows_the_rate_the_rollups_and_who_has_not_started(as_operator, services):
    task = await published(services, target=1)
    await services.progress.count_new_fan("zhangsan", 1, today())

    page = await (await as_operator.get(f"/console/tasks/{task.id}")).text()

    assert "50%" in page and "1 / 2" in page
    assert "上海分公司" in page and "南京东路店" in page and "徐家汇店" in page
    assert "还没开始的导购" in page and "李四 · 徐家汇店" in page and "张三 · 南京东路店" not in page


async def test_progress_downloads_as_the_apis_csv_with_a_chinese_header(as_operator, services):
    task = await published(services, target=1)

    answer = await as_operator.get(f"/console/tasks/{task.id}/progress.csv")

    body = await answer.read()
    assert answer.content_type == "text/csv" and body.startswith("\ufeff".encode())
    lines = body.decode().lstrip("\ufeff").splitlines()
    assert lines[0].startswith("导购账号,姓名,门店,分公司,进度,目标,已完成")
    assert lines[1].startswith("lisi,李四,SH02,SH,0,1,否")
