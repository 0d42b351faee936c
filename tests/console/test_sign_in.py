"""Signing in to the console: 企业微信 login for staff, a password for the local administrator, and nothing else."""

import asyncio

from staff.models import StaffRole
from tests.console.conftest import ADMIN_PASSWORD
from tests.support.clock import FakeClock
from tests.support.console import post_form, sign_in_with_password, sign_in_with_wecom


async def test_a_page_asks_whoever_is_not_signed_in_to_sign_in_first(client):
    answer = await client.get("/console/tasks", allow_redirects=False)

    assert answer.status == 303
    assert answer.headers["Location"] == "/console/login?next=/console/tasks"


async def test_an_hq_member_signs_in_with_wecom_and_sees_their_name_and_role(client, services, fake_wecom, org):
    await services.accounts.grant("zhangsan", StaffRole.HQ_OPERATOR, by="test")

    answer = await sign_in_with_wecom(client, fake_wecom, "zhangsan")
    home = await (await client.get("/console/")).text()

    assert answer.status == 303
    assert "张三 · 总部运营" in home


async def test_wecom_login_goes_to_wecoms_page_for_this_corp_and_back_to_the_console(client, settings):
    answer = await client.get("/console/login/wecom", allow_redirects=False)

    location = answer.headers["Location"]
    assert location.startswith(f"{settings.wecom_login_base}/wwlogin/sso/login?login_type=CorpApp")
    assert f"appid={settings.wecom_corp_id}" in location
    assert "redirect_uri=" in location and "console%2Flogin%2Fwecom%2Fdone" in location


async def test_a_guide_without_a_console_role_is_refused(client, fake_wecom, org):
    answer = await sign_in_with_wecom(client, fake_wecom, "lisi")

    assert answer.status == 403
    assert "没有后台权限" in await answer.text()
    assert (await client.get("/console/", allow_redirects=False)).status == 303


async def test_a_login_code_works_once(client, services, fake_wecom, org):
    await services.accounts.grant("zhangsan", StaffRole.HQ_ADMIN, by="test")
    to_wecom = await client.get("/console/login/wecom", allow_redirects=False)
    state = to_wecom.headers["Location"].split("state=")[1]
    code = fake_wecom.issue_login_code("zhangsan")
    await client.get("/console/login/wecom/done", params={"code": code, "state": state}, allow_redirects=False)
    client.session.cookie_jar.clear()
    again = await client.get("/console/login/wecom", allow_redirects=False)
    new_state = again.headers["Location"].split("state=")[1]

    replayed = await client.get("/console/login/wecom/done", params={"code": code, "state": new_state})

    assert replayed.status == 400
    assert "登录已失效" in await replayed.text()


async def test_a_login_that_this_browser_did_not_start_is_refused(client, services, fake_wecom, org):
    await services.accounts.grant("zhangsan", StaffRole.HQ_ADMIN, by="test")
    code = fake_wecom.issue_login_code("zhangsan")

    answer = await client.get("/console/login/wecom/done", params={"code": code, "state": "planted"})

    assert answer.status == 400
    assert (await client.get("/console/", allow_redirects=False)).status == 303


async def test_the_administrator_signs_in_with_a_password(client, services):
    await services.accounts.create_admin("root", ADMIN_PASSWORD)

    answer = await sign_in_with_password(client, "root", ADMIN_PASSWORD)

    assert answer.status == 303
    assert "root · 总部管理员" in await (await client.get("/console/")).text()


async def test_a_wrong_password_says_so_without_saying_which_half_was_wrong(client, services):
    await services.accounts.create_admin("root", ADMIN_PASSWORD)

    wrong_password = await sign_in_with_password(client, "root", "not the password")
    wrong_name = await sign_in_with_password(client, "nobody", ADMIN_PASSWORD)

    assert wrong_password.status == wrong_name.status == 401
    assert "账号或密码不正确" in await wrong_password.text()
    assert "账号或密码不正确" in await wrong_name.text()


