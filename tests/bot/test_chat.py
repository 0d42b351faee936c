"""Guides chatting with the bot: help, unknown text, and replies delivered through the outbox."""

import pytest

from bot.dispatcher import UNHANDLED
from bot.events import parse_event
from bot.replies import Reply
from tests.bot.test_webhook import post_callback
from tests.support.org import import_small_org, mark_left
from tests.support.wecom import event_xml, text_xml


def text(content: str):
    return parse_event(text_xml("zhangsan", content))


@pytest.mark.parametrize("word", ["帮助", "help", "HELP", "？", "菜单"])
async def test_help_lists_the_commands_in_chinese(services, word):
    reply = await services.dispatcher.feed(text(word))

    assert isinstance(reply, Reply)
    assert "帮助 / help：看看我能做什么" in reply.content


async def test_unknown_text_gets_a_short_pointer_to_help(services):
    await import_small_org()

    reply = await services.dispatcher.feed(text("今天天气怎么样"))

    assert "帮助" in reply.content
    assert len(reply.content) < 60


async def test_someone_outside_the_guide_directory_is_told_why_nothing_works(services):
    reply = await services.dispatcher.feed(text("金币"))

    assert "不在导购名单" in reply.content


async def test_opening_the_app_sends_nothing(services):
    assert await services.dispatcher.feed(parse_event(event_xml("zhangsan", "enter_agent"))) is UNHANDLED


async def test_a_reply_reaches_the_guide_through_message_send(client, services, fake_wecom):
    await post_callback(client, text_xml("zhangsan", "帮助"))
    await services.inbox.drain()
    await services.outbox.drain()

    [message] = fake_wecom.messages_to("zhangsan")
    assert message["msgtype"] == "text"
    assert "看看我能做什么" in message["text"]["content"]


async def test_a_retried_message_is_answered_once(client, services, fake_wecom):
    for _ in range(3):
        await post_callback(client, text_xml("zhangsan", "帮助", msg_id="M-retried"))
    await services.inbox.drain()
    await services.outbox.drain()

    assert len(fake_wecom.messages_to("zhangsan")) == 1


async def test_a_guide_who_left_is_answered_as_someone_outside_the_guide_directory(services):
    await import_small_org()
    await mark_left("zhangsan")

    reply = await services.dispatcher.feed(text("金币"))

    assert "不在导购名单" in reply.content
