"""End to end, on real processes: kill -9 and a quick restart, and a Redis outage, lose no acknowledged callback."""

import asyncio
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest

from bot.models import InboxEvent, InboxStatus
from config.app import create_app
from config.db import close_database, open_database
from config.services import SERVICES
from fans.models import Fan
from kernel.models import EventRecord
from tasks.models import TaskAssignment
from tests.bot.test_webhook import post_callback
from tests.support.org import import_small_org
from tests.support.server import RedisServer, ServedGuidebot
from tests.support.tasks import task_in
from tests.support.wecom import contact_xml, signed_callback, text_xml

WELCOME = "externalcontact/send_welcome_msg"
FRIENDS = 60
CHATTING_GUIDES = 20


async def until(condition, seconds: float) -> None:
    """Wait for the service's own loops (nobody drives them here) to bring `condition` about."""
    for _ in range(int(seconds / 0.1)):
        if await condition():
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"not there after {seconds} s")


@pytest.fixture
async def session():
    async with aiohttp.ClientSession() as session:
        yield session


async def post_all(session, base_url: str, callbacks: list[tuple[str, bytes]]) -> list[int]:
    async def post(query: str, body: bytes) -> int:
        async with session.post(f"{base_url}/wecom/callback?{query}", data=body) as response:
            return response.status

    return await asyncio.gather(*(post(query, body) for query, body in callbacks))


@pytest.fixture
def served(fake_wecom, tmp_path, clean_database, redis_url, redis):
    served = ServedGuidebot(tmp_path, clean_database, redis_url, fake_wecom.base_url)
    yield served
    served.close()


async def test_after_kill_9_and_a_quick_restart_every_acknowledged_callback_is_handled_once(
    served, fake_wecom, session
):
    fake_wecom.delays[WELCOME] = 0.3  # sends are in flight when the process dies
    await served.start(session)
    # issued once the service is up, as WeCom issues them at the moment a customer adds the guide: the 20 s window
    # is the restart's, not the first start's
    codes = [fake_wecom.issue_welcome_code() for _ in range(FRIENDS)]
    callbacks = [
        signed_callback(contact_xml("add_external_contact", "zhangsan", f"wmCUST{n}", WelcomeCode=code))
        for n, code in enumerate(codes)
    ] + [signed_callback(text_xml(f"guide{n}", "帮助", msg_id=f"MSG-{n}")) for n in range(CHATTING_GUIDES)]

    statuses = await post_all(session, served.base_url, callbacks)
    await served.kill()
    await served.start(session)

    async def everything_delivered() -> bool:
        return fake_wecom.welcome_codes_used(codes) == len(codes) and all(
            fake_wecom.messages_to(f"guide{n}") for n in range(CHATTING_GUIDES)
        )

    await until(everything_delivered, seconds=20)
    await asyncio.sleep(1)  # time for anything that would happen twice to happen
    await served.stop()

    assert statuses == [200] * len(callbacks)
    assert [len(fake_wecom.messages_to(f"guide{n}")) for n in range(CHATTING_GUIDES)] == [1] * CHATTING_GUIDES
    assert not [m for m in fake_wecom.messages_to("zhangsan") if "会员注册链接" in m["text"]["content"]]
    await open_database(served.database_url)
    try:
        assert await InboxEvent.exclude(status=InboxStatus.DONE).count() == 0
        assert await Fan.all().count() == FRIENDS
    finally:
        await close_database()


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
async def app_on_redis_server(aiohttp_client, settings, redis_server):
    return await aiohttp_client(create_app(settings.model_copy(update={"redis_url": redis_server.url})))


async def test_callbacks_that_arrive_while_redis_is_down_are_handled_once_it_is_back(
    app_on_redis_server, redis_server, fake_wecom
):
    client = app_on_redis_server
    redis_server.stop()
    codes = [fake_wecom.issue_welcome_code() for _ in range(10)]

    statuses = [
        (await post_callback(client, contact_xml("add_external_contact", "zhangsan", f"wmCUST{n}", WelcomeCode=code))).status
        for n, code in enumerate(codes)
    ]  # fmt: skip
    health = await (await client.get("/healthz")).json()
    redis_server.start()

    async def all_handled_and_invited() -> bool:
        handled = await InboxEvent.filter(status=InboxStatus.DONE).count()
        return handled == len(codes) and fake_wecom.welcome_codes_used(codes) == len(codes)

    await until(all_handled_and_invited, seconds=20)

    assert statuses == [200] * len(codes)
    assert health == {"status": "degraded", "db": "ok", "redis": "down"}
    assert await Fan.all().count() == len(codes)
    assert fake_wecom.welcome_codes_used(codes) == len(codes)


async def test_a_crash_between_a_commit_and_its_effects_loses_no_push_and_doubles_none(
    aiohttp_client, durable_settings, fake_wecom, monkeypatch
):
    first = await aiohttp_client(create_app(durable_settings))
    services = first.app[SERVICES]
    await import_small_org()
    draft = await services.publishing.create_draft(task_in("add_fans", target=1))
    await services.publishing.publish(draft.id)

    async def the_process_dies_right_after_the_commit(claimed) -> None:
        return None

    monkeypatch.setattr(services.bus.queue, "attempt_now", the_process_dies_right_after_the_commit)
    now = int(datetime.now(UTC).timestamp())
    await post_callback(first, contact_xml("add_external_contact", "zhangsan", "wmCUST1", create_time=now))
    await services.inbox.drain()
    fan_recorded, progress_before = await Fan.all().count(), await TaskAssignment.get(guide_userid="zhangsan")
    pushed_before_the_crash = [
        m
        for m in fake_wecom.messages_to("zhangsan")
        if m.get("msgtype") == "text" and m["text"]["content"][0] in "🎉🏅"
    ]
    await first.close()
    await open_database(durable_settings.database_url)
    await EventRecord.all().update(claimed_at=datetime.now(UTC) - timedelta(seconds=10))  # time passes
    await close_database()

    second = await aiohttp_client(create_app(durable_settings))
    again = second.app[SERVICES]
    for _ in range(2):
        await again.bus.queue.resume()
        await again.bus.queue.drain()
    await again.outbox.drain()

    pushes = [m["text"]["content"] for m in fake_wecom.messages_to("zhangsan") if m.get("msgtype") == "text"]
    assert (fan_recorded, progress_before.progress, pushed_before_the_crash) == (1, 1, [])
    assert [p for p in pushes if p.startswith("🎉 任务")] == ["🎉 任务「五一吸粉冲刺」完成！获得 50 金币"]
    assert [p for p in pushes if p.startswith("🏅")] == ["🏅 获得徽章「首战告捷：完成第一个任务」"]
    assert await again.ledger.balance("zhangsan") == 50
