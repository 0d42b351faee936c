"""The push budget on the outbox: quiet hours defer and merge, caps hold under a burst, urgent goes at once."""

import asyncio

from bot.models import OutboxMessage, OutboxStatus
from bot.replies import Reply
from pushes.log import push_history
from pushes.models import DeferredPush
from tests.pushes.conftest import shanghai


def text(content: str) -> dict:
    return Reply.text(content).message_body()


def contents(fake_wecom, userid: str) -> list[str]:
    return [message["text"]["content"] for message in fake_wecom.messages_to(userid) if message["msgtype"] == "text"]


async def test_a_push_in_the_quiet_hours_is_not_sent_but_waits(outbox, fake_wecom, clock):
    clock.set(shanghai(7, 23))

    await outbox.enqueue_message("task-reminder:1:2h:zhangsan", ["zhangsan"], text("任务还差 2 位"))
    await outbox.drain()

    assert fake_wecom.messages_to("zhangsan") == []
    assert (await OutboxMessage.get(key="task-reminder:1:2h:zhangsan")).status is OutboxStatus.HELD


async def test_the_push_log_says_why_it_waits_and_until_when(outbox, clock):
    clock.set(shanghai(7, 23))

    await outbox.enqueue_message("digest:1:zhangsan", ["zhangsan"], text("早安"))
    await outbox.drain()

    history = await push_history("zhangsan", clock.now(), 10)
    assert [(entry.outcome, entry.reason) for entry in history.entries] == [("deferred", "quiet-hours")]
    assert "12-08 08:00" in history.entries[0].detail
    assert [push.release_at for push in history.waiting] == [shanghai(8, 8)]


async def test_nothing_is_released_before_the_quiet_hours_end(outbox, fake_wecom, clock, release):
    clock.set(shanghai(7, 23))
    await outbox.enqueue_message("digest:1:zhangsan", ["zhangsan"], text("早安"))
    await outbox.drain()

    clock.set(shanghai(8, 7, 59))
    await release()

    assert fake_wecom.messages_to("zhangsan") == []


async def test_what_waited_overnight_arrives_at_eight_as_one_message(outbox, fake_wecom, clock, release):
    clock.set(shanghai(7, 22, 30))
    # one at a time: the outbox sends a batch concurrently, and the merge keeps the order they were held in
    for key, words in (
        ("task-reminder:1:2h:zhangsan", "任务「拉新」还差 2 位"),
        ("contest-result:3:zhangsan", "PK 战报：你的战队第 1"),
        ("badge:9:zhangsan", "获得徽章「首战告捷」"),
    ):
        await outbox.enqueue_message(key, ["zhangsan"], text(words))
        await outbox.drain()

    clock.set(shanghai(8, 8, 0))
    released = await release()

    assert (released.messages, released.pushes) == (1, 3)
    [merged] = contents(fake_wecom, "zhangsan")
    assert merged.startswith("📬 为你合并了 3 条消息")
    assert merged.index("还差 2 位") < merged.index("PK 战报") < merged.index("首战告捷")


async def test_a_lone_waiting_push_is_sent_as_it_was(outbox, fake_wecom, clock, release):
    clock.set(shanghai(7, 23))
    await outbox.enqueue_message("digest:1:zhangsan", ["zhangsan"], text("早安，今天有 2 个任务"))
    await outbox.drain()

    clock.set(shanghai(8, 8))
    await release()

    assert contents(fake_wecom, "zhangsan") == ["早安，今天有 2 个任务"]


async def test_a_waiting_task_card_is_resent_with_a_task_id_of_its_own(outbox, fake_wecom, clock, release):
    card = {"msgtype": "template_card", "template_card": {"card_type": "button_interaction", "task_id": "task7-0"}}
    clock.set(shanghai(7, 23))
    await outbox.enqueue_message("task-card:7:0", ["zhangsan", "lisi"], card)
    await outbox.drain()

    clock.set(shanghai(8, 8))
    await release()

    task_ids = {m["template_card"]["task_id"] for user in ("zhangsan", "lisi") for m in fake_wecom.messages_to(user)}
    assert len(task_ids) == 2 and "task7-0" not in task_ids


async def test_an_urgent_push_goes_at_once_in_the_night(outbox, fake_wecom, clock):
    clock.set(shanghai(7, 23))

    await outbox.enqueue_message("invite-by-hand:1", ["zhangsan"], text("请手动转发"), urgent=True)
    await outbox.drain()

    assert contents(fake_wecom, "zhangsan") == ["请手动转发"]


async def test_an_answer_to_what_the_guide_just_wrote_goes_at_once_in_the_night(outbox, fake_wecom, clock):
    clock.set(shanghai(7, 23))

    await outbox.enqueue_message("reply:1", ["zhangsan"], text("你有 120 金币"), answer=True)
    await outbox.drain()

    assert contents(fake_wecom, "zhangsan") == ["你有 120 金币"]


