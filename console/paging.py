"""Long lists a page at a time: ?page=N in the order the query gives, and links that keep the filters."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from aiohttp import web
from tortoise.queryset import QuerySet

PAGE_SIZE = 50
LAST_PAGE = 10_000  # past any real list; a larger or malformed number reads as the first page


@dataclass(frozen=True)
class Page:
    rows: list[Any]
    number: int
    has_next: bool
    filters: dict[str, str]  # the list's other parameters, kept in the page links

    def link(self, number: int) -> str:
        return "?" + urlencode({**self.filters, "page": number})


async def page_of(request: web.Request, query: QuerySet, size: int = PAGE_SIZE) -> Page:
    """One page of `query`, asking for one row more to know whether another page follows."""
    text = request.query.get("page", "")
    number = int(text) if text.isdigit() and 1 <= int(text) <= LAST_PAGE else 1
    rows = list(await query.offset((number - 1) * size).limit(size + 1))
    filters = {key: value for key, value in request.query.items() if key != "page" and value}
    return Page(rows=rows[:size], number=number, has_next=len(rows) > size, filters=filters)
