"""Contests over the real database and Redis, fed by the sales book's real domain events, on a fixed calendar."""

import pytest

from contests.boards import ContestBoards
from contests.book import ContestBook
from contests.corrections import ContestCorrections
from contests.events import ContestCorrected, ContestDaySettled
from contests.settlement import ContestSettlement
from contests.standings import ContestStandings
from leaderboards.facts import BOARD_EVENTS
from leaderboards.service import Leaderboards
from leaderboards.store import RedisBoardStore
from org.service import OrgService
from tests.support.contests import CREATED, contest_in, import_pk_org
from tests.tasks.conftest import (  # noqa: F401 (fixtures)
    badges,
    bus,
    clock,
    ledger,
    notifier,
    progress,
    sales,
)


@pytest.fixture
async def org(db) -> OrgService:
    """Two branches: 上海 (zhangsan SH01, lisi SH02) and 北京 (wangwu, zhaoliu at BJ01)."""
    await import_pk_org()
    return OrgService()


@pytest.fixture(autouse=True)
def on_the_eve(clock):  # noqa: F811
    clock.set(CREATED)


@pytest.fixture
def book(clock) -> ContestBook:  # noqa: F811
    return ContestBook(clock)


@pytest.fixture
def board_store(redis) -> RedisBoardStore:
    return RedisBoardStore(redis)


@pytest.fixture
def leaderboards(board_store, clock, book) -> Leaderboards:  # noqa: F811
    boards = Leaderboards(board_store, clock)
    boards.add_boards(ContestBoards(book))
    return boards


@pytest.fixture
def standings(board_store, clock) -> ContestStandings:  # noqa: F811
    return ContestStandings(board_store, clock)


@pytest.fixture
def settlement(book, standings, ledger, notifier, bus, clock) -> ContestSettlement:  # noqa: F811
    return ContestSettlement(book, standings, ledger, notifier, bus, clock)


@pytest.fixture
def corrections(book, ledger, notifier, bus, clock) -> ContestCorrections:  # noqa: F811
    return ContestCorrections(book, ledger, notifier, bus, clock)


@pytest.fixture
def wired(bus, progress, leaderboards, settlement, corrections):  # noqa: F811
    """The subscriptions config makes: boards, then late-fact corrections; payments after settlement."""
    for event_type in BOARD_EVENTS:
        bus.subscribe(event_type, leaderboards.record_event)
    bus.subscribe(ContestDaySettled, settlement.pay_and_tell)
    for event_type in BOARD_EVENTS:
        bus.subscribe(event_type, corrections.record_event)
    bus.subscribe(ContestCorrected, corrections.tell)


@pytest.fixture
def create(book, org, wired):
    """Set up a contest from `contest_in`'s arguments (on the eve of its first day)."""

    async def create(**overrides):
        return await book.create(contest_in(**overrides))

    return create
