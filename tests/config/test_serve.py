"""`guidebot serve` as a real process, pointed at the fake WeCom API: the issue's acceptance path."""

import asyncio
import time
from urllib.parse import urlencode

import aiohttp
import pytest

from bot.crypto import CallbackCrypto
from tests.support import wecom
from tests.support.server import ServedGuidebot
from tests.support.wecom import contact_xml, signed_callback


@pytest.fixture
async def served(fake_wecom, tmp_path, clean_database, redis_url, redis):
    served = ServedGuidebot(tmp_path, clean_database, redis_url, fake_wecom.base_url)
    async with aiohttp.ClientSession() as session:
        await served.start(session)
        yield served.base_url, session
    await served.stop()
    assert wecom.SECRET not in served.output


async def test_serve_answers_a_genuine_url_verification(served):
    base, session = served
    timestamp, nonce = str(int(time.time())), "1372623149"
    envelope = CallbackCrypto(wecom.TOKEN, wecom.AES_KEY, wecom.CORP_ID).encrypt("4888958765", nonce, timestamp)
    echostr = envelope.split("<Encrypt><![CDATA[")[1].split("]]>")[0]
    signature = envelope.split("<MsgSignature><![CDATA[")[1].split("]]>")[0]
    query = urlencode({"msg_signature": signature, "timestamp": timestamp, "nonce": nonce, "echostr": echostr})

    async with session.get(f"{base}/wecom/callback?{query}") as response:
        assert (response.status, await response.text()) == (200, "4888958765")


async def test_serve_sends_one_invite_inside_the_codes_window_even_when_wecom_retries(served, fake_wecom):
    base, session = served
    code = fake_wecom.issue_welcome_code()
    query, body = signed_callback(contact_xml("add_external_contact", "zhangsan", "wmCUST1", WelcomeCode=code))

    for _ in range(3):
        async with session.post(f"{base}/wecom/callback?{query}", data=body) as response:
            assert response.status == 200
    for _ in range(50):
        if fake_wecom.calls_to("externalcontact/send_welcome_msg"):
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.5)

    [welcome] = fake_wecom.calls_to("externalcontact/send_welcome_msg")
    assert welcome.json["welcome_code"] == code
    assert fake_wecom.welcome_codes_used([code]) == 1  # the fake refuses a code past its 20 s
