"""What every console page shares: who is signed in, the permission a page needs, rendering, the audit trail."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp_jinja2
import jinja2
from aiohttp import web

from config.services import Services
from staff.access import Permission, Principal

SERVICES = web.AppKey("console_services", Services)
TEMPLATES = web.AppKey("console_templates", jinja2.Environment)  # the console's own, beside the leaderboard page's
PRINCIPAL = web.RequestKey("console_principal", Principal)
CSRF_TOKEN = web.RequestKey("console_csrf_token", str)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

# The menu: (title, path, what it needs). A person sees the entries their role allows.
MENU = [
    ("首页", "/console/", Permission.READ),
    ("任务", "/console/tasks", Permission.READ),
    ("PK赛与标杆", "/console/contests", Permission.READ),
    ("积分商城", "/console/shop", Permission.SHOP),
    ("金币", "/console/coins", Permission.READ),
    ("销售审核", "/console/sales", Permission.SALES_REVIEW),
    ("组织", "/console/org", Permission.READ),
    ("报表", "/console/reports", Permission.READ),
    ("审计", "/console/audit", Permission.AUDIT),
    ("人员与令牌", "/console/people", Permission.PEOPLE),
]


def services(request: web.Request) -> Services:
    return request.config_dict[SERVICES]


def principal(request: web.Request) -> Principal:
    """The signed-in person; pages behind `requires` always have one."""
    return request[PRINCIPAL]


def requires(permission: Permission) -> Callable[[Handler], Handler]:
    """A page for those whose role holds `permission`: others get the 403 page, never the data."""

    def decorate(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def guarded(request: web.Request) -> web.StreamResponse:
            if not principal(request).can(permission):
                raise forbidden()
            return await handler(request)

        return guarded

    return decorate


def forbidden(message: str = "你的角色无权访问此页面") -> web.HTTPForbidden:
    return web.HTTPForbidden(text=message)


def not_found(message: str = "没有找到，或不在你的管理范围内") -> web.HTTPNotFound:
    """Out of scope answers like absent, so a store manager cannot learn what other stores hold."""
    return web.HTTPNotFound(text=message)


def render(request: web.Request, template: str, status: int = 200, **context: Any) -> web.Response:
    who = request.get(PRINCIPAL)
    context |= {
        "me": who,
        "menu": [(title, path) for title, path, needs in MENU if who is not None and who.can(needs)],
        "csrf_token": request.get(CSRF_TOKEN, ""),
        "path": request.path,
    }
    return aiohttp_jinja2.render_template(template, request, context, status=status, app_key=TEMPLATES)


async def record_change(request: web.Request, action: str, target: str, before: Any = None, after: Any = None) -> None:
    await services(request).audit.record(principal(request).actor, action, target, before, after)


def see_other(location: str) -> web.HTTPSeeOther:
    """After a form is posted: a reload of the page it lands on does not post again."""
    return web.HTTPSeeOther(location)
