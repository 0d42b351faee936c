"""The tasks services built directly over the real database, with in-memory fakes of their ports."""

from datetime import timedelta

import pytest

from config.subscriptions import subscribe_all
from fans.service import FanService
from kernel.event_bus import EventBus
from org.service import OrgService
from rewards.badges import BadgeService
from rewards.ledger import CoinLedger
from tasks.counting import ProgressCounter
from tasks.publishing import TaskPublisher
from tasks.reports import TaskReports
from tasks.sales import SalesBook
from tasks.sharing import ShareLinks
from tests.fakes.contacts import FakeContactDirectory
from tests.fakes.ports import FakeCardSender, FakeNotifier
from tests.support.clock import FakeClock
from tests.support.org import import_small_org
from tests.support.tasks import SHANGHAI, task_in

PUBLIC_URL = "https://guide.example.com"


@pytest.fixture
async def org(db) -> OrgService:
    """The small org: zhangsan (SH01) and lisi (SH02)."""
    await import_small_org()
    return OrgService()


@pytest.fixture
def cards() -> FakeCardSender:
    return FakeCardSender()


@pytest.fixture
def notifier() -> FakeNotifier:
    return FakeNotifier()


@pytest.fixture
def clock() -> FakeClock:
    """Now, in Asia/Shanghai, until a test moves it."""
    return FakeClock(timezone=SHANGHAI)


@pytest.fixture
def bus(db, clock) -> EventBus:
    return EventBus(clock)


@pytest.fixture
def ledger(bus, clock) -> CoinLedger:
    return CoinLedger(bus, clock)


@pytest.fixture
def badges(bus, clock) -> BadgeService:
    return BadgeService(bus, clock)


@pytest.fixture
def publishing(org, cards, clock) -> TaskPublisher:
    return TaskPublisher(org, cards, clock)


@pytest.fixture
def progress(ledger, bus, clock, badges, notifier) -> ProgressCounter:
    """The counter, with the event subscribers config wires (congratulations, badges, fans)."""
    counter = ProgressCounter(ledger, bus, clock, fan_retention=timedelta(days=7))
    fans = FanService(bus, FakeContactDirectory(), retention=timedelta(days=7))
    subscribe_all(bus, notifier=notifier, fans=fans, progress=counter, badges=badges)
    return counter


@pytest.fixture
def sales(org, progress, notifier, bus, clock) -> SalesBook:
    return SalesBook(org, progress, notifier, bus, clock)


@pytest.fixture
def share_links(progress, clock) -> ShareLinks:
    return ShareLinks(progress, clock, public_url=PUBLIC_URL)


@pytest.fixture
def reports(org) -> TaskReports:
    return TaskReports(org)


@pytest.fixture
def publish(publishing):
    """Create and publish a task from `task_in`'s arguments."""

    async def publish(kind: str = "add_fans", **overrides):
        task = await publishing.create_draft(task_in(kind, **overrides))
        return await publishing.publish(task.id)

    return publish
