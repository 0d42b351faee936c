"""Tasks end to end at the service level: publish, count real events once, pay and take back coins."""

import asyncio
from datetime import timedelta
from decimal import Decimal

import pytest

from bot.models import OutboxMessage
from org.schemas import OrgImport
from rewards.models import CoinEntry
from tasks.models import TaskAssignment
from tasks.schemas import SaleIn
from tasks.service import TaskError
from tests.support.org import import_small_org
from tests.support.tasks import task_in, today


@pytest.fixture
async def tasks(services):
    await import_small_org()
    return services.tasks


async def published(tasks, kind="add_fans", **overrides):
    task = await tasks.create_draft(task_in(kind, **overrides))
    return await tasks.publish(task.id)


def sale(order_id: str, amount: str, guide: str = "zhangsan", **extra) -> SaleIn:
    return SaleIn(order_id=order_id, guide=guide, store="SH01", amount=Decimal(amount), sold_at=today(), **extra)


async def test_publishing_assigns_the_audience_and_queues_one_card_message(tasks):
    task = await published(tasks)

    assert sorted(await TaskAssignment.filter(task_id=task.id).values_list("guide_userid", flat=True)) == [
        "lisi",
        "zhangsan",
    ]
    [card] = await OutboxMessage.filter(key__startswith=f"task-card:{task.id}")
    assert card.payload["body"]["msgtype"] == "template_card"
    assert sorted(card.payload["touser"]) == ["lisi", "zhangsan"]


async def test_publishing_twice_pushes_once(tasks):
    task = await published(tasks)

    await tasks.publish(task.id)

    assert await OutboxMessage.filter(key__startswith="task-card:").count() == 1
    assert await TaskAssignment.filter(task_id=task.id).count() == 2


async def test_an_audience_with_an_unknown_store_is_refused_naming_it(tasks):
    with pytest.raises(TaskError) as error:
        await tasks.create_draft(task_in(audience={"stores": ["SH01", "NOPE"]}))

    assert error.value.fields == ["audience.stores"]


async def test_new_fans_move_progress_and_the_target_pays_once_with_one_congratulation(tasks, services):
    task = await published(tasks, target=2)

    for fan_id in (1, 2, 2, 3):
        await tasks.count_new_fan("zhangsan", fan_id, today())

    assignment = await tasks.assignment("zhangsan", task.id)
    assert assignment.progress == 3
    assert await services.ledger.balance("zhangsan") == 50
    assert await OutboxMessage.filter(key=f"task-done:{task.id}:zhangsan").count() == 1


async def test_bonus_units_are_paid_as_they_come_up_to_the_cap(tasks, services):
    await published(tasks, target=2, bonus_per_unit=5, bonus_cap=10)

    for fan_id in range(1, 7):
        await tasks.count_new_fan("zhangsan", fan_id, today())

    assert await services.ledger.balance("zhangsan") == 60


async def test_a_fan_outside_the_window_does_not_count(tasks):
    task = await published(tasks)

    await tasks.count_new_fan("zhangsan", 1, today() - timedelta(days=5))

    assert (await tasks.assignment("zhangsan", task.id)).progress == 0


async def test_a_fan_lost_within_retention_takes_back_progress_and_coins_with_the_reason(tasks, services):
    task = await published(tasks, target=1)
    await tasks.count_new_fan("zhangsan", 7, today())

    await tasks.uncount_lost_fan("zhangsan", 7, today(), today() + timedelta(days=2))

    assert (await tasks.assignment("zhangsan", task.id)).progress == 0
    assert await services.ledger.balance("zhangsan") == 0
    reversal = await CoinEntry.filter(amount__lt=0).get()
    assert "删粉" in reversal.reason


async def test_a_fan_lost_after_retention_keeps_its_progress(tasks):
    task = await published(tasks, target=1)
    await tasks.count_new_fan("zhangsan", 7, today())

    await tasks.uncount_lost_fan("zhangsan", 7, today() - timedelta(days=10), today())

    assert (await tasks.assignment("zhangsan", task.id)).progress == 1


async def test_concurrent_events_for_one_guide_count_each_once(tasks, services):
    task = await published(tasks, target=5, bonus_per_unit=1)

    await asyncio.gather(*(tasks.count_new_fan("zhangsan", n % 8, today()) for n in range(40)))

    assignment = await tasks.assignment("zhangsan", task.id)
    assert assignment.progress == 8
    assert await services.ledger.balance("zhangsan") == assignment.coins_paid == 53


