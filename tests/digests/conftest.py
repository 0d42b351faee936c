"""The digests over the real database and Redis: the PK chain's four guides, a May Day contest, tasks set by HQ.

Guides: zhangsan (SH01) and lisi (SH02) play for 上海分公司, wangwu and zhaoliu (BJ01) for
北京分公司. The clock starts on the eve of the contest (30 April, noon, Shanghai).
"""

from datetime import date
from decimal import Decimal

import pytest

from benchmarks.events import BenchmarksSelected
from benchmarks.selection import BenchmarkSelection
from benchmarks.titles import DEFAULT_TITLES
from digests.morning import MorningDigests
from digests.reminders import TaskReminders
from digests.results import DailyResults
from tasks.models import TaskAssignment
from tasks.publishing import TaskPublisher
from tasks.schemas import SaleIn, TaskIn
from tests.contests.conftest import (  # noqa: F401 (fixtures)
    board_store,
    book,
    corrections,
    create,
    leaderboards,
    on_the_eve,
    org,
    settlement,
    standings,
    wired,
)
from tests.fakes.ports import FakeBroadcaster, FakeCardSender, FakeNoticeSender
from tests.support.contests import DAY1, DAY3
from tests.tasks.conftest import (  # noqa: F401 (fixtures)
    badges,
    bus,
    clock,
    ledger,
    notifier,
    progress,
    sales,
)

EVERYONE = {"stores": ["SH01", "SH02", "BJ01"]}


@pytest.fixture
def notices() -> FakeNoticeSender:
    return FakeNoticeSender()


@pytest.fixture
def digests(notices, leaderboards, book, standings) -> MorningDigests:  # noqa: F811
    return MorningDigests(notices, leaderboards, book, standings)


@pytest.fixture
def reminders(notices, clock) -> TaskReminders:  # noqa: F811
    return TaskReminders(notices, clock)


@pytest.fixture
def selection(org, ledger, notifier, bus, clock) -> BenchmarkSelection:  # noqa: F811
    selection = BenchmarkSelection(DEFAULT_TITLES, ledger, notifier, FakeBroadcaster(), bus, clock)
    bus.subscribe(BenchmarksSelected, selection.announce)
    return selection


@pytest.fixture
def results(notices, book, standings, settlement, selection, clock) -> DailyResults:  # noqa: F811
    return DailyResults(notices, book, standings, settlement, selection, clock)


@pytest.fixture
def publish(org, clock, wired):  # noqa: F811
    """Create and publish a task (by default 「五一拉新」: 10 new fans, for everyone, 1–3 May)."""
    publishing = TaskPublisher(org, FakeCardSender(), clock)

    async def publish(**overrides):
        fields = {
            "kind": "add_fans",
            "title": "五一拉新",
            "audience": EVERYONE,
            "start_date": DAY1,
            "end_date": DAY3,
            "target": 10,
            "reward_coins": 50,
        }
        draft = await publishing.create_draft(TaskIn.model_validate({**fields, **overrides}))
        return await publishing.publish(draft.id)

    return publish


async def set_progress(task, **units_by_guide: int) -> None:
    """Each guide's progress on the task, completed at the target (as counting would leave it)."""
    for guide, units in units_by_guide.items():
        done = units >= task.target
        await TaskAssignment.filter(task_id=task.id, guide_userid=guide).update(
            progress=units, completed_at=task.published_at if done else None
        )


async def sell(sales, order_id: str, guide: str, amount: str, when) -> None:  # noqa: F811
    await sales.record(SaleIn(order_id=order_id, guide=guide, amount=Decimal(amount), sold_at=when))


def may(day: int) -> date:
    return date(2026, 5, day)
