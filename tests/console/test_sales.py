"""销售审核 in the console: HQ reviews every store's self-reported sales, a store manager only their own."""

from decimal import Decimal

import pytest

from org.models import Branch, OrgRole, Role
from staff.models import AuditEntry
from tasks.models import Sale, SaleReview
from tasks.schemas import SaleIn
from tests.support.console import post_form, sign_in_with_wecom
from tests.support.tasks import today

QUEUE = "/console/sales"


async def self_report(services, order_id: str, guide: str, store: str, amount: str = "1280", orders: int = 3) -> Sale:
    """A guide's 「业绩 3 1280」 that no task counts: it waits for review."""
    line = SaleIn(
        order_id=order_id, guide=guide, store=store, amount=Decimal(amount), orders=orders, channel="chat",
        sold_at=today(),
    )  # fmt: skip
    sale, _ = await services.sales.record(line, self_reported=True)
    return sale


@pytest.fixture
async def reports(services, org):
    """张三 (南京东路店) and 李四 (徐家汇店) each reported a sale."""
    return {
        "zhangsan": await self_report(services, "chat:1", "zhangsan", "SH01"),
        "lisi": await self_report(services, "chat:2", "lisi", "SH02", amount="99.5", orders=1),
    }


async def test_the_queue_shows_guide_store_amount_order_time_and_the_report(as_operator, reports):
    page = await (await as_operator.get(QUEUE)).text()

    for text in ("张三", "南京东路店", "¥1,280", "chat:1", "3 单", "企业微信聊天", "李四", "徐家汇店", "¥99.50"):
        assert text in page


async def test_hq_filters_the_queue_by_store(as_operator, reports):
    page = await (await as_operator.get(QUEUE, params={"store": "SH02"})).text()

    assert "李四" in page and "张三" not in page


async def test_confirming_marks_the_sale_confirmed_and_audits_the_review(as_operator, reports):
    sale = reports["zhangsan"]

    response = await post_form(as_operator, f"{QUEUE}/{sale.id}/confirm", {}, page=QUEUE)

    assert (await Sale.get(id=sale.id)).review is SaleReview.CONFIRMED
    entry = await AuditEntry.get()
    assert (entry.actor, entry.action, entry.target) == ("wecom:yunying", "确认自报业绩", f"{QUEUE}/{sale.id}")
    assert (entry.before, entry.after) == ({"review": "pending"}, {"review": "confirmed", "order_id": "chat:1"})
    page = await (await as_operator.get(response.headers["Location"])).text()
    assert "已确认订单 chat:1（¥1,280）" in page
    assert "已确认</span>" in page  # now among the recently reviewed


async def test_rejecting_then_confirming_says_it_was_decided_and_changes_nothing(as_operator, reports):
    sale = reports["zhangsan"]

    await post_form(as_operator, f"{QUEUE}/{sale.id}/reject", {}, page=QUEUE)
    again = await post_form(as_operator, f"{QUEUE}/{sale.id}/confirm", {}, page=QUEUE)

    assert (await Sale.get(id=sale.id)).review is SaleReview.REJECTED
    assert [e.action for e in await AuditEntry.all()] == ["驳回自报业绩"]
    page = await (await as_operator.get(again.headers["Location"])).text()
    assert "这笔业绩已是「已驳回」，不能再确认；未做任何更改" in page


async def test_a_store_manager_sees_and_confirms_only_their_stores_sales(as_store_manager, reports):
    page = await (await as_store_manager.get(QUEUE)).text()
    mine = await post_form(as_store_manager, f"{QUEUE}/{reports['zhangsan'].id}/confirm", {}, page=QUEUE)

    assert "张三" in page and "李四" not in page and "徐家汇店" not in page
    assert mine.status == 303
    assert (await Sale.get(id=reports["zhangsan"].id)).review is SaleReview.CONFIRMED


@pytest.mark.parametrize("decision", ["confirm", "reject"])
async def test_another_stores_sale_is_404_to_a_store_manager_and_unchanged(as_store_manager, reports, decision):
    other = reports["lisi"]

    response = await post_form(as_store_manager, f"{QUEUE}/{other.id}/{decision}", {}, page=QUEUE)

    assert response.status == 404
    assert (await Sale.get(id=other.id)).review is SaleReview.PENDING
    assert await AuditEntry.all().count() == 0


async def test_a_store_manager_filtering_by_another_store_gets_404(as_store_manager, reports):
    assert (await as_store_manager.get(QUEUE, params={"store": "SH02"})).status == 404


async def test_a_branch_lead_without_the_review_permission_gets_403(client, fake_wecom, org, reports):
    await OrgRole.create(userid="fenzong", role=Role.BRANCH_LEAD, branch=await Branch.get(code="SH"))
    await sign_in_with_wecom(client, fake_wecom, "fenzong")

    page = await client.get(QUEUE)
    decision = await post_form(client, f"{QUEUE}/{reports['zhangsan'].id}/confirm", {})

    assert (page.status, decision.status) == (403, 403)
    assert (await Sale.get(id=reports["zhangsan"].id)).review is SaleReview.PENDING


async def test_an_empty_queue_says_what_will_appear_here(as_operator):
    page = await (await as_operator.get(QUEUE)).text()

    assert "没有待审核的自报业绩" in page
