"""HQ API for benchmark guides: select a day's titles (once), and the history (标杆专区)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import aiohttp_jinja2
from aiohttp import web

from benchmarks.models import BenchmarkPick
from benchmarks.schemas import MAX_HISTORY_DAYS, BenchmarkOut, HistoryQuery, SelectQuery
from benchmarks.selection import BenchmarkSelection, DayNotOver, DayOutOfRange
from benchmarks.titles import FEN_PER_YUAN
from benchmarks.wording import day_label, figure
from kernel.api import ApiError, ApiRoute, json_ok, query_params
from staff.access import Permission

BENCHMARKS = web.AppKey("benchmarks", BenchmarkSelection)
HISTORY_PAGE_DAYS = 14


async def select_benchmarks(request: web.Request) -> web.Response:
    try:
        picks = await request.app[BENCHMARKS].select(query_params(request).day)
    except DayNotOver as exc:
        raise ApiError(409, "conflict", str(exc), [{"field": "day", "message": str(exc)}]) from None
    except DayOutOfRange as exc:
        raise ApiError(422, "rule_violation", str(exc), [{"field": "day", "message": str(exc)}]) from None
    return json_ok([_out(pick) for pick in picks])


async def benchmark_history(request: web.Request) -> web.Response:
    selection, query = request.app[BENCHMARKS], query_params(request)
    last = query.to or selection.today()
    first = query.from_ or date.fromordinal(max(last.toordinal() - 30, 1))
    if first > last:
        raise ApiError(422, "rule_violation", "to: is before from", [{"field": "to", "message": "is before from"}])
    if (last - first).days > MAX_HISTORY_DAYS:
        message = f"is more than {MAX_HISTORY_DAYS} days after from"
        raise ApiError(422, "rule_violation", f"to: {message}", [{"field": "to", "message": message}])
    return json_ok([_out(pick) for pick in await selection.history(first, last)])


def _out(pick: BenchmarkPick) -> BenchmarkOut:
    return BenchmarkOut(
        day=pick.day,
        title=pick.title,
        title_name=pick.title_name,
        guide=pick.guide_userid,
        name=pick.guide_name,
        store=pick.store_name,
        figure=Decimal(pick.figure) / FEN_PER_YUAN if pick.measure == "sales" else pick.figure,
        coins=pick.coins,
        tip=pick.tip,
        tip_at=pick.tip_at,
    )


def api_routes() -> list[ApiRoute]:
    return [
        ApiRoute("POST", "/api/v1/benchmarks/select", select_benchmarks,
                 "Choose a day's benchmark guides (once per day and title): coins, badge, one announcement",
                 title="评选标杆导购", tag="benchmarks", permission=Permission.CONTESTS, response=list[BenchmarkOut],
                 query=SelectQuery,
                 errors={409: "the day has not ended yet", 422: "the day is not in the years 2000 to 2099"}),
        ApiRoute("GET", "/api/v1/benchmarks", benchmark_history, "Benchmark guides by day, latest first (标杆专区)",
                 tag="benchmarks", permission=Permission.READ, scoped=True,  # the public 标杆专区 page shows it all
                 response=list[BenchmarkOut], query=HistoryQuery),
    ]  # fmt: skip


async def show_benchmark_history(request: web.Request) -> web.Response:
    """标杆专区：最近两周每天的标杆导购、成绩和心得。"""
    selection = request.app[BENCHMARKS]
    last = selection.today()
    picks = await selection.history(last - timedelta(days=HISTORY_PAGE_DAYS - 1), last)
    days: dict[date, list[dict]] = {}
    for pick in sorted(picks, key=lambda p: (p.day, p.id), reverse=True):
        days.setdefault(pick.day, []).append(
            {
                "title": pick.title_name,
                "guide_name": pick.guide_name if pick.guide_userid else "",
                "store_name": pick.store_name,
                "figure": figure(pick),
                "tip": pick.tip,
            }
        )
    context = {"days": [(day_label(day), day_picks) for day, day_picks in days.items()]}
    response = aiohttp_jinja2.render_template("benchmarks.html", request, context)
    response.headers["Cache-Control"] = "no-store"
    return response


def setup_page_routes(app: web.Application) -> None:
    app.router.add_get("/leaderboard/benchmarks", show_benchmark_history)
