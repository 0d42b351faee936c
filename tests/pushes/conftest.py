"""The outbox with the push budget on (caps 4 an hour and 12 a day, quiet 22:00-08:00), over the fake WeCom API,
on a clock the spec drives: it starts on a Monday at 10:00 in Asia/Shanghai."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import aiohttp
import pytest

from bot.metrics import BotMetrics
from bot.outbox import Outbox
from bot.wecom.budget import SendBudget
from bot.wecom.client import WeComClient
from pushes.budget import PushBudget
from pushes.policy import PushPolicy, QuietHours
from tests.support.clock import FakeClock
from tests.support.wecom import AGENT_ID, CORP_ID, SECRET

SHANGHAI = ZoneInfo("Asia/Shanghai")


def shanghai(day: int, hour: int, minute: int = 0) -> datetime:
    """December 2026 (the 7th is a Monday), in UTC as kernel.clock answers: SQLite compares instants as text."""
    return datetime(2026, 12, day, hour, minute, tzinfo=SHANGHAI).astimezone(UTC)


@pytest.fixture
def clock(fake_wecom) -> FakeClock:
    clock = FakeClock(shanghai(7, 10), timezone=SHANGHAI)
    fake_wecom.clock = lambda: clock.now().timestamp()
    return clock


@pytest.fixture
def policy() -> PushPolicy:
    return PushPolicy(
        per_hour=4,
        per_day=12,
        quiet_hours=QuietHours.parse("22:00-08:00"),
        mute_for=timedelta(hours=24),
        timezone=SHANGHAI,
    )


@pytest.fixture
def budget(db, redis, policy, clock) -> PushBudget:
    return PushBudget(redis, policy, clock)


@pytest.fixture
async def outbox(db, redis, fake_wecom, clock, budget):
    async with aiohttp.ClientSession() as session:
        client = WeComClient(session, redis, base_url=fake_wecom.base_url, corp_id=CORP_ID, secret=SECRET,
                             agent_id=AGENT_ID, backoff_base=0.001, max_attempts=2)  # fmt: skip
        yield Outbox(client, SendBudget(redis), BotMetrics(), clock=clock, pushes=budget)


@pytest.fixture
def release(budget, outbox):
    """What the release-pushes job does each minute, then the outbox sends it."""

    async def release():
        released = await budget.release_due(outbox)
        await outbox.drain()
        return released

    return release
