"""What the inbox acknowledged is handled exactly once, or kept as a visible dead letter.

Crashes, quick restarts and failing handlers: stale claims are taken back while the service
runs, failures are retried with back-off, and the last failure leaves a replayable dead letter.
"""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.events import dedup_key, parse_event
from bot.inbox import GAVE_UP, MAX_ATTEMPTS, STILL_TRYING
from bot.models import InboxEvent, InboxStatus
from fans.models import Fan
from tests.bot.test_webhook import post_callback
from tests.conftest import HQ_TOKEN
from tests.support.crash import restart, stored_before_the_crash
from tests.support.org import import_small_org
from tests.support.wecom import contact_xml, text_xml

WELCOME = "externalcontact/send_welcome_msg"


def new_friend(fake_wecom) -> str:
    return contact_xml("add_external_contact", "zhangsan", "wmCUST1", WelcomeCode=fake_wecom.issue_welcome_code())


async def test_a_pending_event_is_handled_after_a_restart(aiohttp_client, durable_settings, fake_wecom):
    await stored_before_the_crash(durable_settings, new_friend(fake_wecom))

    await restart(aiohttp_client, durable_settings)

    assert len(fake_wecom.calls_to(WELCOME)) == 1
    assert (await InboxEvent.get()).status == InboxStatus.DONE


async def test_an_event_whose_claim_went_stale_is_taken_back_after_a_restart(
    aiohttp_client, durable_settings, fake_wecom
):
    stale = datetime.now(UTC) - timedelta(seconds=10)
    await stored_before_the_crash(
        durable_settings, new_friend(fake_wecom), status=InboxStatus.PROCESSING, claimed_at=stale
    )

    await restart(aiohttp_client, durable_settings)

    assert len(fake_wecom.calls_to(WELCOME)) == 1


async def test_an_event_claimed_within_its_lease_is_left_to_its_owner(aiohttp_client, durable_settings, fake_wecom):
    # claimed "now" by the clock the restarted app reads, however long a loaded machine takes to start it
    fresh = datetime.now(UTC) + timedelta(seconds=30)
    await stored_before_the_crash(
        durable_settings, new_friend(fake_wecom), status=InboxStatus.PROCESSING, claimed_at=fresh
    )

    await restart(aiohttp_client, durable_settings)

    assert fake_wecom.calls_to(WELCOME) == []


async def test_a_handled_event_is_not_handled_again_after_a_restart(aiohttp_client, durable_settings, fake_wecom):
    await stored_before_the_crash(durable_settings, new_friend(fake_wecom))
    first = await restart(aiohttp_client, durable_settings)
    await first.close()

    await restart(aiohttp_client, durable_settings)

    assert len(fake_wecom.calls_to(WELCOME)) == 1


async def test_a_claim_a_dead_process_left_is_taken_back_while_the_service_runs(client, services, fake_wecom):
    xml = new_friend(fake_wecom)
    event = parse_event(xml)
    await InboxEvent.create(
        dedup_key=dedup_key(event, xml), kind=event.kind, payload=xml, received_at=datetime.now(UTC),
        status=InboxStatus.PROCESSING, claimed_at=datetime.now(UTC) - timedelta(seconds=10), attempts=1,
    )  # fmt: skip

    await eventually(lambda: InboxEvent.filter(status=InboxStatus.DONE).exists())

    assert len(fake_wecom.calls_to(WELCOME)) == 1


async def eventually(condition, seconds: float = 10.0) -> None:
    """Wait for the service's own loops to bring `condition` about (no test drives them here)."""
    for _ in range(int(seconds / 0.05)):
        if await condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the service did not get there in time")


@pytest.fixture
def breakable(services, monkeypatch):
    """Make recording a fan fail the next `n` times (as a database or Redis outage would)."""
    record_added = services.fans.record_added
    failures = {"left": 0}

    async def flaky(**kwargs):
        if failures["left"]:
            failures["left"] -= 1
            raise ConnectionError("database went away")
        return await record_added(**kwargs)

    monkeypatch.setattr(services.fans, "record_added", flaky)

    def fail(times: int) -> None:
        failures["left"] = times

    return fail


async def retry_when_due(services) -> None:
    """Let the back-off pass: make every waiting row due now, then run one resume pass."""
    await InboxEvent.filter(status=InboxStatus.PENDING).update(not_before=datetime.now(UTC))
    await services.inbox.resume()
    await services.inbox.drain()


async def test_a_customer_event_whose_handling_failed_is_retried_and_counted_once(
    client, services, fake_wecom, breakable
):
    breakable(times=1)

    await post_callback(client, new_friend(fake_wecom))
    await services.inbox.drain()
    failed = await InboxEvent.get()
    await retry_when_due(services)

    assert failed.status == InboxStatus.PENDING
    assert "ConnectionError" in failed.error
    row = await InboxEvent.get()
    assert (row.status, row.attempts) == (InboxStatus.DONE, 2)
    assert await Fan.all().count() == 1
    assert len(fake_wecom.calls_to(WELCOME)) == 1


