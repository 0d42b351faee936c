"""The one composition root: settings in, a ready aiohttp application out."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import aiohttp
from aiohttp import web
from redis.asyncio import Redis

import benchmarks.views
import bot.views
import bot.webhook
import config.ops
import console.pages
import contests.views
import fans.views
import kernel.jobs.views
import leaderboards.views
import org.views
import pushes.views
import rewards.views
import staff.views
import tasks.views
from bot.metrics import BotMetrics
from config.db import close_database, open_database
from config.jobs import build_scheduler, job_names
from config.keys import console_session_key
from config.redis import open_redis, separate_pool
from config.services import SERVICES, Services, build_services
from config.settings import Settings
from console.app import console_app, favicon
from kernel.api import api_middlewares, setup_api
from leaderboards.live import BoardFeed
from org.demo import demo_org
from org.service import OrgService
from staff.access import Permission, roles_and_permissions
from staff.bearer import ApiCallers
from staff.models import LocalAccount, StaffGrant, StaffRole

log = logging.getLogger(__name__)

SETTINGS = web.AppKey("settings", Settings)
REDIS = web.AppKey("redis", Redis)
HTTP_SESSION = web.AppKey("http_session", aiohttp.ClientSession)

MAX_REQUEST_BYTES = 20 * 1024 * 1024  # an organisation import of tens of thousands of guides


def create_app(settings: Settings) -> web.Application:
    """The whole service from its settings: the one place that builds and wires everything.

    Resources open in order when the app starts (Redis, the database, the HTTP session, then
    the services and their background loops) and close in reverse. Routes: the WeCom
    callback, /livez, /healthz, /metrics, the share links, the leaderboard page, the HQ console
    (/console), and the HQ API with its OpenAPI document. Nothing reads the environment here: settings come in as an argument.
    """
    hq_api_token = settings.hq_api_token.get_secret_value()
    app = web.Application(
        middlewares=api_middlewares(staff.views.resolve_caller, enabled=bool(hq_api_token)),
        client_max_size=MAX_REQUEST_BYTES,
    )
    app[SETTINGS] = settings
    app.cleanup_ctx.extend([redis_ctx, orm_ctx, http_ctx, bot_ctx, board_feed_ctx, scheduler_ctx])
    bot.webhook.setup_routes(app)
    config.ops.setup_routes(app)
    tasks.views.setup_routes(app)
    leaderboards.views.setup_routes(app)
    contests.views.setup_page_routes(app)
    benchmarks.views.setup_page_routes(app)
    app.router.add_get("/favicon.ico", favicon)
    app.add_subapp(
        "/console",
        console_app(
            console_session_key(settings),
            secure_cookie=settings.public_url.startswith("https://"),
            client_max_size=MAX_REQUEST_BYTES,
        ),
    )
    setup_api(
        app,
        org.views.api_routes()
        + tasks.views.api_routes()
        + rewards.views.api_routes()
        + bot.views.api_routes()
        + leaderboards.views.api_routes()
        + contests.views.api_routes()
        + benchmarks.views.api_routes()
        + pushes.views.api_routes()
        + kernel.jobs.views.api_routes(job_names(), Permission.OPERATIONS)
        + fans.views.api_routes()
        + staff.views.api_routes(),
        title="guidebot HQ API",
        version="1",
        record=staff.views.record_change,
        access=roles_and_permissions(),
    )
    return app


async def redis_ctx(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    async with open_redis(settings.redis_url, settings.var_dir) as redis:
        app[REDIS] = redis
        yield


async def orm_ctx(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    await open_database(settings.resolved_database_url)
    if settings.demo_data:
        await seed_demo_if_empty()
    if not await LocalAccount.exists() and not await StaffGrant.filter(role=StaffRole.HQ_ADMIN).exists():
        log.warning("HQ console: no administrator yet; make one with `make admin NAME=you`, then open /console/")
    yield
    await close_database()


async def http_ctx(app: web.Application) -> AsyncIterator[None]:
    async with aiohttp.ClientSession() as session:
        app[HTTP_SESSION] = session
        yield


async def bot_ctx(app: web.Application) -> AsyncIterator[None]:
    """Builds the services, takes back what a crash left in the inbox, runs the inbox, event and outbox loops.

    The inbox loop runs even in demo mode: stored callbacks must be handled whether or not we can send.
    """
    settings = app[SETTINGS]
    services = build_services(settings, app[REDIS], app[HTTP_SESSION], BotMetrics())
    app[SERVICES] = services
    expose_to_views(app, services)
    if not settings.sending_enabled:
        log.warning("demo mode: no WeCom credentials, outbound sends are disabled (messages stay in the outbox)")
    if not settings.callback_enabled:
        log.warning("WeCom callback not configured: /wecom/callback answers 503")
    await services.inbox.resume()
    loops = [services.inbox.queue.loop, services.bus.queue.loop]
    if settings.sending_enabled:
        loops.append(services.outbox.loop)
    running = [asyncio.create_task(loop.run()) for loop in loops]
    yield
    for loop in loops:
        loop.stop()
    await asyncio.gather(*running)
    await services.inbox.drain()
    await services.bus.queue.drain()


async def board_feed_ctx(app: web.Application) -> AsyncIterator[None]:
    """The process's one subscription to board changes, for every open leaderboard page."""
    async with separate_pool(app[REDIS]) as redis, BoardFeed(redis).running() as feed:
        app[leaderboards.views.BOARD_FEED] = feed
        yield


async def scheduler_ctx(app: web.Application) -> AsyncIterator[None]:
    """Runs the scheduled jobs (config/jobs.py), each slot once across every process; stops without waiting long."""
    scheduler = build_scheduler(app[SERVICES])
    app[kernel.jobs.views.SCHEDULER] = scheduler
    await scheduler.start()
    yield
    await scheduler.stop()


def expose_to_views(app: web.Application, services: Services) -> None:
    """Each package's views ask for their own services by their own keys, never for config's Services."""
    app[org.views.ORG] = services.org
    app[rewards.views.LEDGER] = services.ledger
    app[rewards.views.SHOP] = services.shop
    app[pushes.views.PUSHES] = services.pushes
    app[tasks.views.PUBLISHING] = services.publishing
    app[tasks.views.REPORTS] = services.reports
    app[tasks.views.SALES] = services.sales
    app[tasks.views.SHARE_LINKS] = services.share_links
    app[leaderboards.views.LEADERBOARDS] = services.leaderboards
    app[leaderboards.views.PAGE_LINKS] = services.page_links
    app[contests.views.CONTESTS] = services.contests
    app[contests.views.CONTEST_STANDINGS] = services.contest_standings
    app[contests.views.SETTLEMENT] = services.settlement
    app[contests.views.CORRECTIONS] = services.corrections
    app[benchmarks.views.BENCHMARKS] = services.benchmarks
    app[fans.views.FAN_REPORTS] = services.fan_reports
    app[staff.views.API_TOKENS] = services.api_tokens
    app[staff.views.AUDIT_TRAIL] = services.audit
    app[staff.views.API_CALLERS] = ApiCallers(
        services.settings.hq_api_token.get_secret_value(), services.api_tokens, services.staff
    )
    app[console.pages.SERVICES] = services


async def seed_demo_if_empty() -> None:
    org_service = OrgService()
    if await org_service.is_empty():
        report = await org_service.import_org(demo_org())
        log.info("loaded the demo organisation: %d guides in %d stores", report.guides.created, report.stores.created)
