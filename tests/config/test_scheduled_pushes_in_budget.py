"""The simulated week again, with the push budget as shipped (4 an hour, 12 a day, quiet 22:00-08:00).

Done, for issue 9, means every guide gets their digest and reminders on time, within budget,
once, whatever the number of replicas. What the night holds (the 00:05 settlement, the
midnight reminder) arrives at 08:00, merged into one message; nothing arrives in the night.
"""

from collections import Counter
from datetime import datetime, timedelta

import aiohttp
import pytest

from bot.metrics import BotMetrics
from config.jobs import build_scheduler
from config.services import build_services
from config.settings import Settings
from kernel.clock import BUSINESS_TIMEZONE as SHANGHAI
from pushes.models import DeferredPush
from tests.config.test_scheduled_pushes import GUIDES, MON, SUN, WED, days, live_until, publish, shanghai
from tests.support.budget import PUSH_BUDGET_OFF
from tests.support.contests import contest_in, import_pk_org
from tests.support.jobs import NEVER, SCHEDULED_PUSHES_OFF

pytest_plugins = ["tests.config.test_scheduled_pushes"]  # its clock fixture


@pytest.fixture
async def services(db, redis, settings: Settings, clock):
    """The app's services on the test's clock, the pushes at their default times and the push budget as shipped."""
    shipped = {name: Settings.model_fields[name].default for name in (*SCHEDULED_PUSHES_OFF, *PUSH_BUDGET_OFF)}
    timed = settings.model_copy(update={**shipped, "recovery_schedule": NEVER, "expire_undeliverable_schedule": NEVER})
    async with aiohttp.ClientSession() as session:
        yield build_services(timed, redis, session, BotMetrics(), clock=clock)


def delivered(fake_wecom) -> list[tuple[str, datetime, str]]:
    """(guide, when in Shanghai, text) of every message WeCom accepted."""
    return [
        (guide, datetime.fromtimestamp(call.at, SHANGHAI), call.json.get("text", {}).get("content", ""))
        for call in fake_wecom.calls_to("message/send")
        if call.errcode == 0
        for guide in call.json["touser"].split("|")
    ]


async def test_a_week_on_two_replicas_keeps_every_guide_within_budget_and_loses_nothing(services, clock, fake_wecom):
    await import_pk_org()
    await services.contests.create(contest_in(start_date=MON.isoformat(), end_date=WED.isoformat()))
    await publish(services, kind="add_fans", title="周初拉新", audience={"all": True}, start_date=MON, end_date=WED,
                  target=3)  # fmt: skip
    await publish(services, kind="sales_target", title="周末业绩", audience={"stores": ["SH01", "SH02"]},
                  start_date=MON, end_date=SUN, target=1000, reminder_hours=[48, 2])  # fmt: skip

    replicas = [build_scheduler(services), build_scheduler(services)]
    await live_until(shanghai(SUN + timedelta(days=1), 9), services, clock, *replicas)

    messages = delivered(fake_wecom)
    assert [m for m in messages if m[1].hour >= 22 or m[1].hour < 8] == []
    per_hour = Counter((guide, at.date(), at.hour) for guide, at, _ in messages)
    per_day = Counter((guide, at.date()) for guide, at, _ in messages)
    assert max(per_hour.values()) <= 4 and max(per_day.values()) <= 12
    digests = Counter((guide, at.date()) for guide, at, text in messages if "☀️ 早安" in text)
    assert {key for key, count in digests.items() if count > 1} == set()
    assert {(guide, day) for guide, day in digests if guide == "wangwu"} == {("wangwu", day) for day in days(MON, WED)}
    midnight_reminders = [(guide, at) for guide, at, text in messages if "⏰" in text]
    assert ("wangwu", WED) in {(guide, at.date()) for guide, at in midnight_reminders}
    assert all(at.hour >= 8 for _, at in midnight_reminders)
    assert not await DeferredPush.filter(released_into=None).exists()
    assert {guide for guide, _, _ in messages} == set(GUIDES)
