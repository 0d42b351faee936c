"""兑换订单 in the console: HQ ships, delivers or cancels with a refund, through the shop's own moves."""

import pytest

from rewards.models import Redemption, RedemptionStatus, RewardItem
from staff.models import AuditEntry
from tests.support.console import post_form

QUEUE = "/console/shop/redemptions"


@pytest.fixture
async def cup_for_zhangsan(services, org):
    """张三 (南京东路店) redeemed a 保温杯 for 300 coins and has 200 left."""
    item = await RewardItem.create(name="保温杯", price=300, stock=5)
    await services.ledger.post("zhangsan", 500, "任务奖励", source_type="test", source_id="1")
    return await services.shop.redeem("zhangsan", item.id, "redeem-1")


async def test_the_queue_shows_guide_store_gift_price_and_status(as_operator, cup_for_zhangsan):
    page = await (await as_operator.get(QUEUE)).text()

    for text in ("张三", "南京东路店", "保温杯", "300 金币", "待发货", "发货", "取消并退还金币"):
        assert text in page


async def test_the_queue_filters_by_status_store_and_guide(as_operator, services, cup_for_zhangsan):
    await services.ledger.post("lisi", 500, "任务奖励", source_type="test", source_id="2")
    await services.shop.redeem("lisi", cup_for_zhangsan.item_id, "redeem-2")

    by_store = await (await as_operator.get(QUEUE, params={"store": "SH02"})).text()
    by_name = await (await as_operator.get(QUEUE, params={"q": "张"})).text()
    shipped = await (await as_operator.get(QUEUE, params={"status": "shipped"})).text()

    assert "李四" in by_store and "张三" not in by_store
    assert "张三" in by_name and "李四" not in by_name
    assert "没有符合条件的兑换订单" in shipped


async def test_an_unknown_status_is_a_400_page(as_operator):
    response = await as_operator.get(QUEUE, params={"status": "lost"})

    assert response.status == 400
    assert "没有这种订单状态" in await response.text()


async def test_shipping_moves_the_order_and_audits_the_status_before_and_after(as_operator, cup_for_zhangsan):
    response = await post_form(
        as_operator, f"{QUEUE}/{cup_for_zhangsan.id}/ship", {"back": "status=pending"}, page=QUEUE
    )

    assert response.headers["Location"] == f"{QUEUE}?status=pending"
    assert (await Redemption.get(id=cup_for_zhangsan.id)).status is RedemptionStatus.SHIPPED
    entry = await AuditEntry.get()
    assert (entry.action, entry.before, entry.after) == ("兑换订单发货", {"status": "pending"}, {"status": "shipped"})


async def test_cancelling_refunds_the_coins_once(as_operator, services, cup_for_zhangsan):
    await post_form(as_operator, f"{QUEUE}/{cup_for_zhangsan.id}/cancel", {}, page=QUEUE)
    again = await post_form(as_operator, f"{QUEUE}/{cup_for_zhangsan.id}/cancel", {}, page=QUEUE)

    assert await services.ledger.balance("zhangsan") == 500
    assert (await RewardItem.get(id=cup_for_zhangsan.item_id)).stock == 5
    assert [e.after for e in await AuditEntry.all()] == [{"status": "cancelled", "refunded_coins": 300}]
    page = await (await as_operator.get(again.headers["Location"])).text()
    assert f"订单 #{cup_for_zhangsan.id} 当前「已取消」，不能取消并退还金币；未做任何更改" in page


async def test_a_move_the_status_does_not_allow_says_so_and_changes_nothing(as_operator, cup_for_zhangsan):
    response = await post_form(as_operator, f"{QUEUE}/{cup_for_zhangsan.id}/deliver", {}, page=QUEUE)

    page = await (await as_operator.get(response.headers["Location"])).text()
    assert "当前「待发货」，不能标记已送达" in page
    assert (await Redemption.get(id=cup_for_zhangsan.id)).status is RedemptionStatus.PENDING
    assert await AuditEntry.all().count() == 0


async def test_an_unknown_order_or_action_is_404(as_operator, cup_for_zhangsan):
    unknown = await post_form(as_operator, f"{QUEUE}/999/ship", {}, page=QUEUE)
    bad_action = await post_form(as_operator, f"{QUEUE}/{cup_for_zhangsan.id}/refund", {}, page=QUEUE)

    assert (unknown.status, bad_action.status) == (404, 404)


async def test_the_csv_export_has_a_bom_and_a_chinese_header(as_operator, cup_for_zhangsan):
    response = await as_operator.get(QUEUE, params={"format": "csv", "status": "pending"})

    body = await response.read()
    assert response.content_type == "text/csv"
    assert body.startswith("\ufeff订单号,导购,导购账号,门店,礼品,价格（金币）,状态".encode())
    assert f"{cup_for_zhangsan.id},张三,zhangsan,南京东路店,保温杯,300,待发货".encode() in body
