"""The Services the bot and the views share, built once per app from settings and open resources."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

import aiohttp
from aiohttp import web
from redis.asyncio import Redis

from benchmarks.selection import BenchmarkSelection
from bot.cards import OutboxNotifier, WeComTaskCards
from bot.crypto import CallbackCrypto
from bot.dispatcher import Dispatcher
from bot.handlers import get_routers
from bot.inbox import Inbox
from bot.invites import InviteService
from bot.metrics import BotMetrics
from bot.middlewares import GuideLookup, log_duration
from bot.outbox import Outbox
from bot.wecom.budget import SendBudget
from bot.wecom.client import WeComClient
from bot.wecom.contacts import WeComContactDirectory
from config.keys import page_link_key
from config.settings import Settings
from config.subscriptions import subscribe_all
from contests.boards import ContestBoards
from contests.book import ContestBook
from contests.cheers import Cheers
from contests.corrections import ContestCorrections
from contests.settlement import ContestSettlement
from contests.standings import ContestStandings
from digests.morning import MorningDigests
from digests.reminders import TaskReminders
from digests.results import DailyResults
from fans.report_pushes import FanReportPushes
from fans.reports import FanReports
from fans.service import FanService
from kernel.clock import Clock, SystemClock
from kernel.event_bus import EventBus
from leaderboards.links import PageLinks
from leaderboards.service import Leaderboards
from leaderboards.store import RedisBoardStore
from org.service import OrgService
from pushes.budget import PushBudget
from pushes.policy import PushPolicy, QuietHours
from rewards.badges import BadgeService
from rewards.ledger import CoinLedger
from rewards.redemption import RewardShop
from staff.access import StaffDirectory
from staff.accounts import StaffAccounts
from staff.audit import AuditTrail
from staff.tokens import ApiTokens
from tasks.counting import ProgressCounter
from tasks.publishing import TaskPublisher
from tasks.reports import TaskReports
from tasks.sales import SalesBook
from tasks.sharing import ShareLinks


@dataclass
class Services:
    """Everything the bot's handlers can ask for by parameter name, and that views and tests reach.

    The dispatcher's workflow data is a subset (see `build_services`): a handler declaring
    `progress`, `sales`, `share_links`, `ledger`, `shop`, `badges`, `fans`, `invites`, `org`,
    `cards`, `leaderboards`, `page_links`, `contests`, `contest_standings`, `cheers` or `benchmarks`
    gets that object; `guide` (the sender) and `inbox_key` come with each event.
    """

    settings: Settings
    redis: Redis
    metrics: BotMetrics
    org: OrgService
    fans: FanService
    ledger: CoinLedger
    shop: RewardShop
    badges: BadgeService
    publishing: TaskPublisher
    progress: ProgressCounter
    sales: SalesBook
    share_links: ShareLinks
    reports: TaskReports
    leaderboards: Leaderboards
    contests: ContestBook
    contest_standings: ContestStandings
    settlement: ContestSettlement
    corrections: ContestCorrections
    cheers: Cheers
    benchmarks: BenchmarkSelection
    outbox: Outbox
    invites: InviteService
    dispatcher: Dispatcher
    inbox: Inbox
    crypto: CallbackCrypto | None
    clock: Clock
    bus: EventBus
    page_links: PageLinks
    pushes: PushBudget
    digests: MorningDigests
    reminders: TaskReminders
    results: DailyResults
    fan_reports: FanReports
    fan_report_pushes: FanReportPushes
    staff: StaffDirectory
    accounts: StaffAccounts
    audit: AuditTrail
    api_tokens: ApiTokens
    wecom: WeComClient | None  # None in demo mode: no WeCom login, nothing sent


SERVICES = web.AppKey("services", Services)


def build_boards(store: RedisBoardStore, clock: Clock, contests: ContestBook) -> Leaderboards:
    """The boards with every family that follows the same facts, as the app and `rebuild-boards` both need them."""
    leaderboards = Leaderboards(store, clock)
    leaderboards.add_boards(ContestBoards(contests))
    return leaderboards


def build_push_budget(settings: Settings, redis: Redis, clock: Clock) -> PushBudget:
    policy = PushPolicy(
        per_hour=settings.push_cap_per_hour,
        per_day=settings.push_cap_per_day,
        quiet_hours=QuietHours.parse(settings.push_quiet_hours),
        mute_for=timedelta(hours=settings.push_mute_hours),
        timezone=clock.timezone,
    )
    return PushBudget(redis, policy, clock)


def build_services(
    settings: Settings,
    redis: Redis,
    session: aiohttp.ClientSession,
    metrics: BotMetrics,
    clock: Clock | None = None,
) -> Services:
    """The services over open resources; `clock` defaults to the system's (a test moves its own through days)."""
    client = None
    if settings.sending_enabled:
        client = WeComClient(
            session,
            redis,
            base_url=settings.wecom_api_base,
            corp_id=settings.wecom_corp_id,
            secret=settings.wecom_secret.get_secret_value(),
            agent_id=settings.wecom_agent_id or 0,
            on_call=metrics.count_wecom_call,
        )
    clock = clock or SystemClock(ZoneInfo(settings.business_timezone))
    bus = EventBus(clock, on_dead_letter=lambda name: metrics.event_dead_letters.labels(event=name).inc())
    org = OrgService(clock)
    fans = FanService(bus, WeComContactDirectory(client), retention=timedelta(days=settings.fan_retention_days))
    pushes = build_push_budget(settings, redis, clock)
    outbox = Outbox(
        client, SendBudget(redis), metrics, clock=clock, concurrency=settings.outbox_concurrency, pushes=pushes
    )
    invites = InviteService(outbox, metrics, invite_url=settings.invite_url, invite_text=settings.invite_text)
    ledger = CoinLedger(bus, clock)
    shop = RewardShop(ledger, bus, clock)
    notifier = OutboxNotifier(outbox)
    badges = BadgeService(bus, clock)
    cards = WeComTaskCards(outbox, agent_id=settings.wecom_agent_id or 0)
    publishing = TaskPublisher(org, cards, clock)
    progress = ProgressCounter(ledger, bus, clock, fan_retention=timedelta(days=settings.fan_retention_days))
    sales = SalesBook(org, progress, notifier, bus, clock)
    share_links = ShareLinks(progress, clock, public_url=settings.public_url)
    board_store = RedisBoardStore(redis)
    contests = ContestBook(clock)
    leaderboards = build_boards(board_store, clock, contests)
    page_links = PageLinks(page_link_key(settings), clock, public_url=settings.public_url)
    contest_standings = ContestStandings(board_store, clock)
    settlement = ContestSettlement(contests, contest_standings, ledger, notifier, bus, clock)
    corrections = ContestCorrections(contests, ledger, notifier, bus, clock)
    cheers = Cheers(contests, redis, clock)
    benchmarks = BenchmarkSelection(settings.benchmark_titles, ledger, notifier, notifier, bus, clock)
    fan_reports = FanReports(
        clock, target_per_guide_daily=settings.fan_target_per_guide_daily, warn_share=settings.fan_report_warn_share
    )
    dispatcher = Dispatcher(
        invites=invites,
        fans=fans,
        org=org,
        progress=progress,
        sales=sales,
        share_links=share_links,
        ledger=ledger,
        shop=shop,
        badges=badges,
        cards=cards,
        leaderboards=leaderboards,
        page_links=page_links,
        contests=contests,
        contest_standings=contest_standings,
        cheers=cheers,
        benchmarks=benchmarks,
        pushes=pushes,
    )
    subscribe_all(
        bus,
        notifier=notifier,
        fans=fans,
        progress=progress,
        badges=badges,
        leaderboards=leaderboards,
        settlement=settlement,
        corrections=corrections,
        benchmarks=benchmarks,
    )
    dispatcher.outer_middleware(log_duration)
    dispatcher.outer_middleware(GuideLookup(org))
    for router in get_routers():
        dispatcher.include_router(router)
    crypto = None
    if settings.callback_enabled:
        crypto = CallbackCrypto(
            settings.wecom_callback_token.get_secret_value(),
            settings.wecom_encoding_aes_key.get_secret_value(),
            settings.wecom_corp_id,
            clock,
        )
    return Services(
        settings=settings,
        redis=redis,
        metrics=metrics,
        org=org,
        fans=fans,
        ledger=ledger,
        shop=shop,
        badges=badges,
        publishing=publishing,
        progress=progress,
        sales=sales,
        share_links=share_links,
        reports=TaskReports(org),
        leaderboards=leaderboards,
        contests=contests,
        contest_standings=contest_standings,
        settlement=settlement,
        corrections=corrections,
        cheers=cheers,
        benchmarks=benchmarks,
        outbox=outbox,
        invites=invites,
        dispatcher=dispatcher,
        inbox=Inbox(dispatcher, outbox, metrics, clock=clock),
        clock=clock,
        bus=bus,
        crypto=crypto,
        page_links=page_links,
        pushes=pushes,
        digests=MorningDigests(notifier, leaderboards, contests, contest_standings),
        reminders=TaskReminders(notifier, clock),
        results=DailyResults(notifier, contests, contest_standings, settlement, benchmarks, clock),
        fan_reports=fan_reports,
        fan_report_pushes=FanReportPushes(fan_reports, notifier, clock),
        staff=StaffDirectory(branch_leads_may_post=settings.branch_leads_may_post),
        accounts=StaffAccounts(clock),
        audit=AuditTrail(clock),
        api_tokens=ApiTokens(clock),
        wecom=client,
    )