async def test_password_guessing_is_stopped_after_a_few_tries(client, services, settings):
    await services.accounts.create_admin("root", ADMIN_PASSWORD)
    for _ in range(settings.console_login_attempts):
        await sign_in_with_password(client, "root", "guess")

    answer = await sign_in_with_password(client, "root", ADMIN_PASSWORD)

    assert answer.status == 429
    assert "15 分钟后再试" in await answer.text()


async def test_signing_in_correctly_again_and_again_is_never_locked_out(client, services, settings):
    await services.accounts.create_admin("root", ADMIN_PASSWORD)
    for _ in range(4 * settings.console_login_attempts):
        await sign_in_with_password(client, "root", ADMIN_PASSWORD)

    answer = await sign_in_with_password(client, "root", ADMIN_PASSWORD)

    assert answer.status == 303


async def test_guesses_sent_at_once_are_stopped_at_the_limit(client, services, settings):
    await services.accounts.create_admin("root", ADMIN_PASSWORD)

    answers = await asyncio.gather(
        *(sign_in_with_password(client, "root", "guess") for _ in range(3 * settings.console_login_attempts))
    )

    assert sorted(answer.status for answer in answers) == [401] * settings.console_login_attempts + [429] * (
        2 * settings.console_login_attempts
    )


async def test_after_signing_in_the_page_asked_for_opens(client, services):
    await services.accounts.create_admin("root", ADMIN_PASSWORD)

    answer = await post_form(
        client,
        "/console/login",
        {"username": "root", "password": ADMIN_PASSWORD, "next": "/console/audit"},
        page="/console/login?next=/console/audit",
    )

    assert answer.headers["Location"] == "/console/audit"


async def test_signing_in_never_sends_a_person_to_another_site(client, services):
    await services.accounts.create_admin("root", ADMIN_PASSWORD)

    answer = await post_form(
        client,
        "/console/login",
        {"username": "root", "password": ADMIN_PASSWORD, "next": "//evil.example.com/console/"},
        page="/console/login",
    )

    assert answer.headers["Location"] == "/console/"


async def test_signing_out_ends_the_session(as_admin):
    await post_form(as_admin, "/console/logout", {})

    assert (await as_admin.get("/console/", allow_redirects=False)).status == 303


async def test_a_copy_of_the_cookie_taken_before_signing_out_is_refused_after(as_admin):
    kept = as_admin.session.cookie_jar.filter_cookies(as_admin.make_url("/console/"))["guidebot_console"].value
    await post_form(as_admin, "/console/logout", {})

    as_admin.session.cookie_jar.update_cookies({"guidebot_console": kept})
    answer = await as_admin.get("/console/coins", allow_redirects=False)

    assert answer.status == 303
    assert answer.headers["Location"].startswith("/console/login")


async def test_a_session_left_idle_ends_and_the_login_page_says_why(as_admin, services, settings):
    services.clock = FakeClock()  # the console reads the time through the services
    services.clock.advance(minutes=settings.console_idle_minutes + 1)

    answer = await as_admin.get("/console/", allow_redirects=False)
    login = await (await as_admin.get(answer.headers["Location"])).text()

    assert answer.status == 303
    assert "长时间未操作" in login


async def test_a_session_in_use_stays_open(as_admin, services, settings):
    services.clock = FakeClock()
    for _ in range(3):
        services.clock.advance(minutes=settings.console_idle_minutes - 1)
        assert (await as_admin.get("/console/", allow_redirects=False)).status == 200


async def test_a_form_posted_without_the_pages_token_is_refused(as_admin):
    answer = await as_admin.post("/console/logout", data={}, allow_redirects=False)

    assert answer.status == 403
    assert (await as_admin.get("/console/", allow_redirects=False)).status == 200


async def test_the_session_cookie_is_encrypted_httponly_and_samesite(client, services):
    await services.accounts.create_admin("root", ADMIN_PASSWORD)

    answer = await sign_in_with_password(client, "root", ADMIN_PASSWORD)

    cookie = answer.cookies["guidebot_console"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert "root" not in cookie.value


async def test_a_role_taken_away_applies_at_the_next_page(as_operator, services):
    await services.accounts.revoke("yunying")

    assert (await as_operator.get("/console/", allow_redirects=False)).status == 303
