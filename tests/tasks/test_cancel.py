"""HQ cancels a task: its guides hear it once, in WeCom, instead of finding out when they tap the card."""

import pytest

from bot.models import OutboxMessage
from org.schemas import OrgImport
from org.service import OrgService
from tests.support.org import import_small_org
from tests.support.tasks import task_in


@pytest.fixture
async def tasks(services):
    await import_small_org()
    return services.publishing


async def published(tasks, **overrides):
    task = await tasks.create_draft(task_in(**overrides))
    return await tasks.publish(task.id)


def texts_to(fake_wecom, user: str) -> list[str]:
    return [m["text"]["content"] for m in fake_wecom.messages_to(user) if m["msgtype"] == "text"]


async def test_each_guide_of_a_cancelled_task_is_told_in_wecom(tasks, services, fake_wecom):
    task = await published(tasks, title="五一吸粉冲刺")

    await tasks.cancel(task.id)
    await services.outbox.drain()

    for guide in ("zhangsan", "lisi"):
        assert texts_to(fake_wecom, guide) == ["任务「五一吸粉冲刺」已取消，不用再做了。已经得到的金币照常保留。"]


async def test_cancelling_again_tells_no_one_twice(tasks, services, fake_wecom):
    task = await published(tasks)

    await tasks.cancel(task.id)
    await tasks.cancel(task.id)
    await services.outbox.drain()

    assert len(texts_to(fake_wecom, "zhangsan")) == 1


async def test_cancelling_a_draft_tells_no_one(tasks):
    draft = await tasks.create_draft(task_in())

    await tasks.cancel(draft.id)

    assert not await OutboxMessage.filter(key__startswith="task-cancelled:").exists()


async def test_a_task_of_1200_guides_is_cancelled_in_two_sends_of_at_most_1000(tasks):
    stores = [{"code": "SH01", "name": "南京东路店", "branch": "SH"}]
    guides = [{"userid": f"g{n:04d}", "name": f"导购{n}", "store": "SH01"} for n in range(1200)]
    await OrgService().import_org(
        OrgImport.model_validate(
            {
                "regions": [{"code": "EAST", "name": "华东大区"}],
                "branches": [{"code": "SH", "name": "上海分公司", "region": "EAST"}],
                "stores": stores,
                "guides": guides,
            }
        )
    )
    task = await published(tasks, audience={"stores": ["SH01"]})

    await tasks.cancel(task.id)

    rows = await OutboxMessage.filter(key__startswith=f"task-cancelled:{task.id}").order_by("key")
    assert [len(row.payload["touser"]) for row in rows] == [1000, 201]
    assert sorted(u for row in rows for u in row.payload["touser"]) == sorted(
        [g["userid"] for g in guides] + ["zhangsan"]
    )
