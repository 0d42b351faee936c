"""A one-time message for the page a form redirects to ("订单 #12 已发货"), kept in the session until shown."""

from __future__ import annotations

from aiohttp import web
from aiohttp_session import get_session

KEY = "flash"


async def flash(request: web.Request, text: str) -> None:
    (await get_session(request))[KEY] = text


async def take_flash(request: web.Request) -> str:
    return (await get_session(request)).pop(KEY, "")
