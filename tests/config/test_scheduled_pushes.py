"""The scheduled pushes as `guidebot serve` runs them: the real services and scheduler, the fake WeCom, a FakeClock.

A simulated week: every guide with an open task gets one digest a day, each reminder once,
the PK players their evening standings, and each PK day is settled once after midnight,
with two replicas' schedulers waking for every slot. And a run killed half-way through the
morning digest, taken back, sends each guide exactly one.
"""

from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import aiohttp
import pytest

from bot.metrics import BotMetrics
from config.jobs import build_scheduler
from config.services import build_services
from config.settings import Settings
from contests.models import ContestDay
from kernel.clock import BUSINESS_TIMEZONE as SHANGHAI
from kernel.models import JobRun
from tasks.models import TaskAssignment
from tasks.schemas import SaleIn, TaskIn
from tests.support.clock import FakeClock
from tests.support.contests import contest_in, import_pk_org
from tests.support.jobs import NEVER, SCHEDULED_PUSHES_OFF

GUIDES = ["lisi", "wangwu", "zhangsan", "zhaoliu"]
MON, WED, SUN = date(2026, 5, 4), date(2026, 5, 6), date(2026, 5, 10)


def shanghai(day: date, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI).astimezone(UTC)


@pytest.fixture
def clock(fake_wecom) -> FakeClock:
    clock = FakeClock(shanghai(MON - timedelta(days=1), 12), timezone=SHANGHAI)  # Sunday noon, the eve
    fake_wecom.clock = lambda: clock.now().timestamp()
    return clock


@pytest.fixture
async def services(db, redis, settings: Settings, clock):
    """The app's services on the test's clock, with the pushes at their default times and the sweeps out of the way."""
    defaults = {name: Settings.model_fields[name].default for name in SCHEDULED_PUSHES_OFF}
    timed = settings.model_copy(update={**defaults, "recovery_schedule": NEVER, "expire_undeliverable_schedule": NEVER})
    async with aiohttp.ClientSession() as session:
        yield build_services(timed, redis, session, BotMetrics(), clock=clock)


async def publish(services, **fields) -> int:
    task = await services.publishing.create_draft(TaskIn.model_validate({"reward_coins": 50, **fields}))
    return (await services.publishing.publish(task.id)).id


async def live_until(end: datetime, services, clock, *replicas, happenings=()) -> None:
    """Every replica's scheduler passes each 15 minutes until `end`, then the sender; happenings at their times."""
    waiting = sorted(happenings, key=lambda happening: happening[0])
    while clock.now() < end:
        clock.advance(minutes=15)
        while waiting and waiting[0][0] <= clock.now():
            await waiting.pop(0)[1]()
        for scheduler in replicas:
            await scheduler.catch_up()
        for scheduler in replicas:
            await scheduler.runs.queue.drain()
        await services.outbox.drain()


