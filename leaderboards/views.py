"""The leaderboard page: /leaderboard (server-rendered), its board fragment, and its live stream (SSE).

The page reads without JavaScript: tabs are links and the board is plain HTML. The one
script, vendored under static/, listens to /leaderboard/stream and fetches the board
fragment again when it changes; EventSource reconnects by itself.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from pathlib import Path
from urllib.parse import urlencode

import aiohttp_jinja2
import jinja2
from aiohttp import web
from aiohttp_sse import EventSourceResponse, sse_response

from kernel.api import ApiError, ApiRoute, json_ok, query_params
from leaderboards.links import LINK_PARAM, Holder, LinkProblem, PageLinks
from leaderboards.live import BoardFeed
from leaderboards.page import BoardChoice, load_board, tabs
from leaderboards.schemas import BoardOut, BoardQuery, StandingOut
from leaderboards.service import Leaderboards
from staff.access import Permission

LEADERBOARDS = web.AppKey("leaderboards", Leaderboards)
PAGE_LINKS = web.AppKey("page_links", PageLinks)
BOARD_FEED = web.AppKey("board_feed", BoardFeed)
OPEN_STREAMS = web.AppKey("leaderboard_streams", set[EventSourceResponse])

STATIC_DIR = Path(__file__).parent / "static"
MIN_REFRESH_GAP = 0.5  # seconds between two refreshes of one page: a burst of sales costs one fetch, not fifty
RECONNECT_MS = 2000  # how soon a browser retries a dropped stream
PAGE_HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}  # a guide's link is theirs alone


def _holder(request: web.Request) -> tuple[Holder | None, str | None]:
    """Whom the page's link speaks for, and the notice to show when it speaks for no one."""
    token = request.query.get(LINK_PARAM)
    if token is None:
        return None, None
    holder = request.app[PAGE_LINKS].read(token)
    if isinstance(holder, LinkProblem):
        return None, holder.notice
    return holder, None


async def _board_context(request: web.Request) -> dict:
    holder, notice = _holder(request)
    choice = BoardChoice.from_query(request.query)
    board = await load_board(request.app[LEADERBOARDS], choice, guide=holder.guide if holder else None)
    kept = {LINK_PARAM: request.query[LINK_PARAM]} if holder else {}
    query = urlencode({**choice.query(), **kept})
    return {
        "board": board,
        "tabs": tabs(choice, kept),
        "notice": notice,
        "fragment_url": f"/leaderboard/board?{query}",
        "stream_url": f"/leaderboard/stream?{query}",
    }


async def show_leaderboard(request: web.Request) -> web.Response:
    """排行榜页面：选中的榜单（指标 / 范围 / 周期），导购自己的链接会高亮自己那一行。"""
    response = aiohttp_jinja2.render_template("leaderboard.html", request, await _board_context(request))
    response.headers.update(PAGE_HEADERS)
    return response


async def show_board_fragment(request: web.Request) -> web.Response:
    """The board alone, for the page's script to swap in after a change."""
    response = aiohttp_jinja2.render_template("_board.html", request, await _board_context(request))
    response.headers.update(PAGE_HEADERS)
    return response


async def stream_board_changes(request: web.Request) -> web.StreamResponse:
    """Server-sent events: `ready` once the page is live, then `board` whenever its board may have changed."""
    choice = BoardChoice.from_query(request.query)
    boards, feed, streams = request.app[LEADERBOARDS], request.app[BOARD_FEED], request.app[OPEN_STREAMS]
    async with sse_response(request, headers={"Referrer-Policy": "no-referrer"}) as stream:
        streams.add(stream)
        ended = asyncio.ensure_future(stream.wait())  # the browser went away, or the app is shutting down
        try:
            with feed.listen(min_gap=MIN_REFRESH_GAP) as listener:
                ended.add_done_callback(lambda _: listener.close())
                subscribed = asyncio.ensure_future(feed.subscribed.wait())
                await asyncio.wait({subscribed, ended}, return_when=asyncio.FIRST_COMPLETED)
                subscribed.cancel()
                if ended.done():
                    return stream
                await stream.send("live", event="ready", retry=RECONNECT_MS)
                async for changes in listener:
                    period = choice.resolve(boards.clock.today())
                    if any(change.concerns(choice.metric, period) for change in changes):
                        await stream.send(json.dumps(sorted({m for c in changes for m in c.metrics})), event="board")
        except ConnectionResetError:
            pass  # the browser left mid-send; it reconnects if it still wants to
        finally:
            ended.cancel()
            streams.discard(stream)
    return stream


async def close_open_streams(app: web.Application) -> None:
    """On shutdown, end every open stream, so the app stops at once (browsers reconnect to another replica)."""
    for stream in list(app[OPEN_STREAMS]):
        stream.stop_streaming()


def asset_version() -> str:
    """Changes whenever a static file does, so browsers that cache the old script or style fetch the new one."""
    digest = hashlib.sha256()
    for path in sorted(STATIC_DIR.iterdir()):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:10]


async def show_board_api(request: web.Request) -> web.Response:
    query: BoardQuery = query_params(request)
    boards = request.app[LEADERBOARDS]
    try:
        period = BoardChoice(query.metric, query.scope, query.period).resolve(boards.clock.today())
    except ValueError as exc:
        raise ApiError(422, "rule_violation", "no such period", [{"field": "period", "message": str(exc)}]) from None
    top = await boards.top(query.metric, query.scope, period, query.n)
    around = None
    if query.around is not None:
        around = await boards.around(query.metric, query.scope, period, query.around, query.span)
    board = BoardOut(
        metric=query.metric,
        scope=query.scope,
        period=str(period),
        label=f"{period.label} · {query.metric.label} · {query.scope.label}榜",
        top=[StandingOut.of(s, query.metric) for s in top],
        around=None if around is None else [StandingOut.of(s, query.metric) for s in around],
    )
    return json_ok(board)


def api_routes() -> list[ApiRoute]:
    return [
        ApiRoute("GET", "/api/v1/boards", show_board_api,
                 "A board: the top N (ties share a rank, shown in the order they got there) and, with `around`, "
                 "a member's standing with the ones just above and below", tag="boards", response=BoardOut,
                 query=BoardQuery, permission=Permission.READ, scoped=True),  # the public /leaderboard page shows it all
    ]  # fmt: skip


def setup_routes(app: web.Application) -> None:
    env = aiohttp_jinja2.setup(
        app,
        loader=jinja2.PackageLoader("leaderboards", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["asset_version"] = asset_version()
    app[OPEN_STREAMS] = set()
    app.on_shutdown.append(close_open_streams)
    app.router.add_get("/leaderboard", show_leaderboard)
    app.router.add_get("/leaderboard/board", show_board_fragment)
    app.router.add_get("/leaderboard/stream", stream_board_changes)
    app.router.add_static("/leaderboard/static", STATIC_DIR)
