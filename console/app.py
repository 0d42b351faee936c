"""The console as an aiohttp sub-application mounted at /console, with its own middlewares and templates."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import aiohttp_jinja2
import jinja2
from aiohttp import web
from aiohttp_session import setup as setup_session
from aiohttp_session.cookie_storage import EncryptedCookieStorage

from console import (
    audit,
    auth,
    benchmarks,
    coins,
    contests,
    home,
    operations,
    org,
    people,
    redemptions,
    reports,
    sales,
    shop,
    task_drafts,
    tasks,
)
from console.csrf import csrf_protection
from console.pages import TEMPLATES, render
from console.sessions import signed_in

PREFIX = "/console"
STATIC_DIR = Path(__file__).parent / "static"
FAVICON = STATIC_DIR / "favicon.svg"  # every page links it; /favicon.ico answers it too (config/app.py)
COOKIE_NAME = "guidebot_console"
# Reachable without signing in: the login pages and the static files they use.
OPEN_PATHS = ("/console/login", "/console/static/")
PAGE_MODULES = [
    auth,
    home,
    tasks,
    task_drafts,
    shop,
    redemptions,
    coins,
    sales,
    contests,
    benchmarks,
    org,
    reports,
    operations,
    audit,
    people,
]


def console_app(session_key: bytes, secure_cookie: bool, client_max_size: int) -> web.Application:
    """`session_key`: 32 bytes every replica shares (config/keys.py); `secure_cookie` when served over https."""
    app = web.Application(client_max_size=client_max_size)
    storage = EncryptedCookieStorage(
        session_key, cookie_name=COOKIE_NAME, path=PREFIX, httponly=True, samesite="Lax", secure=secure_cookie
    )
    setup_session(app, storage)
    app.middlewares.extend([error_pages, csrf_protection, sign_in_required])
    aiohttp_jinja2.setup(
        app,
        app_key=TEMPLATES,
        loader=jinja2.PackageLoader("console", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    for module in PAGE_MODULES:
        app.add_routes(module.routes)
    app.router.add_static("/static", STATIC_DIR)
    return app


async def favicon(request: web.Request) -> web.FileResponse:
    """/favicon.ico, which browsers still ask for where no page names an icon (a JSON response, a bare error)."""
    return web.FileResponse(FAVICON, headers={"Content-Type": "image/svg+xml", "Cache-Control": "max-age=86400"})


@web.middleware
async def sign_in_required(request: web.Request, handler):
    if request.path.startswith(OPEN_PATHS):
        return await handler(request)
    if await signed_in(request) is None:
        login = f"{PREFIX}/login?next={quote(request.path_qs)}"
        if request.headers.get("HX-Request"):
            return web.Response(status=401, headers={"HX-Redirect": login})
        raise web.HTTPSeeOther(login)
    return await handler(request)


ERROR_TITLES = {403: "无权访问", 404: "页面不存在", 405: "不支持的操作", 413: "文件太大", 429: "操作太频繁"}


@web.middleware
async def error_pages(request: web.Request, handler):
    """A person sees a page in Chinese with a way back, never a bare status line."""
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        title = ERROR_TITLES.get(exc.status, "请求有误")
        message = exc.text if exc.text and not exc.text.startswith(f"{exc.status}:") else title
        return render(request, "error.html", status=exc.status, title=title, message=message)
