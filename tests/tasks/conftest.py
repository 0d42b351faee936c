"""The tasks services built directly over the real database, with in-memory fakes of their ports."""

from datetime import timedelta

import pytest

from org.service import OrgService
from rewards.badges import BadgeService
from rewards.ledger import CoinLedger
from tasks.counting import ProgressCounter
from tasks.publishing import TaskPublisher
from tasks.reports import TaskReports
from tasks.sales import SalesBook
from tasks.sharing import ShareLinks
from tests.fakes.ports import FakeCardSender, FakeNotifier
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
def ledger() -> CoinLedger:
    return CoinLedger()


@pytest.fixture
def badges(notifier) -> BadgeService:
    return BadgeService(notifier)


@pytest.fixture
def publishing(org, cards) -> TaskPublisher:
    return TaskPublisher(org, cards)


@pytest.fixture
def progress(org, ledger, badges, notifier) -> ProgressCounter:
    return ProgressCounter(ledger, badges, notifier, timezone=SHANGHAI, fan_retention=timedelta(days=7))


@pytest.fixture
def sales(org, progress, notifier) -> SalesBook:
    return SalesBook(org, progress, notifier)


@pytest.fixture
def share_links(progress) -> ShareLinks:
    return ShareLinks(progress, timezone=SHANGHAI, public_url=PUBLIC_URL)


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
