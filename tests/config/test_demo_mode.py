"""Demo mode: without WeCom credentials the service accepts callbacks signed with credentials it made and kept."""

import json
import logging
import stat
import time

import aiohttp
import pytest

from bot.crypto import CallbackCrypto, parse_xml_fields
from config.demo_mode import (
    DemoCredentialsError,
    credentials_path,
    demo_credentials,
    enter_demo_mode,
    read_demo_credentials,
)
from config.settings import Settings
from tests.support import wecom
from tests.support.server import ServedGuidebot
from tests.support.wecom import contact_xml, signed_callback


def demo_settings(tmp_path, **overrides) -> Settings:
    return Settings(_env_file=None, var_dir=tmp_path / "var", **overrides)


def secrets_of(var_dir) -> list[str]:
    saved = json.loads(credentials_path(var_dir).read_text())
    return [saved["callback_token"], saved["encoding_aes_key"], saved["hq_api_token"]]


def test_demo_mode_makes_the_credentials_once_and_then_keeps_them(tmp_path):
    first, made_first = demo_credentials(tmp_path / "var")
    again, made_again = demo_credentials(tmp_path / "var")

    assert (made_first, made_again) == (True, False)
    assert again == first


def test_only_the_owner_can_read_the_credentials_file(tmp_path):
    demo_credentials(tmp_path / "var")

    assert stat.S_IMODE(credentials_path(tmp_path / "var").stat().st_mode) == 0o600


def test_the_made_up_key_is_an_encoding_aes_key_wecom_crypto_works_with(tmp_path):
    credentials, _ = demo_credentials(tmp_path / "var")
    crypto = CallbackCrypto(
        credentials.callback_token.get_secret_value(),
        credentials.encoding_aes_key.get_secret_value(),
        credentials.corp_id,
    )
    timestamp = str(int(time.time()))
    envelope = parse_xml_fields(crypto.encrypt("<xml><Content>你好</Content></xml>", "7", timestamp))

    decrypted = crypto.decrypt_callback(
        f"<xml><Encrypt>{envelope['Encrypt']}</Encrypt></xml>".encode(), envelope["MsgSignature"], timestamp, "7"
    )

    assert decrypted == "<xml><Content>你好</Content></xml>"


def test_serve_in_demo_mode_takes_the_callback_token_key_and_hq_token(tmp_path):
    settings = enter_demo_mode(demo_settings(tmp_path))
    callback_token, aes_key, hq_token = secrets_of(tmp_path / "var")

    assert settings.callback_enabled
    assert settings.wecom_callback_token.get_secret_value() == callback_token
    assert settings.wecom_encoding_aes_key.get_secret_value() == aes_key
    assert settings.hq_api_token.get_secret_value() == hq_token
    assert not settings.sending_enabled


def test_a_configured_hq_token_is_kept_in_demo_mode(tmp_path):
    settings = enter_demo_mode(demo_settings(tmp_path, hq_api_token="hq-from-env"))

    assert settings.hq_api_token.get_secret_value() == "hq-from-env"


def test_with_wecom_credentials_set_there_is_no_demo_mode(tmp_path):
    configured = demo_settings(
        tmp_path, wecom_corp_id=wecom.CORP_ID, wecom_callback_token=wecom.TOKEN, wecom_encoding_aes_key=wecom.AES_KEY
    )

    assert enter_demo_mode(configured) == configured
    assert not credentials_path(tmp_path / "var").exists()


def test_the_start_up_line_names_the_file_and_no_secret(tmp_path, caplog):
    caplog.set_level(logging.INFO)

    enter_demo_mode(demo_settings(tmp_path))

    [line] = [record.getMessage() for record in caplog.records if "demo mode" in record.getMessage()]
    assert str(credentials_path(tmp_path / "var")) in line
    assert "guidebot demo-traffic" in line
    assert not [secret for secret in secrets_of(tmp_path / "var") if secret in caplog.text]


def test_a_damaged_file_is_named_with_the_way_out(tmp_path):
    (tmp_path / "var").mkdir()
    credentials_path(tmp_path / "var").write_text('{"callback_token": "x"}')

    with pytest.raises(DemoCredentialsError, match="demo-callback.json is damaged: delete it"):
        read_demo_credentials(tmp_path / "var")


@pytest.fixture
async def served_in_demo_mode(tmp_path, clean_database, redis_url, redis):
    """Its Redis is flushed before and after (`redis`), as the served app keeps state there."""
    served = ServedGuidebot(tmp_path, clean_database, redis_url, wecom_api_base=None)
    async with aiohttp.ClientSession() as session:
        yield served, session
    served.close()


async def post_signed(session, served: ServedGuidebot, xml: str) -> int:
    """POST a callback signed and encrypted with the credentials the served app keeps in its var/."""
    credentials = read_demo_credentials(served.var_dir)
    query, body = signed_callback(
        xml,
        corp_id=credentials.corp_id,
        token=credentials.callback_token.get_secret_value(),
        aes_key=credentials.encoding_aes_key.get_secret_value(),
    )
    async with session.post(f"{served.base_url}/wecom/callback?{query}", data=body) as response:
        return response.status


async def test_a_served_app_in_demo_mode_accepts_callbacks_signed_with_its_saved_credentials(served_in_demo_mode):
    served, session = served_in_demo_mode
    await served.start(session)

    status = await post_signed(session, served, contact_xml("add_external_contact", "liujiechen", "wmDEMO1"))
    await served.stop()

    assert status == 200
    assert [fan.customer.external_userid for fan in await served.fans()] == ["wmDEMO1"]


async def test_a_served_app_says_it_is_in_demo_mode_without_telling_the_secrets(served_in_demo_mode):
    served, session = served_in_demo_mode
    await served.start(session)
    await served.stop()

    assert "demo mode: /wecom/callback accepts callbacks signed with the new demo token" in served.output
    assert not [secret for secret in secrets_of(served.var_dir) if secret in served.output]


async def test_a_restarted_demo_service_keeps_its_credentials_and_accepts_what_they_sign(served_in_demo_mode):
    served, session = served_in_demo_mode
    await served.start(session)
    made = credentials_path(served.var_dir).read_text()
    await served.stop()
    await served.start(session)

    status = await post_signed(session, served, contact_xml("add_external_contact", "liujiechen", "wmDEMO2"))
    await served.stop()

    assert credentials_path(served.var_dir).read_text() == made
    assert status == 200
    assert "saved demo token" in served.output
