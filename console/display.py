"""How the console writes what it shows and reads what people type: times in the business time zone, lists typed
into one box."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

from aiohttp import web

from console.pages import services

SEPARATORS = re.compile(r"[\s,，、;；]+")


def local_time(request: web.Request) -> Callable[[datetime | None], str]:
    """A formatter for templates: "2025-06-01 14:03" in the chain's time zone (Asia/Shanghai), "" for none."""
    zone = services(request).clock.timezone

    def written(at: datetime | None) -> str:
        return "" if at is None else at.astimezone(zone).strftime("%Y-%m-%d %H:%M")

    return written


def split_list(text: str) -> list[str]:
    """`SH01, SH02` or `SH01 SH02` or `SH01、SH02`: the items in order, blanks dropped."""
    return [item for item in SEPARATORS.split(text.strip()) if item]
