"""The router: registration order, sub-routers, filters, injection by name, errors, middlewares."""

import pytest

from bot.dispatcher import UNHANDLED, Dispatcher, Router
from bot.events import parse_event
from bot.filters import ChangeType, Command, ExceptionType
from bot.replies import Reply
from tests.support.wecom import contact_xml, text_xml


def text(content: str):
    return parse_event(text_xml("zhangsan", content))


async def test_the_first_handler_whose_filters_pass_wins():
    dp = Dispatcher()

    @dp.text(Command("金币"))
    async def coins(msg):
        return "coins"

    @dp.text()
    async def anything(msg):
        return "anything"

    assert await dp.feed(text("金币")) == "coins"
    assert await dp.feed(text("你好")) == "anything"


async def test_sub_routers_are_tried_in_the_order_they_were_included():
    dp, first, second = Dispatcher(), Router("first"), Router("second")

    @first.text(Command("任务"))
    async def from_first(msg):
        return "first"

    @second.text()
    async def from_second(msg):
        return "second"

    dp.include_router(first)
    dp.include_router(second)

    assert await dp.feed(text("任务")) == "first"
    assert await dp.feed(text("别的")) == "second"


async def test_a_handler_gets_only_the_parameters_it_declares():
    dp = Dispatcher(ledger="the ledger", unused="never passed")
    seen = {}

    @dp.text(Command("兑换"))
    async def redeem(msg, ledger, args):
        seen.update(ledger=ledger, args=args)

    await dp.feed(text("兑换  2"))

    assert seen == {"ledger": "the ledger", "args": "2"}


async def test_commands_match_english_aliases_without_case():
    dp = Dispatcher()

    @dp.text(Command("帮助", "help"))
    async def show_help(msg):
        return "help"

    assert await dp.feed(text("HELP")) == "help"
    assert await dp.feed(text("helpme")) is UNHANDLED


async def test_events_route_by_name_and_change_type():
    dp = Dispatcher()

    @dp.event("change_external_contact", ChangeType("del_follow_user"))
    async def lost(event):
        return "lost"

    assert await dp.feed(parse_event(contact_xml("del_follow_user", "zhangsan", "wm1"))) == "lost"
    assert await dp.feed(parse_event(contact_xml("edit_external_contact", "zhangsan", "wm1"))) is UNHANDLED


async def test_an_exception_goes_to_the_errors_handler_which_may_reply():
    dp = Dispatcher()

    @dp.text()
    async def broken(msg):
        raise KeyError("boom")

    @dp.errors(ExceptionType(KeyError))
    async def apologise(event, exception):
        return Reply.text(f"sorry: {type(exception).__name__}")

    assert await dp.feed(text("x")) == Reply.text("sorry: KeyError")


async def test_an_exception_nobody_handles_is_raised():
    dp = Dispatcher()

    @dp.text()
    async def broken(msg):
        raise KeyError("boom")

    with pytest.raises(KeyError):
        await dp.feed(text("x"))


async def test_outer_middlewares_run_in_order_and_can_add_data():
    dp = Dispatcher()
    order = []

    async def first(handler, event, data):
        order.append("first")
        data["guide"] = "zhangsan"
        return await handler(event, data)

    async def second(handler, event, data):
        order.append("second")
        return await handler(event, data)

    dp.outer_middleware(first)
    dp.outer_middleware(second)

    @dp.text()
    async def who(msg, guide):
        return guide

    assert await dp.feed(text("x")) == "zhangsan"
    assert order == ["first", "second"]


async def test_commands_lists_every_command_with_its_docstring():
    dp, sub = Dispatcher(), Router("sub")

    @sub.text(Command("金币", "coins"))
    async def show_coins(msg):
        """查金币余额"""

    dp.include_router(sub)

    assert list(dp.commands()) == [(("金币", "coins"), "查金币余额")]
