"""The staff services over the real database, with the two-branch organisation and a clock a test moves."""

import pytest

from org.service import OrgService
from tests.support.clock import FakeClock
from tests.support.staff import TWO_BRANCHES


@pytest.fixture
async def two_branches(db) -> None:
    await OrgService().import_org(TWO_BRANCHES)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()
