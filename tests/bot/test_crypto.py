"""The callback envelope, pinned to the published vectors in wechatpy's own test-suite."""

from datetime import UTC, datetime

import pytest
from wechatpy.enterprise import crypto as wechatpy_crypto

from bot.crypto import CallbackCrypto, CallbackRejected
from tests.support.clock import FakeClock

TOKEN = "123456"
AES_KEY = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"
CORP_ID = "wx49f0ab532d5d035a"
TIMESTAMP = "1411525903"
NONCE = "461056294"
SIGNATURE = "74d92dfeb87ba7c714f89d98870ae5eb62dff26d"
CIPHERTEXT = (
    "RgqEoJj5A4EMYlLvWO1F86ioRjZfaex/gePD0gOXTxpsq5Yj4GNglrBb8I2BAJVODGajiFnXBu7mCPatfjsu6IHCrsTyeDXzF6Bv283dGymzxh6y"
    "dJRvZsryDyZbLTE7rhnus50qGPMfp2wASFlzEgMW9z1ef/RD8XzaFYgm7iTdaXpXaG4+BiYyolBug/gYNx410cvkKR2/nPwBiT+P4hIiOAQqGp/T"
    "ywZBtDh1yCF2KOd0gpiMZ5jSw3e29mTvmUHzkVQiMS6td7vXUaWOMZnYZlF3So2SjHnwh4jYFxdgpkHHqIrH/54SNdshoQgWYEvccTKe7FS709/5"
    "t6NMxuGhcUGAPOQipvWTT4dShyqio7mlsl5noTrb++x6En749zCpQVhDpbV6GDnTbcX2e8K9QaNWHp91eBdCRxthuL0="
)
BODY = f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName><Encrypt><![CDATA[{CIPHERTEXT}]]></Encrypt></xml>".encode()

REPLY = """<xml>
<MsgType><![CDATA[text]]></MsgType>
<Content><![CDATA[test]]></Content>
<FromUserName><![CDATA[wx49f0ab532d5d035a]]></FromUserName>
<ToUserName><![CDATA[messense]]></ToUserName>
<AgentID>1</AgentID>
<CreateTime>1411525903</CreateTime>
</xml>"""
REPLY_CIPHERTEXT_START = "9s4gMv99m88kKTh/H8IdkOiMg6bisoy3ypwy9H4hvSPe9nsGaqyw5hhSjdYbcrKk"
REPLY_SIGNATURE = "407518b7649e86ef23978113f92d27afa9296533"


@pytest.fixture
def crypto() -> CallbackCrypto:
    return CallbackCrypto(TOKEN, AES_KEY, CORP_ID, clock=FakeClock(datetime.fromtimestamp(int(TIMESTAMP), UTC)))


def test_the_golden_vector_decrypts_to_the_known_message(crypto):
    xml = crypto.decrypt_callback(BODY, SIGNATURE, TIMESTAMP, NONCE)

    assert "<Content><![CDATA[test]]></Content>" in xml
    assert "<FromUserName><![CDATA[messense]]></FromUserName>" in xml


def test_the_golden_vector_encrypts_to_the_known_ciphertext(crypto, monkeypatch):
    monkeypatch.setattr(wechatpy_crypto.PrpCrypto, "get_random_string", lambda self: "1234567890123456")

    envelope = crypto.encrypt(REPLY, NONCE, TIMESTAMP)

    assert f"<Encrypt><![CDATA[{REPLY_CIPHERTEXT_START}" in envelope
    assert f"<MsgSignature><![CDATA[{REPLY_SIGNATURE}]]></MsgSignature>" in envelope


def test_a_wrong_nonce_breaks_the_signature(crypto):
    with pytest.raises(CallbackRejected) as rejected:
        crypto.decrypt_callback(BODY, SIGNATURE, TIMESTAMP, "461056295")

    assert rejected.value.status == 403


def test_a_message_for_another_corp_is_refused(crypto):
    other = CallbackCrypto(
        TOKEN, AES_KEY, "ww-someone-else", clock=FakeClock(datetime.fromtimestamp(int(TIMESTAMP), UTC))
    )

    with pytest.raises(CallbackRejected) as rejected:
        other.decrypt_callback(BODY, SIGNATURE, TIMESTAMP, NONCE)

    assert rejected.value.status == 400
