"""Sales lines are stored once by meaning and counted in open sales tasks; HQ reviews the self-reported ones."""

from decimal import Decimal

import pytest

from tasks.errors import InvalidSale, SaleConflict, SaleNotInReview
from tasks.models import SaleReview
from tasks.schemas import SaleIn
from tests.support.org import mark_left
from tests.support.tasks import today


def sale(order_id: str, amount: str, guide: str = "zhangsan", **extra) -> SaleIn:
    return SaleIn(order_id=order_id, guide=guide, store="SH01", amount=Decimal(amount), sold_at=today(), **extra)


async def test_a_sale_counts_by_amount_and_a_refund_takes_it_back(publish, sales, progress):
    task = await publish("sales_target", target=1000)

    _, counted = await sales.record(sale("O-1", "800.50"))
    await sales.record(sale("R-1", "-300", refund_of="O-1", orders=0))

    assert counted == [task.id]
    assert (await progress.assignment("zhangsan", task.id)).progress == 50_050


async def test_an_orders_task_counts_orders(publish, sales, progress):
    task = await publish("sales_target", metric="orders", target=2)

    await sales.record(sale("O-1", "800", orders=3))

    assert (await progress.assignment("zhangsan", task.id)).progress == 3


async def test_the_same_order_posted_again_counts_once(publish, sales, progress):
    task = await publish("sales_target", target=1000)

    line = sale("O-1", "1200")
    for _ in range(3):
        _, counted = await sales.record(line)

    assert counted == [task.id]
    assert (await progress.assignment("zhangsan", task.id)).progress == 120_000


async def test_an_order_id_reused_with_other_values_is_a_conflict(sales, org):
    await sales.record(sale("O-1", "1200"))

    with pytest.raises(SaleConflict) as error:
        await sales.record(sale("O-1", "999"))

    assert error.value.fields == ["order_id"]


async def test_a_refund_of_an_unknown_order_is_refused(sales, org):
    with pytest.raises(InvalidSale, match="unknown order"):
        await sales.record(sale("R-9", "-10", refund_of="O-404", orders=0))


async def test_a_sale_of_an_unknown_guide_is_refused_naming_the_guide(sales, org):
    with pytest.raises(InvalidSale) as error:
        await sales.record(sale("O-1", "10", guide="nobody"))

    assert error.value.fields == ["guide"]


async def test_self_reported_sales_count_only_where_hq_allows(publish, sales, progress):
    strict = await publish("sales_target", title="严格", target=10)
    lenient = await publish("sales_target", title="宽松", target=10, count_self_reported=True)

    _, counted = await sales.record(sale("chat:1", "50"), self_reported=True)

    assert counted == [lenient.id]
    assert (await progress.assignment("zhangsan", strict.id)).progress == 0


async def test_a_self_report_no_task_counts_waits_for_review(sales, org):
    recorded, counted = await sales.record(sale("chat:1", "50"), self_reported=True)

    assert (counted, recorded.review) == ([], SaleReview.PENDING)


async def test_a_confirmed_self_report_counts_once_and_the_guide_hears_it(publish, sales, progress, notifier):
    task = await publish("sales_target", target=1000)
    recorded, _ = await sales.record(sale("chat:1", "300", orders=2), self_reported=True)

    await sales.confirm(recorded.id)
    _, counted = await sales.confirm(recorded.id)

    assert counted == [task.id]
    assert (await progress.assignment("zhangsan", task.id)).progress == 30_000
    assert notifier.texts_to("zhangsan") == ["总部已确认你自报的业绩（2 单 ¥300），已计入任务进度。"]


async def test_a_rejected_self_report_cannot_be_confirmed(sales, org):
    recorded, _ = await sales.record(sale("chat:1", "300"), self_reported=True)
    await sales.reject(recorded.id)

    with pytest.raises(SaleNotInReview):
        await sales.confirm(recorded.id)


async def test_a_store_line_is_not_up_for_review(sales, org):
    recorded, _ = await sales.record(sale("POS-1", "300"))

    with pytest.raises(SaleNotInReview):
        await sales.reject(recorded.id)


async def test_a_self_report_confirmed_after_the_guide_left_counts_without_a_push(publish, sales, progress, notifier):
    task = await publish("sales_target", target=1000)
    recorded, _ = await sales.record(sale("chat:1", "300", orders=2), self_reported=True)
    await mark_left("zhangsan")

    await sales.confirm(recorded.id)

    assert (await progress.assignment("zhangsan", task.id)).progress == 30_000
    assert notifier.texts_to("zhangsan") == []