async def test_a_share_confirmation_counts_once(tasks, services):
    task = await published(tasks, "share_post", target=1)

    await tasks.confirm_share("zhangsan", task.id)
    await tasks.confirm_share("zhangsan", task.id)

    assignment = await tasks.assignment("zhangsan", task.id)
    assert (assignment.progress, assignment.shared_at is not None) == (1, True)
    assert await services.ledger.balance("zhangsan") == 50


async def test_unique_visitors_per_day_count_for_a_visitors_task(tasks):
    task = await published(tasks, "share_post", metric="visitors", target=2)
    code = await tasks.share_link_code("zhangsan", task.id)

    for visitor in ("a", "a", "b", "c"):
        assert await tasks.record_visit(code, visitor, today()) == "https://shop.example.com/new"

    assignment = await tasks.assignment("zhangsan", task.id)
    assert (assignment.visitors, assignment.progress) == (3, 3)


async def test_a_sale_counts_by_amount_and_a_refund_takes_it_back(tasks):
    task = await published(tasks, "sales_target", target=1000)

    _, counted = await tasks.record_sale(sale("O-1", "800.50"))
    await tasks.record_sale(sale("R-1", "-300", refund_of="O-1", orders=0))

    assert counted == [task.id]
    assert (await tasks.assignment("zhangsan", task.id)).progress == 50_050


async def test_the_same_order_posted_again_counts_once(tasks):
    task = await published(tasks, "sales_target", target=1000)

    line = sale("O-1", "1200")
    for _ in range(3):
        _, counted = await tasks.record_sale(line)

    assert counted == [task.id]
    assert (await tasks.assignment("zhangsan", task.id)).progress == 120_000


async def test_an_order_id_reused_with_other_values_is_a_conflict(tasks):
    await tasks.record_sale(sale("O-1", "1200"))

    with pytest.raises(TaskError) as error:
        await tasks.record_sale(sale("O-1", "999"))

    assert error.value.status == 409


async def test_a_refund_of_an_unknown_order_is_refused(tasks):
    with pytest.raises(TaskError, match="unknown order"):
        await tasks.record_sale(sale("R-9", "-10", refund_of="O-404", orders=0))


async def test_self_reported_sales_count_only_where_hq_allows(tasks):
    strict = await published(tasks, "sales_target", title="严格", target=10)
    lenient = await published(tasks, "sales_target", title="宽松", target=10, count_self_reported=True)

    _, counted = await tasks.record_sale(sale("chat:1", "50"), self_reported=True)

    assert counted == [lenient.id]
    assert (await tasks.assignment("zhangsan", strict.id)).progress == 0


async def test_a_cancelled_task_counts_nothing(tasks):
    task = await published(tasks)
    await tasks.cancel(task.id)

    await tasks.count_new_fan("zhangsan", 1, today())

    assert (await tasks.assignment("zhangsan", task.id)).progress == 0


async def test_hq_sees_completion_counts_and_rollups(tasks):
    task = await published(tasks, target=1)
    await tasks.count_new_fan("zhangsan", 1, today())

    summary = await tasks.summary(task)
    by_store = await tasks.rollup(task.id, "store")

    assert (summary.assigned, summary.completed, summary.completion_rate) == (2, 1, 0.5)
    assert [(r.code, r.completed, r.assigned) for r in by_store] == [("SH01", 1, 1), ("SH02", 0, 1)]


async def test_the_first_completed_task_earns_a_badge_once(tasks, services):
    await published(tasks, target=1)
    await published(tasks, target=1, title="第二个任务")

    await tasks.count_new_fan("zhangsan", 1, today())

    assert await services.badges.badges_of("zhangsan") == ["首战告捷：完成第一个任务"]
    assert await OutboxMessage.filter(key="badge:zhangsan:first_task").count() == 1


async def test_an_audience_without_guides_is_refused(tasks, services):
    await services.org.import_org(OrgImport(stores=[{"code": "SH09", "name": "空店", "branch": "SH"}]))

    with pytest.raises(TaskError) as error:
        await tasks.create_draft(task_in(audience={"stores": ["SH09"]}))

    assert error.value.fields == ["audience"]
