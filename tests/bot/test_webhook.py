import asyncio
import time
from urllib.parse import urlencode

import pytest

from bot.crypto import CallbackCrypto
from bot.models import InboxEvent
from tests.support.wecom import (
    AES_KEY,
    CORP_ID,
    TOKEN,
    contact_xml,
    event_xml,
    pkcs7,
    signed_callback,
    signed_ciphertext,
    text_xml,
    wecom_plaintext,
)


async def post_callback(client, xml: str, **kwargs):
    query, body = signed_callback(xml, **kwargs)
    return await client.post(f"/wecom/callback?{query}", data=body)


async def test_url_verification_answers_the_decrypted_echostr(client):
    crypto = CallbackCrypto(TOKEN, AES_KEY, CORP_ID)
    timestamp, nonce = str(int(time.time())), "12345"
    envelope = crypto.encrypt("1616140317555161061", nonce, timestamp)
    echostr = envelope.split("<Encrypt><![CDATA[")[1].split("]]>")[0]
    signature = envelope.split("<MsgSignature><![CDATA[")[1].split("]]>")[0]
    query = urlencode({"msg_signature": signature, "timestamp": timestamp, "nonce": nonce, "echostr": echostr})

    response = await client.get(f"/wecom/callback?{query}")

    assert response.status == 200
    assert await response.text() == "1616140317555161061"


async def test_url_verification_with_a_wrong_signature_is_refused(client):
    query = urlencode({"msg_signature": "0" * 40, "timestamp": int(time.time()), "nonce": "1", "echostr": "abc"})

    response = await client.get(f"/wecom/callback?{query}")

    assert response.status == 403


async def test_a_text_message_is_stored_and_acknowledged_with_an_empty_body(client):
    response = await post_callback(client, text_xml("zhangsan", "帮助"))

    assert response.status == 200
    assert await response.text() == ""
    assert await InboxEvent.filter(kind="text").count() == 1


async def test_an_unknown_event_is_stored_and_acknowledged(client, services):
    response = await post_callback(client, event_xml("zhangsan", "batch_job_result", JobId="42"))
    await services.inbox.drain()

    assert response.status == 200
    row = await InboxEvent.get()
    assert row.kind == "unknown"
    assert row.status == "done"


async def test_a_retried_callback_is_stored_once(client):
    query, body = signed_callback(text_xml("zhangsan", "帮助"))

    statuses = [(await client.post(f"/wecom/callback?{query}", data=body)).status for _ in range(3)]

    assert statuses == [200, 200, 200]
    assert await InboxEvent.all().count() == 1


async def test_concurrent_retries_of_a_new_friend_send_one_welcome(client, services, fake_wecom):
    code = fake_wecom.issue_welcome_code()
    query, body = signed_callback(contact_xml("add_external_contact", "zhangsan", "wmCUST1", WelcomeCode=code))

    responses = await asyncio.gather(*(client.post(f"/wecom/callback?{query}", data=body) for _ in range(10)))
    await services.inbox.drain()

    assert [r.status for r in responses] == [200] * 10
    assert len(fake_wecom.calls_to("externalcontact/send_welcome_msg")) == 1


async def test_two_friends_added_in_the_same_second_are_two_events(client):
    for external in ("wmCUST1", "wmCUST2"):
        await post_callback(client, contact_xml("add_external_contact", "zhangsan", external))

    assert await InboxEvent.all().count() == 2


@pytest.mark.parametrize(
    ("mutate", "status"),
    [
        (lambda q, b: (q.replace("msg_signature=", "msg_signature=0"), b), 403),
        (lambda q, b: ("&".join(p for p in q.split("&") if not p.startswith("msg_signature")), b), 403),
        (lambda q, b: ("&".join(p for p in q.split("&") if not p.startswith("nonce")), b), 403),
        (lambda q, b: (q, b.replace(b"<Encrypt><![CDATA[", b"<Encrypt><![CDATA[AAAA")), 403),
        (lambda q, b: (q, b"<xml><Encrypt>"), 400),
        (lambda q, b: (q, b"<xml><ToUserName>x</ToUserName></xml>"), 400),
        (lambda q, b: (q, b'<!DOCTYPE xml [<!ENTITY e "x">]><xml><Encrypt>&e;</Encrypt></xml>'), 400),
        (lambda q, b: (q, b + b" " * (64 * 1024)), 413),
    ],
    ids=[
        "wrong-signature", "no-signature", "no-nonce", "tampered-ciphertext",
        "malformed-xml", "no-encrypt-element", "dtd-with-entity", "body-over-64k",
    ],
)  # fmt: skip
async def test_a_bad_callback_is_refused_and_writes_nothing(client, mutate, status):
    query, body = mutate(*signed_callback(text_xml("zhangsan", "帮助")))

    response = await client.post(f"/wecom/callback?{query}", data=body)

    assert response.status == status
    assert await InboxEvent.all().count() == 0


@pytest.mark.parametrize("skew", [-660, 660], ids=["eleven-minutes-old", "eleven-minutes-ahead"])
async def test_a_callback_with_a_stale_timestamp_is_refused_as_a_replay(client, skew):
    response = await post_callback(client, text_xml("zhangsan", "帮助"), timestamp=int(time.time()) + skew)

    assert response.status == 403
    assert await InboxEvent.all().count() == 0


async def test_a_callback_for_another_corp_is_refused(client):
    response = await post_callback(client, text_xml("zhangsan", "帮助"), corp_id="ww-other-corp")

    assert response.status == 400
    assert await InboxEvent.all().count() == 0


