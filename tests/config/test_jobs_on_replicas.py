"""End to end, on real `guidebot serve` processes: two replicas run each slot once; kill -9 mid-job loses and doubles nothing."""

import asyncio
import re
from collections import Counter
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest

from bot.models import OutboxMessage, OutboxStatus
from bot.outbox import SEND_WELCOME_MSG
from config.db import close_database, open_database
from kernel.models import JobRun
from tests.bot.test_recovery import until
from tests.support.server import ServedGuidebot

RAN = re.compile(r"job recovery ran slot (recovery@\S+):")
INVITES = 400  # each writes a log line, and ServedGuidebot reads the process's output only at its end


@pytest.fixture
async def session():
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def shared_database(clean_database, tmp_path) -> str:
    """One database for every process (an SQLite file when the suite runs on SQLite)."""
    return f"sqlite://{tmp_path / 'shared.sqlite3'}" if clean_database == "sqlite://:memory:" else clean_database


@pytest.fixture
def replicas(tmp_path, shared_database, redis_url, redis, fake_wecom):
    replicas = []
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        replica = ServedGuidebot(tmp_path / name, shared_database, redis_url, fake_wecom.base_url)
        replica.env.update(DEMO_DATA="false", RECOVERY_SCHEDULE="every 1 s")
        replicas.append(replica)
    yield replicas
    for replica in replicas:
        replica.close()


async def test_two_replicas_run_every_slot_once(replicas, session, shared_database):
    for replica in replicas:
        await replica.start(session)  # one after the other: the first one migrates

    await asyncio.sleep(6)
    for replica in replicas:
        await replica.stop()

    ran = Counter(slot for replica in replicas for slot in RAN.findall(replica.output))
    await open_database(shared_database)
    try:
        runs = await JobRun.filter(job="recovery", trigger="schedule", status="done")
    finally:
        await close_database()
    assert len(ran) >= 5
    assert set(ran.values()) == {1}
    assert [run.attempts for run in runs] == [1] * len(runs)


async def welcome_invites_past_their_20_seconds(database_url: str) -> None:
    """Invites to INVITES new customers that could not go out in time; their retries are not due yet."""
    await open_database(database_url)
    created, later = datetime.now(UTC) - timedelta(minutes=1), datetime.now(UTC) + timedelta(hours=1)
    await OutboxMessage.bulk_create(
        [
            OutboxMessage(
                key=f"welcome:EVENT-{n}",
                api=SEND_WELCOME_MSG,
                created_at=created,
                not_before=later,
                payload={
                    "welcome_code": f"W-{n}",
                    "text": "您好",
                    "link_title": "注册",
                    "link_url": f"https://m.example.com/r?c={n}",
                    "guide": f"guide{n}",
                },
            )  # fmt: skip
            for n in range(INVITES)
        ]
    )


async def expired() -> int:
    return await OutboxMessage.filter(api=SEND_WELCOME_MSG, status=OutboxStatus.FAILED).count()


async def test_after_kill_9_mid_job_and_a_restart_the_slot_is_finished_and_every_guide_hears_once(
    tmp_path, clean_database, redis_url, redis, fake_wecom, session
):
    # The first process cannot send (demo mode), so that what it was killed in is the job, not a send;
    # the restarted one sends what the job asked for.
    killed = ServedGuidebot(tmp_path, clean_database, redis_url, None)
    restarted = ServedGuidebot(tmp_path, clean_database, redis_url, fake_wecom.base_url)
    for served in (killed, restarted):
        served.env.update(DEMO_DATA="false")
    await welcome_invites_past_their_20_seconds(killed.database_url)
    try:
        await killed.start(session)  # expire-undeliverable's slot of this hour runs at start-up
        await soon_after(expired)
        await killed.kill()
        expired_at_the_kill = await expired()
        await restarted.start(session)

        async def every_guide_told() -> bool:
            return len(told(fake_wecom)) == INVITES

        await until(every_guide_told, seconds=60)
        await asyncio.sleep(1)  # time for anything that would happen twice to happen
        await restarted.stop()
        run = await JobRun.filter(job="expire-undeliverable").order_by("-slot").first()
    finally:
        killed.close()
        restarted.close()
        await close_database()

    assert 0 < expired_at_the_kill < INVITES
    assert (run.status, run.attempts) == ("done", 2)
    assert told(fake_wecom) == {f"guide{n}": 1 for n in range(INVITES)}


def told(fake_wecom) -> Counter[str]:
    """How many messages each member received (one pass over the calls: the fake serves while the test counts)."""
    return Counter(user for call in fake_wecom.calls_to("message/send") for user in call.json["touser"].split("|"))


async def soon_after(count) -> None:
    """Return as soon as `count` is above 0, so that a job under way is caught early."""
    for _ in range(2000):
        if await count() > 0:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("nothing counted after 20 s")
