"""How the console shows times and lists typed into one box: the business time zone, people's separators."""

from __future__ import annotations

import re
from datetime import datetime

from aiohttp import web

from console.pages import services

SEPARATORS = re.compile(r"[\s,，、;；]+")


def local_time(request: web.Request, at: datetime | None) -> str:
    """An instant as HQ reads it: the business time zone (Asia/Shanghai), to the minute; '' for none."""
    if at is None:
        return ""
    return at.astimezone(services(request).clock.timezone).strftime("%Y-%m-%d %H:%M")


def split_list(text: str) -> list[str]:
    """`SH01, SH02` or `SH01 SH02` or `SH01、SH02`: the items in order, blanks dropped."""
    return [item for item in SEPARATORS.split(text.strip()) if item]
