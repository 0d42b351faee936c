"""CSRF: every form and htmx request that changes something carries the session's token.

The token lives in the encrypted session; a form sends it as `csrf_token`, htmx as the
X-CSRF-Token header (base.html sets it for every htmx request). SameSite=Lax already
keeps other sites' forms from carrying the cookie; the token is the second lock.
"""

from __future__ import annotations

import hmac
import secrets

from aiohttp import web
from aiohttp_session import get_session

from console.pages import CSRF_TOKEN

FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


@web.middleware
async def csrf_protection(request: web.Request, handler):
    session = await get_session(request)
    token = session.get(FIELD)
    if token is None:
        token = session[FIELD] = secrets.token_urlsafe(32)
    request[CSRF_TOKEN] = token
    if request.method not in SAFE_METHODS:
        given = request.headers.get(HEADER)
        if given is None and request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            given = (await request.post()).get(FIELD)
        if not isinstance(given, str) or not hmac.compare_digest(given.encode(), token.encode()):
            raise web.HTTPForbidden(text="页面已过期或来源不明，请刷新页面后重试")
    return await handler(request)