async def test_a_payload_that_is_not_xml_inside_is_refused(client):
    response = await post_callback(client, "not xml at all")

    assert response.status == 400


async def test_an_inner_payload_with_entities_is_refused(client):
    xml = '<!DOCTYPE xml [<!ENTITY boom "x">]><xml><MsgType>text</MsgType><Content>&boom;</Content></xml>'

    response = await post_callback(client, xml)

    assert response.status == 400
    assert await InboxEvent.all().count() == 0


HOSTILE_IDS = [
    "x' OR '1'='1",
    "<script>alert(1)</script>",
    "张三" * 40,
    "../../etc/passwd",
    "a" * 500,
    "%00null",
]


@pytest.mark.parametrize(
    "hostile", HOSTILE_IDS, ids=["sql-quote", "script-tag", "long-chinese", "path", "long-ascii", "percent-null"]
)
async def test_hostile_ids_are_stored_and_never_crash_a_handler(client, services, hostile, caplog):
    response = await post_callback(client, contact_xml("add_external_contact", hostile, hostile, State=hostile))
    await services.inbox.drain()

    assert response.status == 200
    assert (await InboxEvent.get()).status == "done"
    assert not [record for record in caplog.records if record.levelname == "ERROR"]


async def test_the_callback_answers_503_when_not_configured(aiohttp_client, settings):
    from config.app import create_app

    unconfigured = settings.model_copy(update={"wecom_callback_token": settings.wecom_callback_token.__class__("")})
    client = await aiohttp_client(create_app(unconfigured))

    response = await post_callback(client, text_xml("zhangsan", "帮助"))

    assert response.status == 503


async def post_in_two_segments(client, query: str, body: bytes) -> int:
    """POST over a raw socket, the body split across two writes as a network or proxy may split it."""
    reader, writer = await asyncio.open_connection(client.server.host, client.server.port)
    head = (
        f"POST /wecom/callback?{query} HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/xml\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode()
    writer.write(head + body[: len(body) // 2])
    await writer.drain()
    await asyncio.sleep(0.05)
    writer.write(body[len(body) // 2 :])
    await writer.drain()
    status_line = await reader.readline()
    writer.close()
    await writer.wait_closed()
    return int(status_line.split()[1])


@pytest.mark.parametrize(
    "xml",
    [contact_xml("add_external_contact", "zhangsan", "wmCUST1", State="s" * 300), text_xml("zhangsan", "长" * 4000)],
    ids=["contact-event", "12kb-text"],
)
async def test_a_body_that_arrives_in_two_segments_is_read_whole(client, xml):
    query, body = signed_callback(xml)

    status = await post_in_two_segments(client, query, body)

    assert status == 200
    assert await InboxEvent.all().count() == 1


SIGNED_BUT_BROKEN = {
    "pad-byte-zero": pkcs7(wecom_plaintext(text_xml("zhangsan", "帮助")), pad=0),
    "pad-byte-past-the-block": pkcs7(wecom_plaintext(text_xml("zhangsan", "帮助")), pad=200),
    "under-four-bytes-inside": pkcs7(b"0123456789abcdef" + b"\x00\x01"),
    "length-past-the-end": pkcs7(b"0123456789abcdef" + b"\xff\xff\xff\xff" + b"<xml/>" + CORP_ID.encode()),
    "not-utf8": pkcs7(b"0123456789abcdef" + b"\x00\x00\x00\x02" + b"\xff\xfe" + CORP_ID.encode()),
    "create-time-past-9999": pkcs7(wecom_plaintext(text_xml("zhangsan", "帮助", create_time=10**15))),
    "from-user-over-64": pkcs7(wecom_plaintext(text_xml("z" * 65, "帮助"))),
    "event-from-user-over-64": pkcs7(wecom_plaintext(event_xml("z" * 65, "enter_agent"))),
}


@pytest.mark.parametrize("plain", SIGNED_BUT_BROKEN.values(), ids=SIGNED_BUT_BROKEN.keys())
async def test_a_signed_but_broken_payload_is_refused_with_400_counted_and_written_nowhere(client, services, plain):
    response = await client.post("/wecom/callback?" + (parts := signed_ciphertext(plain))[0], data=parts[1])

    assert response.status == 400
    assert await InboxEvent.all().count() == 0
    assert services.metrics.callbacks.labels(outcome="rejected_400")._value.get() == 1


async def test_two_long_message_ids_that_share_a_prefix_are_two_messages(client):
    prefix = "M" * 100
    for msg_id in (prefix + "1", prefix + "2"):
        await post_callback(client, text_xml("zhangsan", "帮助", msg_id=msg_id))

    assert await InboxEvent.all().count() == 2


async def test_a_long_message_id_retried_is_still_one_message(client):
    query, body = signed_callback(text_xml("zhangsan", "帮助", msg_id="M" * 200))

    for _ in range(2):
        await client.post(f"/wecom/callback?{query}", data=body)

    assert await InboxEvent.all().count() == 1


async def test_a_callback_the_database_cannot_store_is_not_acknowledged_so_wecom_retries(client, services, monkeypatch):
    async def database_down(xml, event):
        raise ConnectionRefusedError("database is down")

    monkeypatch.setattr(services.inbox, "store", database_down)

    response = await post_callback(client, text_xml("zhangsan", "帮助"))

    assert response.status == 503
    assert services.metrics.callbacks.labels(outcome="not_stored")._value.get() == 1