async def test_a_burst_of_100_reminders_reaches_a_guide_as_at_most_4_messages_an_hour(outbox, fake_wecom, clock):
    for n in range(100):
        await outbox.enqueue_message(f"task-reminder:{n}:2h:zhangsan", ["zhangsan"], text(f"提醒 {n}"))

    await outbox.drain()

    assert len(fake_wecom.messages_to("zhangsan")) == 4
    assert await DeferredPush.filter(userid="zhangsan").count() == 96


async def test_over_a_day_the_burst_keeps_to_12_messages_and_loses_none(outbox, fake_wecom, clock, release):
    for n in range(100):
        await outbox.enqueue_message(f"task-reminder:{n}:2h:zhangsan", ["zhangsan"], text(f"提醒 {n}"))
    await outbox.drain()

    for hour in range(11, 24):
        clock.set(shanghai(7, hour))
        await release()

    delivered = "\n".join(contents(fake_wecom, "zhangsan"))
    assert len(fake_wecom.messages_to("zhangsan")) <= 12
    assert all(f"提醒 {n}" in delivered for n in range(100))


async def test_the_caps_of_one_guide_do_not_hold_another(outbox, fake_wecom):
    for n in range(6):
        await outbox.enqueue_message(f"task-reminder:{n}:2h:zhangsan", ["zhangsan"], text(f"提醒 {n}"))
    await outbox.enqueue_message("digest:1:lisi", ["lisi"], text("早安"))

    await outbox.drain()

    assert contents(fake_wecom, "lisi") == ["早安"]


async def test_a_send_retried_after_an_error_takes_one_push_from_the_cap(outbox, fake_wecom, redis, clock):
    fake_wecom.fail_next("message/send", errcode=-1, times=2)  # both of the client's own attempts
    await outbox.enqueue_message("digest:1:zhangsan", ["zhangsan"], text("早安"))
    await outbox.drain()

    clock.advance(minutes=1)
    await outbox.drain()

    assert (await OutboxMessage.get(key="digest:1:zhangsan")).status is OutboxStatus.SENT
    assert len(fake_wecom.messages_to("zhangsan")) == 3
    assert await redis.scard("push:d:zhangsan:20261207") == 1


async def test_one_row_to_many_sends_to_those_who_may_and_holds_the_muted(outbox, budget, fake_wecom):
    await budget.mute("lisi")

    await outbox.enqueue_message("task-card-text:5", ["zhangsan", "lisi", "wangwu"], text("新任务"))
    await outbox.drain()

    assert [bool(fake_wecom.messages_to(u)) for u in ("zhangsan", "lisi", "wangwu")] == [True, False, True]


async def test_a_muted_guide_gets_what_waited_after_saying_resume(outbox, budget, fake_wecom, release):
    await budget.mute("zhangsan")
    await outbox.enqueue_message("digest:1:zhangsan", ["zhangsan"], text("早安"))
    await outbox.drain()

    await budget.unmute("zhangsan")
    await release()

    assert contents(fake_wecom, "zhangsan") == ["早安"]


async def test_a_mute_ends_by_itself_after_a_day(outbox, budget, fake_wecom, clock, release):
    await budget.mute("zhangsan")
    await outbox.enqueue_message("digest:1:zhangsan", ["zhangsan"], text("早安"))
    await outbox.drain()

    clock.set(shanghai(8, 9, 59))
    await release()
    assert contents(fake_wecom, "zhangsan") == []

    clock.set(shanghai(8, 10, 1))
    await release()
    assert contents(fake_wecom, "zhangsan") == ["早安"]


async def test_two_processes_releasing_at_once_send_one_message(outbox, budget, fake_wecom, clock):
    clock.set(shanghai(7, 23))
    for n in range(3):
        await outbox.enqueue_message(f"digest:{n}:zhangsan", ["zhangsan"], text(f"消息 {n}"))
    await outbox.drain()
    clock.set(shanghai(8, 8))

    await asyncio.gather(budget.release_due(outbox), budget.release_due(outbox))
    await outbox.drain()

    assert len(fake_wecom.messages_to("zhangsan")) == 1


async def test_a_muted_guide_s_push_in_the_night_waits_for_the_mute_not_the_morning(outbox, budget, clock):
    clock.set(shanghai(7, 23))
    await budget.mute("zhangsan")

    await outbox.enqueue_message("digest:1:zhangsan", ["zhangsan"], text("早安"))
    await outbox.drain()

    [waiting] = (await push_history("zhangsan", clock.now(), 10)).waiting
    assert (waiting.reason, waiting.release_at) == ("muted", shanghai(9, 8))  # the mute ends at 23:00, in the night
