"""Signing in to the console from a test, as a browser would: the 企业微信 web login or a password."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from aiohttp.test_utils import TestClient

from tests.fakes.wecom_api import FakeWeCom

CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


async def sign_in_with_wecom(client: TestClient, fake_wecom: FakeWeCom, userid: str):
    """Scans the (fake) QR code as `userid`; returns the answer to WeCom's redirect back to the console."""
    client.session.cookie_jar.clear()
    to_wecom = await client.get("/console/login/wecom", allow_redirects=False)
    state = parse_qs(urlsplit(to_wecom.headers["Location"]).query)["state"][0]
    code = fake_wecom.issue_login_code(userid)
    return await client.get("/console/login/wecom/done", params={"code": code, "state": state}, allow_redirects=False)


async def sign_in_with_password(client: TestClient, username: str, password: str):
    client.session.cookie_jar.clear()
    return await post_form(
        client, "/console/login", {"username": username, "password": password}, page="/console/login"
    )


async def csrf_token(client: TestClient, page: str = "/console/") -> str:
    answer = await client.get(page)
    match = CSRF_FIELD.search(await answer.text())
    assert match, f"{page} has no form token"
    return match.group(1)


async def post_form(client: TestClient, path: str, data: dict, page: str = "/console/"):
    """Posts `data` with the token the page at `page` carries, not following the redirect."""
    token = await csrf_token(client, page)
    return await client.post(path, data={**data, "csrf_token": token}, allow_redirects=False)
