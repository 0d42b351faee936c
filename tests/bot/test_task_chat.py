"""Guides working their tasks from WeCom: chat commands, card buttons, and fans from real callbacks."""

import pytest

from bot.events import parse_event
from rewards.models import CoinEntry, RewardItem
from tests.bot.test_webhook import post_callback
from tests.support.org import import_small_org
from tests.support.tasks import task_in, today
from tests.support.wecom import contact_xml, event_xml, text_xml


@pytest.fixture
async def org(services):
    await import_small_org()


async def say(services, content: str, guide: str = "zhangsan", msg_id: str = "M1"):
    event = parse_event(text_xml(guide, content, msg_id=msg_id, create_time=int(today().timestamp())))
    return (await services.dispatcher.feed(event, inbox_key=f"msg:{msg_id}")).content


async def tap(services, key: str, guide: str = "zhangsan", response_code: str = "RC1"):
    xml = event_xml(guide, "template_card_event", EventKey=key, TaskId="t", ResponseCode=response_code)
    return (await services.dispatcher.feed(parse_event(xml), inbox_key=f"card:{key}:{response_code}")).content


async def publish(services, kind="add_fans", **overrides):
    task = await services.publishing.create_draft(task_in(kind, **overrides))
    return await services.publishing.publish(task.id)


async def test_tasks_lists_open_tasks_with_progress(services, org):
    await publish(services, target=10)
    await services.progress.count_new_fan("zhangsan", 1, today())

    reply = await say(services, "任务")

    assert "五一吸粉冲刺｜吸粉 1/10" in reply


async def test_tasks_when_there_are_none(services, org):
    assert "没有进行中的任务" in await say(services, "tasks")


async def test_coins_shows_balance_and_latest_entries(services, org):
    await services.ledger.post("zhangsan", 50, "任务「五一吸粉冲刺」新增粉丝", source_type="task", source_id="1:1")

    reply = await say(services, "金币")

    assert reply.startswith("金币余额：50")
    assert "+50  任务「五一吸粉冲刺」新增粉丝" in reply


async def test_redeem_lists_the_catalog_then_redeems_by_number(services, org):
    item = await RewardItem.create(name="保温杯", price=40, stock=2)
    await services.ledger.post("zhangsan", 50, "奖励", source_type="test", source_id="1")

    catalog = await say(services, "兑换")
    done = await say(services, f"兑换 {item.id}", msg_id="M2")
    again = await say(services, f"兑换 {item.id}", msg_id="M2")

    assert f"{item.id}. 保温杯  40 金币" in catalog
    assert "兑换成功：「保温杯」-40 金币，余额 10" in done
    assert again == done
    assert await CoinEntry.filter(source_type="redemption").count() == 1


async def test_redeeming_without_enough_coins_says_so_and_takes_nothing(services, org):
    item = await RewardItem.create(name="蓝牙耳机", price=900, stock=2)

    reply = await say(services, f"redeem {item.id}")

    assert reply == "金币不够：需要 900，你有 0。"
    assert await CoinEntry.all().count() == 0


async def test_a_chat_sales_report_is_recorded_as_self_reported(services, org):
    task = await publish(services, "sales_target", target=1000, count_self_reported=True)

    reply = await say(services, "业绩 3 1280")

    assert reply == "已记录 3 单 ¥1,280.00。已计入任务进度。"
    assert (await services.progress.assignment("zhangsan", task.id)).progress == 128_000


async def test_a_malformed_sales_report_gets_the_usage(services, org):
    assert "业绩 3 1280" in await say(services, "业绩 很多")


async def test_badges_before_and_after_the_first_task(services, org):
    assert "首战告捷" in await say(services, "徽章")
    await publish(services, target=1)
    await services.progress.count_new_fan("zhangsan", 1, today())

    assert await say(services, "badges", msg_id="M2") == "我的徽章：\n🏅 首战告捷：完成第一个任务"


async def test_help_lists_every_guide_command(services, org):
    reply = await say(services, "帮助")

    for command in ("任务 / tasks", "业绩 / sales", "金币 / coins", "兑换 / redeem", "徽章 / badges"):
        assert command in reply
    assert len(reply.splitlines()) <= 12  # one phone screen: a line of greeting and ten or so commands


async def test_the_shared_button_counts_the_share_and_finishes_the_card(services, org, fake_wecom):
    task = await publish(services, "share_post", target=1)

    reply = await tap(services, f"done:{task.id}")
    await services.outbox.drain()

    assert "转发 1/1✅ · 访客 0" in reply
    [update] = fake_wecom.calls_to("message/update_template_card")
    assert update.json["response_code"] == "RC1"
    assert update.json["button"]["replace_name"] == "已完成 ✓"


async def test_the_go_button_gives_the_material_and_a_tracked_link(services, org):
    task = await publish(services, "share_post")

    reply = await tap(services, f"go:{task.id}")

    assert "新品上市，到店有礼" in reply
    assert "http://127.0.0.1:8080/s/" in reply  # PUBLIC_URL unset: http://HOST:PORT


async def test_a_button_on_a_closed_task_is_answered_politely_without_progress(services, org):
    task = await publish(services, "share_post")
    await services.publishing.cancel(task.id)

    reply = await tap(services, f"done:{task.id}")

    assert "已结束" in reply
    assert (await services.progress.assignment("zhangsan", task.id)).progress == 0


async def test_new_friends_from_callbacks_fill_an_add_fans_task_and_a_lost_one_takes_coins_back(
    client, services, org, fake_wecom
):
    task = await publish(services, target=2)
    now = int(today().timestamp())
    for n, customer in enumerate(("wmA", "wmB", "wmA")):
        xml = contact_xml("add_external_contact", "zhangsan" if n < 2 else "lisi", customer, create_time=now + n)
        await post_callback(client, xml)
        await services.inbox.drain()

    assert (await services.progress.assignment("zhangsan", task.id)).progress == 2
    assert (await services.progress.assignment("lisi", task.id)).progress == 0
    assert await services.ledger.balance("zhangsan") == 50

    await post_callback(client, contact_xml("del_follow_user", "zhangsan", "wmB", create_time=now + 60))
    await services.inbox.drain()

    assert (await services.progress.assignment("zhangsan", task.id)).progress == 1
    assert await services.ledger.balance("zhangsan") == 0
    assert "删粉" in (await CoinEntry.filter(amount__lt=0).get()).reason
