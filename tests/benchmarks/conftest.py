"""Benchmark selection over the real database, fed by the sales book, with fakes of the pushes."""

import pytest

from benchmarks.events import BenchmarksSelected
from benchmarks.selection import BenchmarkSelection
from benchmarks.titles import DEFAULT_TITLES
from org.service import OrgService
from tests.fakes.ports import FakeBroadcaster
from tests.support.contests import import_pk_org
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
async def org(db):
    """Four guides: zhangsan (南京东路店), lisi (徐家汇店), wangwu and zhaoliu (王府井店)."""
    await import_pk_org()
    return OrgService()


@pytest.fixture
def broadcaster() -> FakeBroadcaster:
    return FakeBroadcaster()


@pytest.fixture
def selection(org, progress, ledger, notifier, broadcaster, bus, clock) -> BenchmarkSelection:  # noqa: F811
    """开单达人 (most orders, at least 3) and 拔草之王 (online and share sales, at least ¥500), 50 coins each."""
    selection = BenchmarkSelection(DEFAULT_TITLES, ledger, notifier, broadcaster, bus, clock)
    bus.subscribe(BenchmarksSelected, selection.announce)
    return selection
