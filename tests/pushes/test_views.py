"""HQ reads a guide's push log: what was sent, what waits and why, what was merged."""

import pytest

from bot.replies import Reply
from tests.support.org import import_small_org


@pytest.fixture(autouse=True)
async def org(services):
    await import_small_org()


async def push(services, key: str, text: str, userid: str = "zhangsan") -> None:
    await services.outbox.enqueue_message(key, [userid], Reply.text(text).message_body())
    await services.outbox.drain()


async def test_a_sent_push_is_in_the_log(client, hq_headers, services):
    await push(services, "digest:1:zhangsan", "早安")

    log = await (await client.get("/api/v1/guides/zhangsan/pushes", headers=hq_headers)).json()

    assert [(e["kind"], e["outcome"]) for e in log["log"]] == [("digest", "sent")]
    assert log["waiting"] == [] and log["muted_until"] is None


async def test_a_muted_guide_s_push_waits_with_its_reason(client, hq_headers, services):
    await services.pushes.mute("zhangsan")
    await push(services, "task-reminder:3:2h:zhangsan", "还差 2 位")

    log = await (await client.get("/api/v1/guides/zhangsan/pushes", headers=hq_headers)).json()

    assert log["muted_until"] is not None
    assert [(w["kind"], w["reason"], w["reason_text"]) for w in log["waiting"]] == [
        ("task-reminder", "muted", "导购设置了免打扰")
    ]
    assert [(e["outcome"], e["reason"]) for e in log["log"]] == [("deferred", "muted")]


async def test_merged_pushes_say_what_they_carried(client, hq_headers, services):
    await services.pushes.mute("zhangsan")
    await push(services, "digest:1:zhangsan", "早安")
    await push(services, "badge:zhangsan:first_task", "徽章")
    await services.pushes.unmute("zhangsan")
    await services.pushes.release_due(services.outbox)
    await services.outbox.drain()

    log = await (await client.get("/api/v1/guides/zhangsan/pushes?limit=2", headers=hq_headers)).json()

    assert [(e["kind"], e["outcome"]) for e in log["log"]] == [("pushes", "sent"), ("pushes", "merged")]
    assert "digest:1:zhangsan" in log["log"][1]["detail"] and "badge:zhangsan:first_task" in log["log"][1]["detail"]


async def test_the_log_of_someone_who_is_no_guide_is_a_404(client, hq_headers):
    response = await client.get("/api/v1/guides/nobody/pushes", headers=hq_headers)

    assert response.status == 404
    assert (await response.json())["error"]["message"] == "no guide nobody"


async def test_the_log_needs_the_hq_token(client):
    response = await client.get("/api/v1/guides/zhangsan/pushes")

    assert response.status == 401


async def test_a_userid_that_cannot_exist_is_a_404_in_the_error_shape(client, hq_headers):
    response = await client.get("/api/v1/guides/bad%20id/pushes", headers=hq_headers)

    assert response.status == 404
    assert (await response.json())["error"]["code"] == "not_found"
