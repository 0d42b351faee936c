"""End to end, on real processes: kill -9 and a quick restart, and a Redis outage, lose no acknowledged callback."""

import asyncio

import aiohttp
import pytest

from bot.models import InboxEvent, InboxStatus
from config.app import create_app
from config.db import close_database, open_database
from fans.models import Fan
from tests.bot.test_webhook import post_callback
from tests.support.server import RedisServer, ServedGuidebot
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
def served(fake_wecom, tmp_path, clean_database, redis_url):
    served = ServedGuidebot(tmp_path, clean_database, redis_url, fake_wecom.base_url)
    yield served
    served.close()


async def test_after_kill_9_and_a_quick_restart_every_acknowledged_callback_is_handled_once(
    served, fake_wecom, session
):
    fake_wecom.delays[WELCOME] = 0.3  # sends are in flight when the process dies
    codes = [fake_wecom.issue_welcome_code() for _ in range(FRIENDS)]
    callbacks = [
        signed_callback(contact_xml("add_external_contact", "zhangsan", f"wmCUST{n}", WelcomeCode=code))
        for n, code in enumerate(codes)
    ] + [signed_callback(text_xml(f"guide{n}", "帮助", msg_id=f"MSG-{n}")) for n in range(CHATTING_GUIDES)]
    await served.start(session)

    statuses = await post_all(session, served.base_url, callbacks)
    served.kill()
    await served.start(session)

    async def everything_delivered() -> bool:
        return fake_wecom.welcome_codes_used(codes) == len(codes) and all(
            fake_wecom.messages_to(f"guide{n}") for n in range(CHATTING_GUIDES)
        )

    await until(everything_delivered, seconds=20)
    await asyncio.sleep(1)  # time for anything that would happen twice to happen
    served.stop()

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
