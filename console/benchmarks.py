"""Benchmark guides (标杆导购) by day: who earned which title, their figure, coins and tip, a month per page."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import groupby

from aiohttp import web

from benchmarks.wording import day_label, figure
from console.pages import render, requires, services
from staff.access import Permission

routes = web.RouteTableDef()
PAGE_DAYS = 30


@routes.get("/contests/benchmarks")
@requires(Permission.READ)
async def benchmark_history(request: web.Request) -> web.Response:
    """每天的标杆导购（与公开的标杆专区相同，所有人可见）；?to= 翻到更早的一个月。"""
    selection = services(request).benchmarks
    last = _day(request.query.get("to", "")) or selection.today()
    first = last - timedelta(days=PAGE_DAYS - 1)
    picks = await selection.history(first, last)
    days = [(day_label(day), list(day_picks)) for day, day_picks in groupby(picks, key=lambda p: p.day)]
    return render(
        request,
        "contests/benchmarks.html",
        days=days,
        first=first,
        last=last,
        earlier=(first - timedelta(days=1)).isoformat(),
        figure=figure,
    )


def _day(text: str) -> date | None:
    """A day in the service's years, or None (then the page shows the latest month)."""
    try:
        day = date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None
    return day if day is not None and date(2000, 2, 1) <= day <= date(2099, 12, 31) else None
