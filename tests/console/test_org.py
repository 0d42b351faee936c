"""The org page: stores in scope, and HR's roster previewed (new, moved, left) before it is applied."""

from aiohttp import FormData

from org.models import Guide
from staff.models import AuditEntry
from tests.support.console import csrf_token

HEADER = "region_code,region_name,branch_code,branch_name,store_code,store_name,userid,name,team_code,team_name\n"
ZHANGSAN_MOVED = "EAST,华东大区,SH,上海分公司,SH02,徐家汇店,zhangsan,张三,TEAM-SH,申城战狼队\n"
WANGWU = "EAST,华东大区,SH,上海分公司,SH01,南京东路店,wangwu,王五,TEAM-SH,申城战狼队\n"


async def upload(client, content: str, filename: str = "roster.csv"):
    form = FormData()
    form.add_field("csrf_token", await csrf_token(client, "/console/org"))
    form.add_field("roster", content.encode(), filename=filename, content_type="text/csv")
    return await client.post("/console/org/roster", data=form)


def section(page: str, title: str) -> str:
    """The preview's list under the heading that starts with `title`."""
    return next(part for part in page.split("<h2>")[1:] if part.startswith(title))


def upload_key(page: str) -> str:
    return page.split('name="upload" value="')[1].split('"')[0]


async def test_hq_sees_every_store_with_its_guides_on_the_roster(as_admin):
    page = await (await as_admin.get("/console/org")).text()

    assert "南京东路店" in page and "徐家汇店" in page


async def test_the_org_page_names_regions_and_branches_with_their_codes_secondary(as_admin):
    page = await (await as_admin.get("/console/org")).text()

    heading = page.split("<h2>", 2)[2].split("</h2>")[0]  # the first card is the roster upload
    assert '<span title="EAST">华东大区</span> · <span title="SH">上海分公司</span>' in heading
    assert '<small class="muted">EAST · SH</small>' in heading
    assert "EAST · SH</h2>" not in page  # no longer the codes alone


async def test_a_store_page_names_its_branch_and_region(as_admin):
    page = await (await as_admin.get("/console/org/stores/SH01")).text()

    assert '<span title="EAST">华东大区</span> · <span title="SH">上海分公司</span>' in page


async def test_a_store_manager_sees_only_their_store(as_store_manager):
    page = await (await as_store_manager.get("/console/org")).text()

    assert "南京东路店" in page
    assert "徐家汇店" not in page


async def test_another_stores_guides_answer_as_if_the_store_did_not_exist(as_store_manager):
    answer = await as_store_manager.get("/console/org/stores/SH02")

    assert answer.status == 404
    assert "李四" not in await answer.text()


async def test_the_preview_names_who_is_new_moved_and_left_and_changes_nothing(as_admin):
    answer = await upload(as_admin, HEADER + ZHANGSAN_MOVED + WANGWU)
    page = await answer.text()

    assert answer.status == 200
    assert "王五" in section(page, "新入职")
    assert "张三" in section(page, "调店")
    assert "李四" in section(page, "离职")
    assert await Guide.filter(userid="wangwu").count() == 0
    assert (await Guide.get(userid="lisi")).left_at is None


async def test_applying_the_preview_marks_leavers_and_is_in_the_audit_trail(as_admin):
    page = await (await upload(as_admin, HEADER + ZHANGSAN_MOVED + WANGWU)).text()

    answer = await as_admin.post(
        "/console/org/roster/apply",
        data={"upload": upload_key(page), "csrf_token": await csrf_token(as_admin, "/console/org")},
    )

    assert "离职 1 人" in await answer.text()
    assert (await Guide.get(userid="lisi")).left_at is not None
    assert (await Guide.get(userid="zhangsan").prefetch_related("store")).store.code == "SH02"
    entry = await AuditEntry.get(action="导入花名册")
    assert entry.actor == "local:root"
    assert entry.before["left"] == 0 and entry.after["left"] == 1


async def test_a_preview_is_applied_once(as_admin):
    key = upload_key(await (await upload(as_admin, HEADER + WANGWU)).text())
    apply = {"upload": key}
    await as_admin.post("/console/org/roster/apply", data=apply | {"csrf_token": await csrf_token(as_admin)})

    again = await as_admin.post("/console/org/roster/apply", data=apply | {"csrf_token": await csrf_token(as_admin)})

    assert again.status == 422
    assert "重新上传" in await again.text()
    assert await AuditEntry.filter(action="导入花名册").count() == 1


async def test_a_broken_roster_lists_its_problems_and_changes_nothing(as_admin):
    answer = await upload(as_admin, "userid,name\nwangwu,王五\n")

    assert answer.status == 422
    assert "没有导入" in await answer.text()
    assert await Guide.filter(userid="wangwu").count() == 0


async def test_only_people_admins_upload_a_roster(as_operator):
    answer = await upload(as_operator, HEADER + WANGWU)

    assert answer.status == 403
    assert await Guide.filter(userid="wangwu").count() == 0
