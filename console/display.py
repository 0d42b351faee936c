"""How the console writes what it shows and reads what people type: times in the business time zone, the guides
behind userids, lists typed into one box."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import datetime

from aiohttp import web

from console.pages import services
from org.models import Guide

SEPARATORS = re.compile(r"[\s,，、;；]+")


def local_time(request: web.Request) -> Callable[[datetime | None], str]:
    """A formatter for templates: "2025-06-01 14:03" in the chain's time zone (Asia/Shanghai), "" for none."""
    zone = services(request).clock.timezone

    def written(at: datetime | None) -> str:
        return "" if at is None else at.astimezone(zone).strftime("%Y-%m-%d %H:%M")

    return written


async def guides_by_userid(userids: Iterable[str]) -> dict[str, Guide]:
    """The guides named in a page of rows, with their stores, in one query."""
    guides = await Guide.filter(userid__in=sorted(set(userids))).select_related("store")
    return {guide.userid: guide for guide in guides}


def split_list(text: str) -> list[str]:
    """`SH01, SH02` or `SH01 SH02` or `SH01、SH02`: the items in order, blanks dropped."""
    return [item for item in SEPARATORS.split(text.strip()) if item]
