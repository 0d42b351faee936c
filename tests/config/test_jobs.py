"""The service's jobs: the recovery sweep takes back what a dead process left, and what can no longer be sent expires."""

from datetime import UTC, datetime, timedelta

import pytest

from bot.models import InboxEvent, InboxStatus, OutboxMessage, OutboxStatus
from bot.outbox import MESSAGE_SEND, SEND_WELCOME_MSG
from bot.replies import Reply
from kernel.jobs.views import SCHEDULER
from tests.support.jobs import a_past_minute_off_the_hour, after_start_up_runs
from tests.support.wecom import text_xml

LONG_AGO = datetime(2026, 1, 1, tzinfo=UTC)


async def run_job(client, hq_headers, name: str) -> dict:
    """The job, run now through the HQ API for a slot of its own, once it has finished."""
    slot = a_past_minute_off_the_hour()
    response = await client.post(f"/api/v1/jobs/{name}/run", params={"slot": slot.isoformat()}, headers=hq_headers)
    assert (await response.json())["started"] is True
    await client.app[SCHEDULER].runs.queue.drain()
    runs = await (await client.get(f"/api/v1/jobs/{name}/runs", headers=hq_headers)).json()
    return next(run for run in runs if run["slot"] == slot.isoformat().replace("+00:00", "Z"))


@pytest.fixture
async def started(client):
    await after_start_up_runs(client)
    return client


async def test_the_recovery_sweep_takes_back_a_callback_a_dead_process_left_and_says_so(started, services, hq_headers):
    services.inbox.queue.loop.stop()  # only the sweep looks, so that it is the one that finds the row
    await InboxEvent.create(
        dedup_key="MSG-1", kind="text", payload=text_xml("zhangsan", "帮助", msg_id="MSG-1"), received_at=LONG_AGO,
        status=InboxStatus.PROCESSING, claimed_at=LONG_AGO, attempts=1,
    )  # fmt: skip

    run = await run_job(started, hq_headers, "recovery")
    await services.inbox.drain()

    assert run["status"] == "done"
    assert run["outcome"].startswith("resumed 1 callbacks and 0 events")
    assert (await InboxEvent.get(dedup_key="MSG-1")).status == InboxStatus.DONE


async def pending_row(key: str, api: str, payload: dict, created_at: datetime) -> OutboxMessage:
    """A row the sender will not touch before the job looks (its retry is due later)."""
    later = datetime.now(UTC) + timedelta(hours=1)
    return await OutboxMessage.create(key=key, api=api, payload=payload, created_at=created_at, not_before=later)


async def test_a_welcome_invite_past_its_20_seconds_is_a_dead_letter_and_the_guide_forwards_the_link_once(
    started, services, hq_headers, fake_wecom
):
    welcome = {"welcome_code": "W-1", "text": "您好", "link_title": "注册", "link_url": "https://m.example.com/r?g=lisi",
               "guide": "lisi"}  # fmt: skip
    row = await pending_row("welcome:EVENT-1", SEND_WELCOME_MSG, welcome, datetime.now(UTC) - timedelta(seconds=30))

    run = await run_job(started, hq_headers, "expire-undeliverable")
    await services.outbox.drain()

    dead = await (await started.get("/api/v1/outbox/dead-letters", headers=hq_headers)).json()
    forwarded = fake_wecom.messages_to("lisi")
    assert run["outcome"] == "expired 1 outbox rows"
    assert [(letter["id"], letter["kind"]) for letter in dead] == [(row.id, SEND_WELCOME_MSG)]
    assert dead[0]["error"].startswith("expired: the welcome_code outlived its 20 s")
    assert len(forwarded) == 1
    assert (
        "欢迎语已过期" in forwarded[0]["text"]["content"]
        and "https://m.example.com/r?g=lisi" in forwarded[0]["text"]["content"]
    )


async def test_a_message_past_its_maximum_age_expires_and_a_fresh_one_stays(started, hq_headers):
    body = {"touser": ["zhangsan"], "body": {"msgtype": "text", "text": {"content": "任务提醒"}}}
    stale = await pending_row("push:old", MESSAGE_SEND, body, datetime.now(UTC) - timedelta(hours=25))
    fresh = await pending_row("push:new", MESSAGE_SEND, body, datetime.now(UTC) - timedelta(hours=1))

    await run_job(started, hq_headers, "expire-undeliverable")

    assert (await OutboxMessage.get(id=stale.id)).status == OutboxStatus.FAILED
    assert (await OutboxMessage.get(id=stale.id)).last_error == "expired: not sent within 1 day, 0:00:00"
    assert (await OutboxMessage.get(id=fresh.id)).status == OutboxStatus.PENDING


async def test_the_release_job_sends_what_waited_for_a_guide_who_resumed(started, services, hq_headers, fake_wecom):
    await services.pushes.mute("zhangsan")
    await services.outbox.enqueue_message("digest:1:zhangsan", ["zhangsan"], Reply.text("早安").message_body())
    await services.outbox.drain()
    await services.pushes.unmute("zhangsan")

    run = await run_job(started, hq_headers, "release-pushes")
    await services.outbox.drain()

    assert run["outcome"] == "released 1 held pushes as 1 messages"
    assert [m["text"]["content"] for m in fake_wecom.messages_to("zhangsan")] == ["早安"]
