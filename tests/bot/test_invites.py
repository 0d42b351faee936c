"""A customer adds a guide: the membership invite goes out as the guide's welcome message, once."""

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlparse

import pytest

from bot.models import InboxEvent, InboxStatus, OutboxMessage, OutboxStatus
from config.db import close_database, open_database
from config.services import SERVICES
from fans.models import Fan
from tests.bot.test_webhook import post_callback
from tests.support.crash import restart, stored_before_the_crash
from tests.support.org import import_small_org
from tests.support.wecom import contact_xml

WELCOME = "externalcontact/send_welcome_msg"


@pytest.fixture
async def org(client):
    await import_small_org()


async def add_friend(client, services, guide="zhangsan", external="wmCUST1", **extra):
    response = await post_callback(client, contact_xml("add_external_contact", guide, external, **extra))
    assert response.status == 200
    await services.inbox.drain()


async def test_a_new_friend_gets_the_invite_with_the_guides_name_and_attribution_link(
    client, services, fake_wecom, org
):
    code = fake_wecom.issue_welcome_code()

    await add_friend(client, services, WelcomeCode=code, State="store-0101")

    [call] = fake_wecom.calls_to(WELCOME)
    assert call.json["welcome_code"] == code
    assert "张三" in call.json["text"]["content"]
    link = call.json["attachments"][0]["link"]["url"]
    assert parse_qs(urlparse(link).query) == {"guide": ["zhangsan"], "store": ["SH01"], "state": ["store-0101"]}


async def test_a_half_added_friend_with_a_code_gets_the_invite_too(client, services, fake_wecom, org):
    code = fake_wecom.issue_welcome_code()

    await post_callback(client, contact_xml("add_half_external_contact", "zhangsan", "wmCUST1", WelcomeCode=code))
    await services.inbox.drain()

    assert len(fake_wecom.calls_to(WELCOME)) == 1


async def test_the_invite_does_not_wait_for_the_outbox_sender(client, services, fake_wecom, org):
    fake_wecom.delays["message/send"] = 0.05  # a backlog of 300 takes about 2 s at 8 sends at once
    for n in range(300):
        await services.outbox.enqueue_message(
            f"backlog:{n}", [f"guide{n}"], {"msgtype": "text", "text": {"content": "x"}}
        )

    await add_friend(client, services, WelcomeCode=fake_wecom.issue_welcome_code())

    [welcome] = fake_wecom.calls_to(WELCOME)
    assert len([call for call in fake_wecom.calls_to("message/send") if call.at < welcome.at]) < 150


@pytest.mark.parametrize(
    ("age", "reason"), [(0, "已发过"), (25, "已过期")], ids=["41051-already-sent", "40097-expired"]
)
async def test_when_wecom_refuses_the_welcome_the_guide_gets_the_link_to_forward(
    client, services, fake_wecom, org, age, reason
):
    code = fake_wecom.issue_welcome_code(age=age)
    if age == 0:
        fake_wecom.fail_next(WELCOME, errcode=41051)

    await add_friend(client, services, WelcomeCode=code, State="s1")
    await services.outbox.drain()

    [message] = fake_wecom.messages_to("zhangsan")
    assert reason in message["text"]["content"]
    assert "guide=zhangsan" in message["text"]["content"]
    assert len(fake_wecom.calls_to(WELCOME)) == 1


async def test_without_a_welcome_code_the_guide_is_asked_to_forward_the_link(client, services, fake_wecom, org):
    await add_friend(client, services)
    await services.outbox.drain()

    assert fake_wecom.calls_to(WELCOME) == []
    [message] = fake_wecom.messages_to("zhangsan")
    assert "会员注册链接" in message["text"]["content"]


async def test_a_guide_missing_from_the_directory_still_gets_the_invite_sent(client, services, fake_wecom, org):
    await add_friend(client, services, guide="newcomer", WelcomeCode=fake_wecom.issue_welcome_code())

    [call] = fake_wecom.calls_to(WELCOME)
    assert "您的专属导购" in call.json["text"]["content"]


async def test_every_new_friend_is_recorded_as_a_fan(client, services, fake_wecom, org):
    await add_friend(client, services, WelcomeCode=fake_wecom.issue_welcome_code(), State="store-0101")

    fan = await Fan.get().select_related("customer")
    assert (fan.guide_userid, fan.customer.external_userid, fan.state) == ("zhangsan", "wmCUST1", "store-0101")
    assert fan.counts_as_new


