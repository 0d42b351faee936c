"""Build callbacks exactly as WeCom posts them: real WeChatCrypto, real XML."""

from __future__ import annotations

import base64
import hashlib
import itertools
import struct
import time
from urllib.parse import urlencode

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from bot.crypto import CallbackCrypto, parse_xml_fields
from config.settings import Settings

TOKEN = "guidebot-test-token"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
CORP_ID = "ww-test-corp"
AGENT_ID = 1000002
SECRET = "test-secret-value"

_nonces = itertools.count(1)


def app_settings(api_base: str, **overrides) -> Settings:
    """Settings of an app wired to a fake WeCom at `api_base`, with this module's credentials."""
    return Settings(
        _env_file=None,
        wecom_corp_id=CORP_ID,
        wecom_agent_id=AGENT_ID,
        wecom_secret=SECRET,
        wecom_callback_token=TOKEN,
        wecom_encoding_aes_key=AES_KEY,
        wecom_api_base=api_base,
        wecom_login_base=api_base,
        **overrides,
    )


def signed_callback(
    xml: str, *, corp_id: str = CORP_ID, timestamp: int | None = None, token: str = TOKEN, aes_key: str = AES_KEY
) -> tuple[str, bytes]:
    """(query string, body) of a POST /wecom/callback carrying `xml`, by default with this module's credentials."""
    crypto = CallbackCrypto(token, aes_key, corp_id)
    timestamp_text = str(timestamp if timestamp is not None else int(time.time()))
    nonce = str(next(_nonces))
    envelope = parse_xml_fields(crypto.encrypt(xml, nonce, timestamp_text))
    body = (
        f"<xml><ToUserName><![CDATA[{corp_id}]]></ToUserName><AgentID><![CDATA[{AGENT_ID}]]></AgentID>"
        f"<Encrypt><![CDATA[{envelope['Encrypt']}]]></Encrypt></xml>"
    ).encode()
    query = urlencode({"msg_signature": envelope["MsgSignature"], "timestamp": timestamp_text, "nonce": nonce})
    return query, body


def text_xml(
    from_user: str, content: str, msg_id: str = "CAIQg/PKxgYY2sC9tpuAgAMg9/zKaw==", create_time: int = 1700000000
) -> str:
    return (
        f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName><FromUserName><![CDATA[{from_user}]]></FromUserName>"
        f"<CreateTime>{create_time}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        f"<Content><![CDATA[{content}]]></Content><MsgId>{msg_id}</MsgId><AgentID>{AGENT_ID}</AgentID></xml>"
    )


def contact_xml(
    change_type: str,
    user_id: str,
    external_user_id: str,
    *,
    create_time: int = 1700000000,
    **extra: str,
) -> str:
    """change_external_contact; `extra` adds tags such as State, WelcomeCode, Source."""
    tags = "".join(f"<{name}><![CDATA[{value}]]></{name}>" for name, value in extra.items())
    return (
        f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName>"
        f"<CreateTime>{create_time}</CreateTime><MsgType><![CDATA[event]]></MsgType>"
        f"<Event><![CDATA[change_external_contact]]></Event><ChangeType><![CDATA[{change_type}]]></ChangeType>"
        f"<UserID><![CDATA[{user_id}]]></UserID><ExternalUserID><![CDATA[{external_user_id}]]></ExternalUserID>"
        f"{tags}</xml>"
    )


def event_xml(from_user: str, event: str, *, create_time: int = 1700000000, **extra: str) -> str:
    tags = "".join(f"<{name}><![CDATA[{value}]]></{name}>" for name, value in extra.items())
    return (
        f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName><FromUserName><![CDATA[{from_user}]]></FromUserName>"
        f"<CreateTime>{create_time}</CreateTime><MsgType><![CDATA[event]]></MsgType>"
        f"<Event><![CDATA[{event}]]></Event>{tags}<AgentID>{AGENT_ID}</AgentID></xml>"
    )


def signed_ciphertext(plain: bytes) -> tuple[str, bytes]:
    """A correctly signed callback whose decrypted bytes are `plain` exactly, padding and all.

    WeCom's layout is random(16) + length(4) + XML + CorpID, PKCS#7-padded to 32 bytes;
    this lets a test break any part of it while the signature stays valid.
    """
    key = base64.b64decode(AES_KEY + "=")
    encryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    encrypted = base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode()
    timestamp, nonce = str(int(time.time())), str(next(_nonces))
    signature = hashlib.sha1("".join(sorted([TOKEN, timestamp, nonce, encrypted])).encode()).hexdigest()
    body = f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
    query = urlencode({"msg_signature": signature, "timestamp": timestamp, "nonce": nonce})
    return query, body.encode()


def wecom_plaintext(xml: str, *, corp_id: str = CORP_ID) -> bytes:
    """The bytes WeCom encrypts for `xml`, before padding."""
    content = xml.encode()
    return b"0123456789abcdef" + struct.pack(">I", len(content)) + content + corp_id.encode()


def pkcs7(data: bytes, pad: int | None = None) -> bytes:
    """Pad to WeCom's 32-byte blocks; `pad` forces the pad byte's value (to break it)."""
    length = 32 - len(data) % 32
    return data + bytes([length if pad is None else pad]) * length
