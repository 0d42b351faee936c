"""Task reminders: 24 h and 2 h before a task ends (or its own hours), once, to the guides not done, never late."""

from datetime import datetime, timedelta

from tasks.models import Task, TaskStatus
from tests.digests.conftest import may, set_progress
from tests.support.contests import at
from tests.support.org import mark_left

EVERY_15_MIN = timedelta(minutes=15)


async def run_every_15_min(reminders, clock, first: datetime, last: datetime) -> None:
    """The job's slots from `first` to `last`, each run a few seconds after its time."""
    slot = first
    while slot <= last:
        clock.set(slot + timedelta(seconds=5))
        await reminders.send(slot)
        slot += EVERY_15_MIN


async def test_a_guide_not_done_is_reminded_24_and_2_hours_before_the_end_once_each(publish, reminders, notices, clock):
    task = await publish()  # 1–3 May: it ends at midnight after 3 May
    await set_progress(task, zhangsan=3, lisi=10, zhaoliu=12)

    await run_every_15_min(reminders, clock, at(may(2), 12), at(may(4), 1))

    assert sorted(notices.sent) == [
        f"task-reminder:{task.id}:24h:wangwu", f"task-reminder:{task.id}:24h:zhangsan",
        f"task-reminder:{task.id}:2h:wangwu", f"task-reminder:{task.id}:2h:zhangsan",
    ]  # fmt: skip
    assert notices.texts_to("zhangsan") == [
        "⏰ 还有 24 小时截止：吸粉任务「五一拉新」 3/10，差 7 位粉丝，加油！",
        "⏰ 还有 2 小时截止：吸粉任务「五一拉新」 3/10，差 7 位粉丝，加油！",
    ]


async def test_the_reminder_goes_with_the_first_slot_at_its_moment_with_the_progress_of_then(
    publish, reminders, notices, clock
):
    task = await publish()
    await run_every_15_min(reminders, clock, at(may(2), 23, 45), at(may(2), 23, 45))
    before = dict(notices.sent)
    await run_every_15_min(reminders, clock, at(may(3), 0), at(may(3), 0))
    await set_progress(task, zhangsan=8)
    await run_every_15_min(reminders, clock, at(may(3), 22), at(may(3), 22))

    assert before == {}
    assert notices.sent[f"task-reminder:{task.id}:2h:zhangsan"][1].endswith("8/10，差 2 位粉丝，加油！")


async def test_a_task_with_its_own_hours_is_reminded_at_those_and_no_others(publish, reminders, notices, clock):
    own = await publish(title="五一转发", reminder_hours=[48, 6])
    await publish(title="不提醒", reminder_hours=[])

    await run_every_15_min(reminders, clock, at(may(1), 0), at(may(4), 1))

    assert sorted({key.rsplit(":", 1)[0] for key in notices.sent}) == [
        f"task-reminder:{own.id}:48h",
        f"task-reminder:{own.id}:6h",
    ]
    assert len(notices.sent) == 8


async def test_guides_who_completed_the_task_are_not_reminded(publish, reminders, notices, clock):
    task = await publish()
    await set_progress(task, zhangsan=10, lisi=10, wangwu=10, zhaoliu=10)

    await run_every_15_min(reminders, clock, at(may(2), 12), at(may(4), 1))

    assert notices.sent == {}


async def test_a_reminder_past_its_moment_by_more_than_the_grace_is_not_sent_late(publish, reminders, notices, clock):
    await publish()
    clock.set(at(may(3), 22, 45))  # the service was down from 21:50: the 2 h reminder was due at 22:00

    await reminders.send(at(may(3), 22, 45))

    assert notices.sent == {}


async def test_a_run_late_within_the_grace_still_sends(publish, reminders, notices, clock):
    await publish()
    clock.set(at(may(3), 22, 25))

    await reminders.send(at(may(3), 22, 15))

    assert len(notices.sent) == 4


async def test_a_task_published_after_a_reminders_moment_skips_that_reminder(publish, reminders, notices, clock):
    clock.set(at(may(1), 10))
    task = await publish(start_date=may(1), end_date=may(1))  # its 24 h moment was 1 May 00:00

    await run_every_15_min(reminders, clock, at(may(1), 10), at(may(2), 1))

    assert sorted({key.rsplit(":", 1)[0] for key in notices.sent}) == [f"task-reminder:{task.id}:2h"]


async def test_a_cancelled_task_reminds_nobody(publish, reminders, notices, clock):
    task = await publish()
    await Task.filter(id=task.id).update(status=TaskStatus.CANCELLED)

    await run_every_15_min(reminders, clock, at(may(2), 23, 45), at(may(3), 0, 15))

    assert notices.sent == {}


async def test_a_guide_who_left_after_the_task_was_published_is_not_reminded(publish, reminders, notices, clock):
    task = await publish()
    await mark_left("zhangsan")

    await run_every_15_min(reminders, clock, at(may(3), 0), at(may(3), 0))

    assert f"task-reminder:{task.id}:24h:lisi" in notices.sent
    assert notices.texts_to("zhangsan") == []
