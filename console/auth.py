"""Signing in and out: 企业微信 web login (OAuth2 code → auth/getuserinfo) or a local account's password."""

from __future__ import annotations

import secrets
from urllib.parse import urlencode, urlsplit

from aiohttp import web
from aiohttp_session import get_session
from yarl import URL

from console.pages import render, see_other, services
from console.sessions import end_session, start_session, was_expired
from org.models import Guide

routes = web.RouteTableDef()
OAUTH_STATE = "oauth_state"
AFTER_LOGIN = "after_login"
ATTEMPT_WINDOW = 15 * 60
GIVE_BACK = """
for _, key in ipairs(KEYS) do
  if redis.call('EXISTS', key) == 1 and tonumber(redis.call('GET', key)) > 0 then redis.call('DECR', key) end
end
"""


@routes.get("/login")
async def login_page(request: web.Request) -> web.Response:
    notice = "长时间未操作，已自动退出，请重新登录" if await was_expired(request) else ""
    return _login_page(request, notice=notice, next=_safe_next(request.query.get("next", "")))


@routes.post("/login")
async def log_in_with_password(request: web.Request) -> web.Response:
    form = await request.post()
    username, password = str(form.get("username", "")).strip(), str(form.get("password", ""))
    after = _safe_next(str(form.get("next", "")))
    attempt = await _take_attempt(request, username)
    if attempt is None:
        return _login_page(request, 429, error="尝试次数过多，请 15 分钟后再试", username=username, next=after)
    account = await services(request).accounts.sign_in(username, password) if username and password else None
    if account is None:
        return _login_page(request, 401, error="账号或密码不正确", username=username, next=after)
    await _give_back(request, attempt)
    return await _welcome(request, f"local:{account.username}", account.username, after)


@routes.get("/login/wecom")
async def go_to_wecom_login(request: web.Request) -> web.Response:
    settings = services(request).settings
    if not _wecom_ready(request):
        raise web.HTTPNotFound(text="未配置企业微信登录，请使用账号密码登录")
    state = secrets.token_urlsafe(16)
    session = await get_session(request)
    session[OAUTH_STATE] = state
    session[AFTER_LOGIN] = _safe_next(request.query.get("next", ""))
    query = urlencode(
        {
            "login_type": "CorpApp",
            "appid": settings.wecom_corp_id,
            "agentid": settings.wecom_agent_id,
            "redirect_uri": f"{settings.public_url}/console/login/wecom/done",
            "state": state,
        }
    )
    # encoded=True: WeCom wants redirect_uri percent-encoded, which yarl would otherwise undo in a query
    raise web.HTTPFound(URL(f"{settings.wecom_login_base}/wwlogin/sso/login?{query}", encoded=True))


@routes.get("/login/wecom/done")
async def back_from_wecom_login(request: web.Request) -> web.Response:
    session = await get_session(request)
    expected, state, code = session.pop(OAUTH_STATE, None), request.query.get("state"), request.query.get("code")
    after = session.pop(AFTER_LOGIN, "/console/")
    client = services(request).wecom
    if client is None or not code or expected is None or not secrets.compare_digest(str(state), expected):
        return _login_page(request, 400, error="登录已失效，请重新扫码登录")
    userid = await client.member_for_login_code(code)
    if userid is None:
        return _login_page(request, 400, error="登录已失效，请重新扫码登录")
    guide = await Guide.get_or_none(userid=userid)
    name = guide.name if guide is not None else userid
    if await services(request).staff.for_member(userid, name) is None:
        return _login_page(request, 403, error="你的企业微信账号没有后台权限，请联系总部管理员开通")
    return await _welcome(request, f"wecom:{userid}", name, after)


@routes.post("/logout")
async def log_out(request: web.Request) -> web.Response:
    await end_session(request)
    raise see_other("/console/login")


async def _welcome(request: web.Request, who: str, name: str, after: str) -> web.Response:
    await start_session(request, who, name)
    raise see_other(after)


def _login_page(request: web.Request, status: int = 200, **context) -> web.Response:
    context = {"username": "", "next": "/console/", "notice": "", "error": ""} | context
    return render(request, "login.html", status=status, wecom_login=_wecom_ready(request), **context)


def _wecom_ready(request: web.Request) -> bool:
    return services(request).wecom is not None


def _safe_next(target: str) -> str:
    """Only a console path: a link that sends a person elsewhere after signing in is refused."""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/console/") or "\\" in target:
        return "/console/"
    return target


async def _take_attempt(request: web.Request, username: str) -> list[str] | None:
    """Takes a try from the name's allowance and from four times that for the address, before the password is
    checked, so guesses sent at once cannot all slip under the limit; None when an allowance is used up.

    A correct password gives its try back (`_give_back`): only wrong ones use the allowance.
    """
    limit = services(request).settings.console_login_attempts
    address = request.remote or "unknown"
    keys = [f"console:login:{address}", f"console:login:{address}:{username}"]
    async with services(request).redis.pipeline(transaction=True) as pipe:
        for key in keys:
            pipe.set(key, 0, ex=ATTEMPT_WINDOW, nx=True)  # the window starts at the first try
            pipe.incr(key)
        _, by_address, _, by_name = await pipe.execute()
    return None if by_name > limit or by_address > 4 * limit else keys


async def _give_back(request: web.Request, keys: list[str]) -> None:
    """Only where the window is still open: a decrement after it ended would leave a key that never expires."""
    await services(request).redis.eval(GIVE_BACK, len(keys), *keys)
