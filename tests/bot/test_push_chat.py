"""A guide says 免打扰 to pause pushes for a day, and 恢复 to have them back (with what waited)."""

import pytest

from bot.events import parse_event
from tests.support.org import import_small_org
from tests.support.tasks import task_in, today
from tests.support.wecom import text_xml


@pytest.fixture(autouse=True)
async def org(services):
    await import_small_org()


async def say(services, content: str, msg_id: str, guide: str = "zhangsan") -> str:
    event = parse_event(text_xml(guide, content, msg_id=msg_id, create_time=int(today().timestamp())))
    return (await services.dispatcher.feed(event, inbox_key=f"msg:{msg_id}")).content


@pytest.mark.parametrize("word", ["免打扰", "mute"])
async def test_mute_says_until_when_and_how_to_resume(services, word):
    reply = await say(services, word, "M1")

    assert reply.startswith("好的，24 小时内不再给你推送提醒")
    assert "回复「恢复」" in reply
    assert await services.pushes.muted_until("zhangsan") is not None


async def test_a_task_card_waits_while_muted(services, fake_wecom):
    await say(services, "免打扰", "M1")

    task = await services.publishing.create_draft(task_in("add_fans"))
    await services.publishing.publish(task.id)
    await services.outbox.drain()

    assert fake_wecom.messages_to("zhangsan") == []
    assert len(fake_wecom.messages_to("lisi")) == 1


async def test_resume_says_how_many_messages_waited(services):
    await say(services, "免打扰", "M1")
    task = await services.publishing.create_draft(task_in("add_fans"))
    await services.publishing.publish(task.id)
    await services.outbox.drain()

    reply = await say(services, "恢复", "M2")

    assert reply.startswith("已恢复提醒推送。替你攒着的 1 条消息")
    assert await services.pushes.muted_until("zhangsan") is None


@pytest.mark.parametrize("word", ["恢复", "UNMUTE"])
async def test_resume_without_a_mute_says_pushes_were_on(services, word):
    reply = await say(services, word, "M1")

    assert reply == "你没有开启免打扰，提醒推送一直开着。"


async def test_help_lists_mute_with_how_to_resume(services):
    reply = await say(services, "帮助", "M1")

    assert "免打扰 / mute：暂停提醒推送一天；回复「恢复」随时恢复" in reply
