"""The async client against the fake WeCom API: token sharing, refresh, back-off, loud configuration errors."""

import asyncio
import logging

import aiohttp
import pytest

from bot.wecom.client import WeComClient
from bot.wecom.errors import WeComConfigError, WeComError, WeComUnavailable
from tests.support.wecom import AGENT_ID, CORP_ID, SECRET

TEXT = {"msgtype": "text", "text": {"content": "你好"}}


@pytest.fixture
async def make_client(fake_wecom, redis):
    sessions = []

    def make(**kwargs) -> WeComClient:
        session = aiohttp.ClientSession()
        sessions.append(session)
        options = {"base_url": fake_wecom.base_url, "corp_id": CORP_ID, "secret": SECRET, "agent_id": AGENT_ID,
                   "backoff_base": 0.001, **kwargs}  # fmt: skip
        return WeComClient(session, redis, **options)

    yield make
    for session in sessions:
        await session.close()


async def test_fifty_concurrent_sends_fetch_one_token(make_client, fake_wecom):
    client = make_client()

    await asyncio.gather(*(client.send_message([f"guide{n}"], TEXT) for n in range(50)))

    assert len(fake_wecom.calls_to("gettoken")) == 1
    assert len(fake_wecom.calls_to("message/send")) == 50


async def test_two_processes_share_one_token_through_redis(make_client, fake_wecom):
    await make_client().send_message(["a"], TEXT)
    await make_client().send_message(["b"], TEXT)

    assert len(fake_wecom.calls_to("gettoken")) == 1


@pytest.mark.parametrize("errcode", [40014, 42001])
async def test_a_rejected_token_is_refreshed_and_the_call_retried_once(make_client, fake_wecom, errcode):
    client = make_client()
    await client.send_message(["a"], TEXT)
    fake_wecom.fail_next("message/send", errcode=errcode)

    await client.send_message(["b"], TEXT)

    assert len(fake_wecom.calls_to("gettoken")) == 2
    assert fake_wecom.messages_to("b")


async def test_an_expired_token_is_replaced(make_client, fake_wecom):
    client = make_client()
    await client.send_message(["a"], TEXT)
    fake_wecom.expire_tokens()

    await client.send_message(["b"], TEXT)

    assert len(fake_wecom.calls_to("gettoken")) == 2


@pytest.mark.parametrize("failure", [{"errcode": 45009}, {"errcode": 45033}, {"errcode": -1}, {"status": 502}])
async def test_rate_limits_busy_answers_and_5xx_are_retried_with_back_off(make_client, fake_wecom, failure):
    fake_wecom.fail_next("message/send", times=2, **failure)

    await make_client().send_message(["a"], TEXT)

    assert len(fake_wecom.calls_to("message/send")) == 3


async def test_retries_end_after_the_attempt_limit(make_client, fake_wecom):
    fake_wecom.fail_next("message/send", status=502, times=10)

    with pytest.raises(WeComUnavailable):
        await make_client(max_attempts=3).send_message(["a"], TEXT)

    assert len(fake_wecom.calls_to("message/send")) == 3


@pytest.mark.parametrize("errcode", [60020, 48002])
async def test_configuration_problems_fail_at_once_with_the_reason(make_client, fake_wecom, errcode, caplog):
    fake_wecom.fail_next("message/send", errcode=errcode)

    with pytest.raises(WeComConfigError) as error:
        await make_client().send_message(["a"], TEXT)

    assert error.value.errcode == errcode
    assert len(fake_wecom.calls_to("message/send")) == 1
    assert any("configuration" in record.getMessage() for record in caplog.records)


async def test_a_wrong_secret_is_a_configuration_error_that_does_not_leak_the_secret(make_client, caplog):
    caplog.set_level(logging.DEBUG)
    client = make_client(secret="the-wrong-secret")

    with pytest.raises(WeComConfigError) as error:
        await client.send_message(["a"], TEXT)

    ours = [record.getMessage() for record in caplog.records if not record.name.startswith("aiohttp")]
    assert "the-wrong-secret" not in str(error.value)
    assert not [line for line in ours if "the-wrong-secret" in line]


async def test_other_errcodes_are_raised_without_retry(make_client, fake_wecom):
    fake_wecom.fail_next("message/send", errcode=40058)

    with pytest.raises(WeComError) as error:
        await make_client().send_message(["a"], TEXT)

    assert error.value.errcode == 40058
    assert len(fake_wecom.calls_to("message/send")) == 1


async def test_message_send_refuses_more_than_1000_users(make_client):
    with pytest.raises(ValueError):
        await make_client().send_message([f"g{n}" for n in range(1001)], TEXT)


async def test_a_welcome_busy_elsewhere_is_retried_briefly(make_client, fake_wecom):
    code = fake_wecom.issue_welcome_code()
    fake_wecom.fail_next("externalcontact/send_welcome_msg", errcode=41096)

    await make_client().send_welcome_msg(code, "欢迎", "注册会员", "https://example.com/r")

    assert len(fake_wecom.calls_to("externalcontact/send_welcome_msg")) == 2
