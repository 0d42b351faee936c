"""Real events move progress once, and the coins follow what the progress is worth."""

import asyncio
from datetime import date, datetime, timedelta

from rewards.models import CoinEntry
from tests.support.org import mark_left
from tests.support.tasks import SHANGHAI, task_in, today


async def test_new_fans_move_progress_and_the_target_pays_once_with_one_congratulation(
    publish, progress, ledger, notifier
):
    task = await publish(target=2)

    for fan_id in (1, 2, 2, 3):
        await progress.count_new_fan("zhangsan", fan_id, today())

    assert (await progress.assignment("zhangsan", task.id)).progress == 3
    assert await ledger.balance("zhangsan") == 50
    assert notifier.sent[f"task-done:{task.id}:zhangsan"] == ("zhangsan", "🎉 任务「五一吸粉冲刺」完成！获得 50 金币")


async def test_bonus_units_are_paid_as_they_come_up_to_the_cap(publish, progress, ledger):
    await publish(target=2, bonus_per_unit=5, bonus_cap=10)

    for fan_id in range(1, 7):
        await progress.count_new_fan("zhangsan", fan_id, today())

    assert await ledger.balance("zhangsan") == 60


async def test_a_fan_outside_the_window_does_not_count(publish, progress):
    task = await publish()

    await progress.count_new_fan("zhangsan", 1, today() - timedelta(days=5))

    assert (await progress.assignment("zhangsan", task.id)).progress == 0


async def test_a_fan_counts_only_in_tasks_that_count_fans(publish, progress):
    share = await publish("share_post")

    await progress.count_new_fan("zhangsan", 1, today())

    assert (await progress.assignment("zhangsan", share.id)).progress == 0


async def test_a_fan_lost_within_retention_takes_back_progress_and_coins_with_the_reason(publish, progress, ledger):
    task = await publish(target=1)
    await progress.count_new_fan("zhangsan", 7, today())

    await progress.uncount_lost_fan("zhangsan", 7, today(), today() + timedelta(days=2))

    assert (await progress.assignment("zhangsan", task.id)).progress == 0
    assert await ledger.balance("zhangsan") == 0
    reversal = await CoinEntry.filter(amount__lt=0).get()
    assert "删粉" in reversal.reason


async def test_a_fan_lost_after_retention_keeps_its_progress(publish, progress):
    task = await publish(target=1)
    await progress.count_new_fan("zhangsan", 7, today())

    await progress.uncount_lost_fan("zhangsan", 7, today() - timedelta(days=10), today())

    assert (await progress.assignment("zhangsan", task.id)).progress == 1


async def test_concurrent_events_for_one_guide_count_each_once(publish, progress, ledger):
    task = await publish(target=5, bonus_per_unit=1)

    await asyncio.gather(*(progress.count_new_fan("zhangsan", n % 8, today()) for n in range(40)))

    assignment = await progress.assignment("zhangsan", task.id)
    assert assignment.progress == 8
    assert await ledger.balance("zhangsan") == assignment.coins_paid == 53


async def test_a_share_confirmation_counts_once(publish, progress, ledger):
    task = await publish("share_post", target=1)

    await progress.confirm_done("zhangsan", task.id)
    await progress.confirm_done("zhangsan", task.id)

    assignment = await progress.assignment("zhangsan", task.id)
    assert (assignment.progress, assignment.shared_at is not None) == (1, True)
    assert await ledger.balance("zhangsan") == 50


async def test_a_share_confirmation_on_a_visitors_task_marks_it_shared_without_counting(publish, progress):
    task = await publish("share_post", metric="visitors", target=1)

    done = await progress.confirm_done("zhangsan", task.id)

    assert (done.counted, done.assignment.progress, done.assignment.shared_at is not None) == (False, 0, True)


async def test_the_done_button_of_a_kind_without_one_counts_nothing(publish, progress):
    task = await publish(target=1)

    assert await progress.confirm_done("zhangsan", task.id) is None
    assert (await progress.assignment("zhangsan", task.id)).progress == 0


async def test_a_cancelled_task_counts_nothing(publish, publishing, progress):
    task = await publish()
    await publishing.cancel(task.id)

    await progress.count_new_fan("zhangsan", 1, today())

    assert (await progress.assignment("zhangsan", task.id)).progress == 0


async def test_the_first_completed_task_earns_a_badge_once(publish, progress, badges, notifier):
    await publish(target=1)
    await publish(target=1, title="第二个任务")

    await progress.count_new_fan("zhangsan", 1, today())

    assert await badges.badges_of("zhangsan") == ["首战告捷：完成第一个任务"]
    assert "badge:zhangsan:first_task" in notifier.sent


async def test_open_assignments_are_the_published_tasks_open_today(publish, publishing, progress):
    open_task = await publish()
    last_week = today().date() - timedelta(days=7)
    await publish(title="上周的任务", start_date=last_week - timedelta(days=2), end_date=last_week)
    await publishing.create_draft(task_in(title="草稿"))

    assert [a.task_id for a in await progress.open_assignments("zhangsan")] == [open_task.id]


async def test_a_task_closes_at_midnight_in_shanghai_not_in_utc(publish, progress, clock):
    clock.set(datetime(2026, 5, 7, 23, 59, 30, tzinfo=SHANGHAI))  # 15:59:30 UTC
    task = await publish(start_date=date(2026, 5, 1), end_date=date(2026, 5, 7), target=5)
    listed_before = [a.task_id for a in await progress.open_assignments("zhangsan")]
    await progress.count_new_fan("zhangsan", 1, clock.now())

    clock.advance(minutes=1)  # 00:00:30 on 8 May in Shanghai, still 7 May in UTC
    listed_after = [a.task_id for a in await progress.open_assignments("zhangsan")]
    await progress.count_new_fan("zhangsan", 2, clock.now())

    assert (listed_before, listed_after) == ([task.id], [])
    assert (await progress.assignment("zhangsan", task.id)).progress == 1


async def test_seven_days_in_a_row_across_shanghai_midnights_earn_the_streak_badge(publish, progress, clock, notifier):
    clock.set(datetime(2026, 5, 1, 23, 50, tzinfo=SHANGHAI))
    await publish(start_date=date(2026, 5, 1), end_date=date(2026, 5, 31), target=100)

    for fan in range(7):
        await progress.count_new_fan("zhangsan", fan, clock.now())
        clock.advance(days=1)

    assert notifier.texts_to("zhangsan") == ["🏅 获得徽章「七日连击：连续 7 天推进任务」"]


async def test_a_guide_who_left_keeps_what_late_facts_earn_without_a_congratulation_or_badge_push(
    publish, progress, ledger, badges, notifier
):
    task = await publish(target=1)
    await mark_left("zhangsan")

    await progress.count_new_fan("zhangsan", 1, today())

    assert await ledger.balance("zhangsan") == 50
    assert await badges.badges_of("zhangsan") == ["首战告捷：完成第一个任务"]
    assert f"task-done:{task.id}:zhangsan" not in notifier.sent
    assert notifier.texts_to("zhangsan") == []