def texts_by_day(fake_wecom, start: str) -> dict[str, Counter]:
    """Per guide, how many messages starting with `start` reached them on each business day."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for call in fake_wecom.calls_to("message/send"):
        if call.errcode != 0:
            continue  # refused (an expired token): the client calls again
        text = call.json.get("text", {}).get("content", "")
        if text.startswith(start):
            day = datetime.fromtimestamp(call.at, SHANGHAI).date()
            for guide in call.json["touser"].split("|"):
                counts[guide][day] += 1
    return counts


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


async def test_a_simulated_week_on_two_replicas_sends_every_push_once_and_on_time(services, clock, fake_wecom):
    await import_pk_org()
    contest = await services.contests.create(contest_in(start_date=MON.isoformat(), end_date=WED.isoformat()))
    await publish(services, kind="add_fans", title="周初拉新", audience={"all": True}, start_date=MON, end_date=WED,
                  target=3)  # fmt: skip
    await publish(services, kind="sales_target", title="周末业绩", audience={"stores": ["SH01", "SH02"]},
                  start_date=MON, end_date=SUN, target=1000, reminder_hours=[48, 2])  # fmt: skip

    async def lisi_completes_the_fans_task():
        await TaskAssignment.filter(task__title="周初拉新", guide_userid="lisi").update(
            progress=3, completed_at=clock.now()
        )

    async def zhangsan_sells_past_the_target():
        sale = SaleIn(order_id="SH-1", guide="zhangsan", amount=Decimal(1200), sold_at=clock.now())
        await services.sales.record(sale)

    replicas = [build_scheduler(services), build_scheduler(services)]
    await live_until(
        shanghai(SUN + timedelta(days=1), 1), services, clock, *replicas,
        happenings=[(shanghai(MON, 15), lisi_completes_the_fans_task),
                    (shanghai(MON + timedelta(days=1), 14), zhangsan_sells_past_the_target)],
    )  # fmt: skip

    digests = texts_by_day(fake_wecom, "☀️ 早安")
    assert {guide: sorted(digests[guide].items()) for guide in GUIDES} == {
        "lisi": [(day, 1) for day in days(MON, SUN)],  # the sales task stays open all week
        "wangwu": [(day, 1) for day in days(MON, WED)],
        "zhangsan": [(day, 1) for day in days(MON, WED)],  # done with the sales task on Tuesday
        "zhaoliu": [(day, 1) for day in days(MON, WED)],
    }
    reminders = texts_by_day(fake_wecom, "⏰")
    assert {guide: sorted(reminders[guide].items()) for guide in GUIDES} == {
        "lisi": [(date(2026, 5, 9), 1), (SUN, 1)],  # 周末业绩: 48 h and 2 h before Sunday ends
        "wangwu": [(WED, 2)],  # 周初拉新: at 00:00 and 22:00 on Wednesday
        "zhangsan": [(WED, 2)],
        "zhaoliu": [(WED, 2)],
    }
    evenings = texts_by_day(fake_wecom, "📣 今日PK战况（截至21:30）")
    assert {guide: sorted(evenings[guide].items()) for guide in GUIDES} == {
        guide: [(day, 1) for day in days(MON, WED)] for guide in GUIDES
    }
    settled = await ContestDay.filter(contest_id=contest.id).order_by("day").values_list("day", flat=True)
    assert settled == days(MON, WED)
    assert texts_by_day(fake_wecom, "「五一业绩PK」")["wangwu"] == {
        day + timedelta(days=1): 1 for day in days(MON, WED)
    }
    assert not await JobRun.filter(status__in=["pending", "processing", "dead"]).exists()


async def test_a_digest_run_killed_half_way_is_taken_back_and_each_guide_gets_exactly_one(
    services, clock, fake_wecom, monkeypatch
):
    await import_pk_org()
    await publish(services, kind="add_fans", title="周初拉新", audience={"all": True}, start_date=MON, end_date=WED,
                  target=3)  # fmt: skip
    scheduler = build_scheduler(services)
    real_enqueue_many = services.outbox.enqueue_many

    async def killed_after_two_guides(rows):
        monkeypatch.setattr(services.outbox, "enqueue_many", real_enqueue_many)
        await real_enqueue_many(list(rows)[:2])
        raise ConnectionResetError("the process died here")

    await live_until(shanghai(MON, 9, 15), services, clock, scheduler)
    monkeypatch.setattr(services.outbox, "enqueue_many", killed_after_two_guides)
    await live_until(shanghai(MON, 9, 30), services, clock, scheduler)
    half_way = texts_by_day(fake_wecom, "☀️ 早安")
    clock.advance(seconds=30)  # past the run's retry back-off
    await scheduler.runs.queue.resume()
    await scheduler.runs.queue.drain()
    await services.outbox.drain()

    run = await JobRun.get(job="morning-digest", slot=shanghai(MON, 9, 30))
    assert sorted(half_way) == ["lisi", "wangwu"]
    assert (run.status, run.attempts) == ("done", 2)
    assert texts_by_day(fake_wecom, "☀️ 早安") == {guide: Counter({MON: 1}) for guide in GUIDES}
