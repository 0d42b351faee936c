"""attend_training (参加培训), end to end: HQ publishes it, the guide's card says 已参加, one tap counts and pays."""

import pytest

from bot.events import parse_event
from tests.support.org import import_small_org
from tests.support.tasks import task_in
from tests.support.wecom import event_xml


@pytest.fixture
async def training(client, hq_headers, services) -> dict:
    """A published training task for the small org: one attendance earns 30 coins."""
    await import_small_org()
    body = task_in("attend_training", title="新品知识培训", description="周五 14:00 门店会议室", target=1,
                   reward_coins=30).model_dump(mode="json")  # fmt: skip
    created = await client.post("/api/v1/tasks", json=body, headers=hq_headers)
    assert created.status == 201, await created.text()
    task = await created.json()
    published = await client.post(f"/api/v1/tasks/{task['id']}/publish", headers=hq_headers)
    assert published.status == 200
    await services.outbox.drain()
    return task


async def tap(services, key: str, response_code: str = "RC1") -> str:
    xml = event_xml("zhangsan", "template_card_event", EventKey=key, TaskId="t", ResponseCode=response_code)
    return (await services.dispatcher.feed(parse_event(xml), inbox_key=f"card:{key}:{response_code}")).content


async def test_a_training_task_counts_attendance(training):
    assert (training["kind"], training["metric"], training["target"]) == ("attend_training", "attendance", 1)


async def test_the_training_card_asks_for_a_confirmation(training, fake_wecom):
    [send] = fake_wecom.calls_to("message/send")
    card = send.json["template_card"]

    assert card["main_title"] == {"title": "新品知识培训", "desc": "培训任务"}
    assert [b["text"] for b in card["button_list"]] == ["去完成", "已参加", "查看进度"]


async def test_go_tells_the_guide_to_confirm_after_the_training(training, services):
    reply = await tap(services, f"go:{training['id']}")

    assert "已参加" in reply
    assert "周五 14:00 门店会议室" in reply


async def test_the_attended_button_counts_once_pays_and_finishes_the_card(
    training, services, client, hq_headers, fake_wecom
):
    first = await tap(services, f"done:{training['id']}")
    again = await tap(services, f"done:{training['id']}", response_code="RC2")
    await services.outbox.drain()

    assert first == again == "「新品知识培训」培训 1/1✅"
    assert await services.ledger.balance("zhangsan") == 30
    progress = await (await client.get(f"/api/v1/tasks/{training['id']}/progress", headers=hq_headers)).json()
    assert [(row["guide"], row["progress"], row["done"], row["coins"]) for row in progress] == [
        ("lisi", 0, False, 0),
        ("zhangsan", 1, True, 30),
    ]
    assert fake_wecom.calls_to("message/update_template_card")[0].json["button"]["replace_name"] == "已完成 ✓"