async def test_each_failure_waits_twice_as_long_before_the_next_try(client, services, fake_wecom, breakable):
    breakable(times=2)
    await post_callback(client, new_friend(fake_wecom))
    await services.inbox.drain()
    first = await InboxEvent.get()

    await InboxEvent.filter(id=first.id).update(not_before=datetime.now(UTC))
    await services.inbox.resume()
    await services.inbox.drain()
    second = await InboxEvent.get()

    first_wait = first.not_before - first.claimed_at
    second_wait = second.not_before - second.claimed_at
    assert timedelta(seconds=0.9) < first_wait < timedelta(seconds=1.5)
    assert timedelta(seconds=1.9) < second_wait < timedelta(seconds=2.5)


async def test_an_event_that_keeps_failing_becomes_a_dead_letter(client, services, fake_wecom, breakable):
    breakable(times=100)
    await post_callback(client, new_friend(fake_wecom))
    await services.inbox.drain()

    for _ in range(MAX_ATTEMPTS + 2):
        await retry_when_due(services)

    row = await InboxEvent.get()
    assert (row.status, row.attempts) == (InboxStatus.DEAD, MAX_ATTEMPTS)
    assert "ConnectionError" in row.error
    assert await Fan.all().count() == 0


async def kill_every_attempt(client, services, fake_wecom, breakable) -> None:
    breakable(times=MAX_ATTEMPTS)
    await post_callback(client, new_friend(fake_wecom))
    await services.inbox.drain()
    for _ in range(MAX_ATTEMPTS):
        await retry_when_due(services)


async def test_dead_letters_are_counted_in_metrics_and_listed_for_hq(client, services, fake_wecom, breakable):
    await kill_every_attempt(client, services, fake_wecom, breakable)

    metrics = await (await client.get("/metrics")).text()
    listed = await (await client.get("/api/v1/inbox/dead-letters", headers=HQ)).json()

    assert "guidebot_inbox_dead 1.0" in metrics
    assert 'guidebot_inbox_dead_letters_total{kind="change_external_contact"} 1.0' in metrics
    [letter] = listed
    assert letter["kind"] == "change_external_contact"
    assert letter["attempts"] == MAX_ATTEMPTS
    assert "ConnectionError" in letter["error"]


async def test_a_replayed_dead_letter_is_handled_once_and_cannot_be_replayed_twice(
    client, services, fake_wecom, breakable
):
    await kill_every_attempt(client, services, fake_wecom, breakable)
    [letter] = await (await client.get("/api/v1/inbox/dead-letters", headers=HQ)).json()

    first = await client.post(f"/api/v1/inbox/dead-letters/{letter['id']}/replay", headers=HQ)
    await services.inbox.resume()
    await services.inbox.drain()
    second = await client.post(f"/api/v1/inbox/dead-letters/{letter['id']}/replay", headers=HQ)

    assert (first.status, second.status) == (202, 409)
    assert (await InboxEvent.get()).status == InboxStatus.DONE
    assert await Fan.all().count() == 1
    assert await (await client.get("/api/v1/inbox/dead-letters", headers=HQ)).json() == []


HQ = {"Authorization": f"Bearer {HQ_TOKEN}"}


@pytest.fixture
async def broken_org_lookup(services, monkeypatch):
    """Every guide lookup fails, as when the database drops mid-handling."""
    await import_small_org()
    lookup = services.org.guide
    state = {"broken": True}

    async def guide(userid):
        if state["broken"]:
            raise ConnectionError("database went away")
        return await lookup(userid)

    monkeypatch.setattr(services.org, "guide", guide)
    return state


async def texts_to(services, fake_wecom, guide: str) -> list[str]:
    await services.outbox.drain()
    return [message["text"]["content"] for message in fake_wecom.messages_to(guide)]


async def test_a_guide_whose_message_failed_is_told_once_and_then_gets_the_answer(
    client, services, fake_wecom, broken_org_lookup
):
    await post_callback(client, text_xml("zhangsan", "帮助"))
    await services.inbox.drain()
    await retry_when_due(services)
    await services.outbox.drain()  # the apology leaves at once; the back-off before the next try is seconds
    broken_org_lookup["broken"] = False
    await retry_when_due(services)

    [apology, answer] = await texts_to(services, fake_wecom, "zhangsan")
    assert apology == STILL_TRYING
    assert "帮助" in answer


async def test_a_guide_whose_message_was_given_up_is_asked_to_send_it_again(
    client, services, fake_wecom, broken_org_lookup
):
    await post_callback(client, text_xml("zhangsan", "帮助"))
    await services.inbox.drain()
    for _ in range(MAX_ATTEMPTS):
        await retry_when_due(services)

    assert await texts_to(services, fake_wecom, "zhangsan") == [STILL_TRYING, GAVE_UP]


async def test_a_failed_customer_event_sends_no_apology_to_anyone(client, services, fake_wecom, breakable):
    breakable(times=1)

    await post_callback(client, new_friend(fake_wecom))
    await services.inbox.drain()
    await services.outbox.drain()

    assert fake_wecom.calls_to("message/send") == []
