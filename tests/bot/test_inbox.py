"""Crash safety: what was stored before a crash is handled after the restart, exactly once."""

from datetime import UTC, datetime, timedelta

import pytest

from bot.events import dedup_key, parse_event
from bot.models import InboxEvent, InboxStatus
from config.app import create_app
from config.db import close_database, open_database
from config.services import SERVICES
from tests.support.wecom import contact_xml

WELCOME = "externalcontact/send_welcome_msg"


@pytest.fixture
def durable_settings(settings, tmp_path):
    """The test database, on disk when it would otherwise vanish with the process."""
    if settings.database_url == "sqlite://:memory:":
        return settings.model_copy(update={"database_url": f"sqlite://{tmp_path / 'crash.sqlite3'}"})
    return settings


async def stored_before_the_crash(settings, xml: str, **fields) -> None:
    """What the inbox holds when the process died right after the ack."""
    event = parse_event(xml)
    await open_database(settings.database_url)
    await InboxEvent.create(
        dedup_key=dedup_key(event, xml), kind=event.kind, payload=xml, received_at=datetime.now(UTC), **fields
    )
    await close_database()


async def restart(aiohttp_client, settings):
    client = await aiohttp_client(create_app(settings))
    await client.app[SERVICES].inbox.drain()
    return client


def new_friend(fake_wecom) -> str:
    return contact_xml("add_external_contact", "zhangsan", "wmCUST1", WelcomeCode=fake_wecom.issue_welcome_code())


async def test_a_pending_event_is_handled_after_a_restart(aiohttp_client, durable_settings, fake_wecom):
    await stored_before_the_crash(durable_settings, new_friend(fake_wecom))

    await restart(aiohttp_client, durable_settings)

    assert len(fake_wecom.calls_to(WELCOME)) == 1
    assert (await InboxEvent.get()).status == InboxStatus.DONE


async def test_an_event_stuck_in_processing_is_taken_back_after_the_lease(aiohttp_client, durable_settings, fake_wecom):
    stale = datetime.now(UTC) - timedelta(minutes=5)
    await stored_before_the_crash(
        durable_settings, new_friend(fake_wecom), status=InboxStatus.PROCESSING, claimed_at=stale
    )

    await restart(aiohttp_client, durable_settings)

    assert len(fake_wecom.calls_to(WELCOME)) == 1


async def test_an_event_claimed_moments_ago_is_left_to_its_owner(aiohttp_client, durable_settings, fake_wecom):
    await stored_before_the_crash(
        durable_settings, new_friend(fake_wecom), status=InboxStatus.PROCESSING, claimed_at=datetime.now(UTC)
    )

    await restart(aiohttp_client, durable_settings)

    assert fake_wecom.calls_to(WELCOME) == []


async def test_a_handled_event_is_not_handled_again_after_a_restart(aiohttp_client, durable_settings, fake_wecom):
    await stored_before_the_crash(durable_settings, new_friend(fake_wecom))
    first = await restart(aiohttp_client, durable_settings)
    await first.close()

    await restart(aiohttp_client, durable_settings)

    assert len(fake_wecom.calls_to(WELCOME)) == 1
