"""积分商城 in the console: HQ adds and changes gifts, checked exactly as the HQ API checks them."""

from datetime import UTC, datetime

import pytest

from rewards.models import RewardItem
from staff.models import AuditEntry
from tests.support.console import post_form

GIFT = {"name": "保温杯", "picture_url": "https://img.example.com/cup.png", "price": "300", "stock": "20"}


async def test_the_shop_lists_each_gift_with_its_picture_price_stock_and_window(as_operator):
    await RewardItem.create(
        name="保温杯", picture_url="https://img.example.com/cup.png", price=300, stock=20,
        active_from=datetime(2026, 5, 1, 1, 0, tzinfo=UTC), active_until=datetime(2099, 6, 1, tzinfo=UTC),
    )  # fmt: skip

    page = await (await as_operator.get("/console/shop")).text()

    assert '<img src="https://img.example.com/cup.png" alt="保温杯"' in page
    assert "<strong>300</strong> 金币 · 库存 20" in page
    assert "2026-05-01 09:00 至 2099-06-01 08:00" in page  # Asia/Shanghai
    assert "在售" in page


async def test_an_empty_shop_says_how_to_start(as_operator):
    page = await (await as_operator.get("/console/shop")).text()

    assert "商城还没有礼品" in page


async def test_adding_a_gift_stores_it_with_the_window_in_beijing_time_and_audits_it(as_operator):
    gift = GIFT | {"active_from": "2026-06-01T10:00", "active_until": ""}

    response = await post_form(as_operator, "/console/shop/items", gift, page="/console/shop/items/new")

    assert response.status == 303
    item = await RewardItem.get(name="保温杯")
    assert (item.price, item.stock, item.active_until) == (300, 20, None)
    assert item.active_from == datetime(2026, 6, 1, 2, 0, tzinfo=UTC)
    entry = await AuditEntry.get()
    assert (entry.actor, entry.action, entry.target) == ("wecom:yunying", "添加礼品", f"/console/shop/items/{item.id}")
    assert entry.before is None and entry.after["price"] == 300
    assert "已添加礼品「保温杯」" in await (await as_operator.get(response.headers["Location"])).text()


async def test_a_gift_with_several_wrong_fields_lists_them_all_in_chinese_and_adds_nothing(as_operator):
    wrong = {
        "name": " ",
        "price": "0",
        "stock": "很多",
        "active_from": "2026-06-02T10:00",
        "active_until": "2026-06-01T10:00",
    }

    response = await post_form(as_operator, "/console/shop/items", wrong, page="/console/shop/items/new")

    page = await response.text()
    assert response.status == 422
    assert "请修改以下 4 处后再提交" in page
    for message in ("礼品名称：", "价格（金币）：必须大于 0", "库存：请填写整数", "下架时间："):
        assert message in page
    assert await RewardItem.all().count() == 0
    assert await AuditEntry.all().count() == 0


async def test_a_window_that_ends_before_it_opens_names_the_forms_own_fields(as_operator):
    window = GIFT | {"active_from": "2026-06-02T10:00", "active_until": "2026-06-01T10:00"}

    response = await post_form(as_operator, "/console/shop/items", window, page="/console/shop/items/new")

    assert "下架时间：须晚于上架时间" in await response.text()


async def test_editing_a_gift_changes_it_and_audits_before_and_after(as_operator):
    item = await RewardItem.create(name="保温杯", price=300, stock=20)

    await post_form(
        as_operator, f"/console/shop/items/{item.id}", GIFT | {"price": "250", "stock": "5"}, page="/console/shop"
    )

    await item.refresh_from_db()
    assert (item.price, item.stock) == (250, 5)
    entry = await AuditEntry.get()
    assert entry.action == "修改礼品"
    assert (entry.before["price"], entry.after["price"]) == (300, 250)


async def test_the_edit_form_shows_the_window_in_beijing_time(as_operator):
    item = await RewardItem.create(
        name="保温杯", price=300, stock=1, active_until=datetime(2026, 7, 1, 4, 0, tzinfo=UTC)
    )

    page = await (await as_operator.get(f"/console/shop/items/{item.id}")).text()

    assert 'name="active_until" value="2026-07-01T12:00"' in page


@pytest.mark.parametrize("value", ["0001-01-01T00:00", "2026-02-30T10:00", "明天", "9999-12-31T23:59"])
async def test_a_time_that_cannot_be_is_refused_in_chinese(as_operator, value):
    response = await post_form(
        as_operator, "/console/shop/items", GIFT | {"active_from": value}, page="/console/shop/items/new"
    )

    assert response.status == 422
    assert "上架时间：" in await response.text()
    assert await RewardItem.all().count() == 0


async def test_an_unknown_gift_is_404(as_operator):
    assert (await as_operator.get("/console/shop/items/999")).status == 404


async def test_a_store_manager_may_not_open_or_change_the_shop(as_store_manager):
    item = await RewardItem.create(name="保温杯", price=300, stock=20)

    pages = [await as_store_manager.get(path) for path in ("/console/shop", "/console/shop/redemptions")]
    change = await post_form(as_store_manager, f"/console/shop/items/{item.id}", GIFT | {"price": "1"})

    assert [p.status for p in pages] == [403, 403]
    assert change.status == 403
    assert (await RewardItem.get(id=item.id)).price == 300


@pytest.mark.parametrize(
    "picture_url", ["javascript:alert(1)", "data:image/png;base64,iVBORw0KGgo=", "http://a.cn/b.png"]
)
async def test_a_gift_picture_that_is_not_https_is_named_in_chinese_kept_in_the_field_and_not_saved(
    as_operator, picture_url
):
    response = await post_form(
        as_operator, "/console/shop/items", GIFT | {"picture_url": picture_url}, page="/console/shop/items/new"
    )

    page = await response.text()
    assert response.status == 422
    assert "请修改以下 1 处后再提交" in page
    assert '<label class="field invalid">\n  <span>图片地址</span>' in page
    assert "<em>图片地址：请填写 https:// 开头的网址，或留空</em>" in page
    assert f'name="picture_url" value="{picture_url}"' in page
    assert 'class="preview"' not in page
    assert await RewardItem.all().count() == 0
    assert await AuditEntry.all().count() == 0
