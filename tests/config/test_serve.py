"""`guidebot serve` as a real process, pointed at the fake WeCom API: the issue's acceptance path."""

import asyncio
import os
import socket
import subprocess
import sys
import time
from urllib.parse import urlencode

import aiohttp
import pytest

from bot.crypto import CallbackCrypto
from tests.support import wecom
from tests.support.wecom import contact_xml, signed_callback


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
async def served(fake_wecom, tmp_path, clean_database, redis_url):
    port = free_port()
    env = {
        **os.environ,
        "VAR_DIR": str(tmp_path),
        "PORT": str(port),
        "HOST": "127.0.0.1",
        "DATABASE_URL": "" if clean_database == "sqlite://:memory:" else clean_database,
        "REDIS_URL": redis_url,
        "WECOM_CORP_ID": wecom.CORP_ID,
        "WECOM_AGENT_ID": str(wecom.AGENT_ID),
        "WECOM_SECRET": wecom.SECRET,
        "WECOM_CALLBACK_TOKEN": wecom.TOKEN,
        "WECOM_ENCODING_AES_KEY": wecom.AES_KEY,
        "WECOM_API_BASE": fake_wecom.base_url,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "config", "serve"], env=env, cwd=tmp_path,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    async with aiohttp.ClientSession() as session:
        for _ in range(150):
            try:
                async with session.get(f"{base}/healthz") as response:
                    if response.status == 200:
                        break
            except aiohttp.ClientError:
                await asyncio.sleep(0.1)
        else:
            process.kill()
            pytest.fail(process.communicate()[0].decode())
        yield base, session
    process.terminate()
    output = process.communicate(timeout=20)[0].decode()
    assert wecom.SECRET not in output


async def test_serve_answers_a_genuine_url_verification(served):
    base, session = served
    timestamp, nonce = str(int(time.time())), "1372623149"
    envelope = CallbackCrypto(wecom.TOKEN, wecom.AES_KEY, wecom.CORP_ID).encrypt("4888958765", nonce, timestamp)
    echostr = envelope.split("<Encrypt><![CDATA[")[1].split("]]>")[0]
    signature = envelope.split("<MsgSignature><![CDATA[")[1].split("]]>")[0]
    query = urlencode({"msg_signature": signature, "timestamp": timestamp, "nonce": nonce, "echostr": echostr})

    async with session.get(f"{base}/wecom/callback?{query}") as response:
        assert (response.status, await response.text()) == (200, "4888958765")


async def test_serve_sends_one_invite_within_a_second_even_when_wecom_retries(served, fake_wecom):
    base, session = served
    code = fake_wecom.issue_welcome_code()
    query, body = signed_callback(contact_xml("add_external_contact", "zhangsan", "wmCUST1", WelcomeCode=code))

    started = fake_wecom.clock()
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
    assert welcome.at - started < 1.0