async def test_a_colleague_added_as_a_customer_is_flagged(client, services, fake_wecom, org):
    fake_wecom.contact_types["wmCOLLEAGUE"] = 2

    await add_friend(client, services, external="wmCOLLEAGUE")

    assert (await Fan.get()).verdict == "colleague"


async def test_a_customer_deleting_the_guide_marks_the_fan_lost(client, services, fake_wecom, org):
    await add_friend(client, services)

    await post_callback(client, contact_xml("del_follow_user", "zhangsan", "wmCUST1", create_time=1700000100))
    await services.inbox.drain()

    fan = await Fan.get()
    assert fan.loss_source == "customer_deleted_guide"
    assert fan.lost_at is not None


async def test_a_transfer_is_recorded_as_a_transfer_not_churn(client, services, fake_wecom, org):
    await add_friend(client, services)

    xml = contact_xml(
        "del_external_contact", "zhangsan", "wmCUST1", create_time=1700000100, Source="DELETE_BY_TRANSFER"
    )
    await post_callback(client, xml)
    await services.inbox.drain()

    assert (await Fan.get()).loss_source == "transferred"


async def crashed_mid_send(settings, fake_wecom, code: str) -> None:
    """The process stored the event, claimed the invite row for sending, and died."""
    await import_small_org_into(settings)
    stale = datetime.now(UTC) - timedelta(seconds=10)
    xml = contact_xml("add_external_contact", "zhangsan", "wmCUST1", WelcomeCode=code)
    await stored_before_the_crash(settings, xml, status=InboxStatus.PROCESSING, claimed_at=stale, attempts=1)
    await open_database(settings.database_url)
    event_key = (await InboxEvent.get()).dedup_key
    await OutboxMessage.create(
        key=f"welcome:{event_key}", api=WELCOME, status=OutboxStatus.SENDING, claimed_at=stale, attempts=1,
        not_before=stale, created_at=stale,
        payload={"welcome_code": code, "text": "您好", "link_title": "注册会员", "link_url": "https://m.example/r?guide=zhangsan",
                 "guide": "zhangsan"},
    )  # fmt: skip
    await close_database()


async def import_small_org_into(settings) -> None:
    await open_database(settings.database_url)
    await import_small_org()
    await close_database()


async def after_restart(aiohttp_client, settings):
    client = await restart(aiohttp_client, settings)
    await client.app[SERVICES].outbox.drain()
    return client


async def test_an_invite_whose_sender_died_before_sending_goes_out_after_a_quick_restart(
    aiohttp_client, durable_settings, fake_wecom
):
    code = fake_wecom.issue_welcome_code()
    await crashed_mid_send(durable_settings, fake_wecom, code)

    await after_restart(aiohttp_client, durable_settings)

    [welcome] = fake_wecom.calls_to(WELCOME)
    assert welcome.json["welcome_code"] == code
    assert (await OutboxMessage.get(api=WELCOME)).status == OutboxStatus.SENT
    assert fake_wecom.messages_to("zhangsan") == []


async def test_an_invite_delivered_just_before_the_crash_counts_as_sent_and_is_not_forwarded(
    aiohttp_client, durable_settings, fake_wecom
):
    code = fake_wecom.issue_welcome_code()
    fake_wecom.use_welcome_code(code)
    await crashed_mid_send(durable_settings, fake_wecom, code)

    client = await after_restart(aiohttp_client, durable_settings)

    assert (await OutboxMessage.get(api=WELCOME)).status == OutboxStatus.SENT
    assert client.app[SERVICES].metrics.invites.labels(outcome="sent")._value.get() == 1
    assert fake_wecom.messages_to("zhangsan") == []


async def test_when_the_code_expired_during_the_crash_the_guide_forwards_the_link_once(
    aiohttp_client, durable_settings, fake_wecom
):
    code = fake_wecom.issue_welcome_code(age=25)
    await crashed_mid_send(durable_settings, fake_wecom, code)

    client = await after_restart(aiohttp_client, durable_settings)
    await client.app[SERVICES].inbox.resume()
    await client.app[SERVICES].outbox.drain()

    [message] = fake_wecom.messages_to("zhangsan")
    assert "已过期" in message["text"]["content"]
    assert "guide=zhangsan" in message["text"]["content"]
