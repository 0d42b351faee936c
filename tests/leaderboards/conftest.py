"""The boards over the real database and Redis, fed by the tasks services' real domain events."""

import pytest

from leaderboards.facts import BOARD_EVENTS
from leaderboards.service import Leaderboards
from leaderboards.store import RedisBoardStore
from tests.tasks.conftest import (  # noqa: F401 (fixtures)
    badges,
    bus,
    cards,
    clock,
    ledger,
    notifier,
    org,
    progress,
    publish,
    publishing,
    sales,
)


@pytest.fixture
def leaderboards(bus, clock, redis) -> Leaderboards:  # noqa: F811
    boards = Leaderboards(RedisBoardStore(redis), clock)
    for event_type in BOARD_EVENTS:
        bus.subscribe(event_type, boards.record_event)
    return boards
