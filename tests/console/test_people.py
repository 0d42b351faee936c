"""People and tokens: HQ roles for WeCom members, the roster's leads and managers, named API tokens whose secret
is shown once; HQ admins only, every change audited (never a secret)."""

import re

import pytest

from org.models import Branch, OrgRole, Role
from staff.models import ApiToken, AuditEntry, StaffGrant, StaffRole
from tests.support.console import post_form, sign_in_with_wecom

SECRET = re.compile(r'class="secret" readonly value="(gbt_[^"]+)"')


@pytest.fixture
async def as_hq_admin(client, services, fake_wecom, org):
    """The client, signed in with WeCom as laoban, an HQ admin."""
    await services.accounts.grant("laoban", StaffRole.HQ_ADMIN, by="test")
    await sign_in_with_wecom(client, fake_wecom, "laoban")
    return client


async def test_an_admin_grants_an_hq_role_to_a_wecom_member_and_it_is_audited(as_hq_admin):
    response = await post_form(as_hq_admin, "/console/people/grants", {"userid": "xiaoyun", "role": "hq_operator"})

    assert response.status == 303
    assert (await StaffGrant.get(userid="xiaoyun")).role == StaffRole.HQ_OPERATOR
    page = await (await as_hq_admin.get(response.headers["Location"])).text()
    assert "xiaoyun" in page and "总部运营" in page
    entry = await AuditEntry.get(action="授予总部角色")
    assert (entry.actor, entry.before, entry.after["role"]) == ("wecom:laoban", None, "hq_operator")


async def test_changing_and_revoking_a_role_keeps_the_role_before(as_hq_admin, services):
    await services.accounts.grant("xiaoyun", StaffRole.HQ_OPERATOR, by="test")

    await post_form(as_hq_admin, "/console/people/grants", {"userid": "xiaoyun", "role": "hq_admin"})
    await post_form(as_hq_admin, "/console/people/grants/xiaoyun/revoke", {}, page="/console/people")

    assert not await StaffGrant.exists(userid="xiaoyun")
    changed, revoked = await AuditEntry.all().order_by("id")
    assert (changed.before["role"], changed.after["role"]) == ("hq_operator", "hq_admin")
    assert (revoked.action, revoked.before["role"], revoked.after) == ("撤销总部角色", "hq_admin", None)


async def test_a_bad_grant_names_every_wrong_field_in_chinese_and_changes_nothing(as_hq_admin):
    response = await post_form(as_hq_admin, "/console/people/grants", {"userid": "张 三", "role": "store_manager"})

    page = await response.text()
    assert response.status == 422
    assert "企业微信 UserID：只能用英文字母、数字和 - _ . @" in page and "角色：请从选项中选择" in page
    assert await StaffGrant.all().count() == 1 and await AuditEntry.all().count() == 0  # laoban's own


async def test_an_admin_cannot_revoke_their_own_role(as_hq_admin):
    response = await post_form(as_hq_admin, "/console/people/grants/laoban/revoke", {}, page="/console/people")

    assert response.status == 422 and await StaffGrant.exists(userid="laoban")


async def test_the_rosters_leads_and_managers_are_listed_read_only(as_hq_admin):
    await OrgRole.create(userid="zhangsan", role=Role.BRANCH_LEAD, branch=await Branch.get(code="SH"))

    page = await (await as_hq_admin.get("/console/people")).text()

    assert "<title>人员与令牌 · 导购助手后台</title>" in page
    [_, roster] = page.split("<h2>分公司负责人与店长</h2>")
    roster = roster.split("</section>")[0]
    assert "wangdian" in roster and "南京东路店" in roster and "张三" in roster and "上海分公司" in roster
    assert "<form" not in roster


async def test_a_new_tokens_secret_is_shown_once_and_never_stored_or_audited(as_hq_admin):
    response = await post_form(
        as_hq_admin, "/console/people/tokens", {"name": "pos-sync", "role": "store_manager", "store_code": "SH01"},
        page="/console/people",
    )  # fmt: skip

    page = await response.text()
    secret = SECRET.search(page).group(1)
    token = await ApiToken.get(name="pos-sync")
    entry = await AuditEntry.get(action="创建API令牌")
    assert response.headers["Cache-Control"] == "no-store" and "只显示这一次" in page
    assert (token.role, token.store_code) == (StaffRole.STORE_MANAGER, "SH01")
    assert secret not in await (await as_hq_admin.get("/console/people")).text()
    assert secret not in str(entry.after) and token.secret_sha256 != secret and entry.after["name"] == "pos-sync"


async def test_the_token_list_names_the_store_a_token_is_kept_to(as_hq_admin):
    await post_form(
        as_hq_admin, "/console/people/tokens", {"name": "pos-sync", "role": "store_manager", "store_code": "SH01"},
        page="/console/people",
    )  # fmt: skip

    page = await (await as_hq_admin.get("/console/people")).text()

    assert '门店 南京东路店 <small class="muted">SH01</small>' in page


async def test_a_token_works_on_the_api_until_it_is_revoked(as_hq_admin, client):
    created = await post_form(
        as_hq_admin, "/console/people/tokens", {"name": "pos-sync", "role": "store_manager", "store_code": "SH01"},
        page="/console/people",
    )  # fmt: skip
    bearer = {"Authorization": f"Bearer {SECRET.search(await created.text()).group(1)}"}
    token = await ApiToken.get(name="pos-sync")

    before = await client.get("/api/v1/guides", headers=bearer)
    revoked = await post_form(as_hq_admin, f"/console/people/tokens/{token.id}/revoke", {}, page="/console/people")
    after = await client.get("/api/v1/guides", headers=bearer)

    assert before.status == 200 and [g["userid"] for g in await before.json()] == ["zhangsan"]
    assert revoked.status == 303 and after.status == 401
    entry = await AuditEntry.get(action="吊销API令牌")
    assert entry.before["revoked_at"] is None and entry.after["revoked_at"] is not None


async def test_a_bad_token_names_every_wrong_field_and_checks_the_scope_against_the_org(as_hq_admin):
    response = await post_form(
        as_hq_admin, "/console/people/tokens", {"name": "", "role": "branch_lead", "store_code": "NOPE"},
        page="/console/people",
    )  # fmt: skip
    unknown = await post_form(
        as_hq_admin, "/console/people/tokens", {"name": "hz", "role": "branch_lead", "branch_code": "HZ"},
        page="/console/people",
    )  # fmt: skip

    page = await response.text()
    assert response.status == 422
    assert "令牌名称：必填" in page and "分公司代码：该角色必须填写" in page and "门店代码：该角色不需要填写" in page
    assert "分公司代码：没有分公司 HZ" in await unknown.text()
    assert await ApiToken.all().count() == 0 and await AuditEntry.all().count() == 0


async def test_a_taken_token_name_is_refused_in_chinese(as_hq_admin, services):
    await services.api_tokens.create("pos-sync", StaffRole.HQ_OPERATOR, by="test")

    response = await post_form(
        as_hq_admin, "/console/people/tokens", {"name": "pos-sync", "role": "hq_operator"}, page="/console/people"
    )

    assert response.status == 422 and "已有名为 pos-sync 的令牌" in await response.text()


async def test_an_operator_may_not_open_people_or_change_them(as_operator):
    page = await as_operator.get("/console/people")
    grant = await post_form(as_operator, "/console/people/grants", {"userid": "xiaoyun", "role": "hq_admin"})

    assert page.status == 403 and grant.status == 403
    assert not await StaffGrant.exists(userid="xiaoyun")
