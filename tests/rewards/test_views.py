"""HQ coins and shop API."""

import pytest

from rewards.models import RewardItem
from tests.support.org import import_small_org

NOT_HTTPS = [
    "javascript:alert(1)",
    "data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=",
    "http://img.example.com/cup.png",
    "https://",
    "//img.example.com/cup.png",
]


@pytest.fixture(autouse=True)
async def org(client):
    await import_small_org()


async def test_hq_grants_and_deducts_coins_once_per_request_id(client, hq_headers):
    grant = {"guide": "zhangsan", "amount": 100, "reason": "门店之星", "request_id": "hq-1"}
    for _ in range(2):
        await client.post("/api/v1/coins/adjust", json=grant, headers=hq_headers)
    deduct = {"guide": "zhangsan", "amount": -30, "reason": "误发更正", "request_id": "hq-2"}

    coins = await (await client.post("/api/v1/coins/adjust", json=deduct, headers=hq_headers)).json()

    assert coins["balance"] == 70
    assert [e["amount"] for e in coins["entries"]] == [-30, 100]
    assert coins["entries"][0]["reason"] == "总部调整：误发更正（HQ_API_TOKEN）"


async def test_a_deduction_below_zero_is_refused(client, hq_headers):
    deduct = {"guide": "zhangsan", "amount": -30, "reason": "扣减", "request_id": "hq-3"}

    response = await client.post("/api/v1/coins/adjust", json=deduct, headers=hq_headers)

    assert response.status == 422
    assert (await response.json())["error"]["code"] == "insufficient_coins"


async def test_hq_stocks_the_shop_and_ships_an_order(client, hq_headers, services):
    item = await (
        await client.post(
            "/api/v1/rewards/items", json={"name": "保温杯", "price": 100, "stock": 3}, headers=hq_headers
        )
    ).json()
    await services.ledger.post("zhangsan", 300, "奖励", source_type="test", source_id="1")
    redemption = await services.shop.redeem("zhangsan", item["id"], request_key="r1")

    shipped = await client.post(f"/api/v1/redemptions/{redemption.id}/ship", headers=hq_headers)
    again = await client.post(f"/api/v1/redemptions/{redemption.id}/ship", headers=hq_headers)
    pending = await (await client.get("/api/v1/redemptions?status=shipped", headers=hq_headers)).json()

    assert (await shipped.json())["status"] == "shipped"
    assert again.status == 409
    assert [r["item"] for r in pending] == ["保温杯"]
    assert (await RewardItem.get(id=item["id"])).stock == 2


async def test_a_correction_reverses_an_entry_once(client, hq_headers, services):
    entry = await services.ledger.post("zhangsan", 80, "误发", source_type="test", source_id="1")

    for _ in range(2):
        response = await client.post(
            f"/api/v1/coins/entries/{entry.id}/reverse", json={"reason": "重复发放"}, headers=hq_headers
        )

    coins = await response.json()
    assert coins["balance"] == 0
    assert [(e["amount"], e["reason"]) for e in coins["entries"]] == [
        (-80, "总部更正：重复发放（HQ_API_TOKEN）"),
        (80, "误发"),
    ]


async def test_a_reversal_cannot_be_reversed(client, hq_headers, services):
    entry = await services.ledger.post("zhangsan", 80, "误发", source_type="test", source_id="1")
    reversal = await services.ledger.reverse(entry, "重复发放")

    response = await client.post(
        f"/api/v1/coins/entries/{reversal.id}/reverse", json={"reason": "再冲回"}, headers=hq_headers
    )

    assert response.status == 409
    assert await services.ledger.balance("zhangsan") == 0


async def test_coins_for_an_unknown_guide_are_refused_naming_the_guide(client, hq_headers):
    grant = {"guide": "nobody", "amount": 100, "reason": "门店之星", "request_id": "hq-9"}

    response = await client.post("/api/v1/coins/adjust", json=grant, headers=hq_headers)

    assert response.status == 422
    assert [f["field"] for f in (await response.json())["error"]["fields"]] == ["guide"]


async def test_an_unknown_guide_has_no_balance(client, hq_headers):
    response = await client.get("/api/v1/guides/nobody/coins", headers=hq_headers)

    assert response.status == 404
    assert (await response.json())["error"]["fields"] == [{"field": "userid", "message": "does not exist"}]


@pytest.mark.parametrize("item_id", ["abc", "0", "-1", "2147483648", "99999999999999999999"])
async def test_an_id_that_cannot_exist_is_404_in_the_error_shape(client, hq_headers, item_id):
    item = {"name": "保温杯", "price": 100, "stock": 3}

    response = await client.put(f"/api/v1/rewards/items/{item_id}", json=item, headers=hq_headers)

    assert response.status == 404
    assert (await response.json())["error"]["fields"] == [{"field": "item_id", "message": "does not exist"}]


async def test_an_unknown_status_filter_is_refused_naming_it(client, hq_headers):
    response = await client.get("/api/v1/redemptions?status=else", headers=hq_headers)

    assert response.status == 422
    assert [f["field"] for f in (await response.json())["error"]["fields"]] == ["status"]


async def test_a_gift_window_needs_time_zones_and_no_numbers(client, hq_headers):
    item = {
        "name": "保温杯",
        "price": 100,
        "stock": 3,
        "active_from": 1714550400,
        "active_until": "2026-05-01T00:00:00",
    }

    response = await client.post("/api/v1/rewards/items", json=item, headers=hq_headers)

    assert response.status == 422
    assert {f["field"] for f in (await response.json())["error"]["fields"]} == {"active_from", "active_until"}


@pytest.mark.parametrize("picture_url", NOT_HTTPS)
async def test_a_gift_picture_must_be_an_https_address_and_a_wrong_one_saves_nothing(client, hq_headers, picture_url):
    item = {"name": "保温杯", "price": 100, "stock": 3, "picture_url": picture_url}
    existing = await RewardItem.create(name="雨伞", price=50, stock=1, picture_url="https://img.example.com/a.png")

    added = await client.post("/api/v1/rewards/items", json=item, headers=hq_headers)
    changed = await client.put(f"/api/v1/rewards/items/{existing.id}", json=item, headers=hq_headers)

    for response in (added, changed):
        assert response.status == 422
        assert (await response.json())["error"]["fields"] == [
            {"field": "picture_url", "message": "must be an https:// address with a host, or empty"}
        ]
    assert await RewardItem.all().count() == 1
    assert (await RewardItem.get(id=existing.id)).picture_url == "https://img.example.com/a.png"


async def test_a_gift_picture_may_be_left_empty_or_any_https_address(client, hq_headers):
    for picture_url in ("", "https://img.example.com:8443/礼品/cup.png?w=200#top"):
        item = {"name": "保温杯", "price": 100, "stock": 3, "picture_url": picture_url}

        response = await client.post("/api/v1/rewards/items", json=item, headers=hq_headers)

        assert response.status == 201, await response.text()
        assert (await response.json())["picture_url"] == picture_url
