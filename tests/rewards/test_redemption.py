"""Redeeming gifts: stock and coins taken together or not at all, even for the last item under a rush."""

import asyncio

import pytest

from kernel.clock import SystemClock
from rewards.ledger import CoinLedger, InsufficientCoins
from rewards.models import CoinEntry, Redemption, RedemptionStatus, RewardItem
from rewards.redemption import RedemptionError, RequestKeyReused, RewardShop


@pytest.fixture
def ledger(event_bus) -> CoinLedger:
    return CoinLedger(event_bus, SystemClock())


@pytest.fixture
def shop(ledger, event_bus) -> RewardShop:
    return RewardShop(ledger, event_bus, SystemClock())


async def rich(ledger, guide: str, coins: int = 1000) -> None:
    await ledger.post(guide, coins, "奖励", source_type="test", source_id=guide)


async def test_a_redemption_takes_the_price_and_one_from_stock(shop, ledger):
    item = await RewardItem.create(name="保温杯", price=200, stock=5)
    await rich(ledger, "zhangsan")

    redemption = await shop.redeem("zhangsan", item.id, request_key="r1")

    assert redemption.status == RedemptionStatus.PENDING
    assert await ledger.balance("zhangsan") == 800
    assert (await RewardItem.get(id=item.id)).stock == 4


async def test_a_repeated_request_redeems_once(shop, ledger):
    item = await RewardItem.create(name="保温杯", price=200, stock=5)
    await rich(ledger, "zhangsan")

    await shop.redeem("zhangsan", item.id, request_key="r1")
    await shop.redeem("zhangsan", item.id, request_key="r1")

    assert await ledger.balance("zhangsan") == 800


async def test_too_few_coins_changes_nothing(shop, ledger):
    item = await RewardItem.create(name="蓝牙耳机", price=2000, stock=5)
    await rich(ledger, "zhangsan", 100)

    with pytest.raises(InsufficientCoins):
        await shop.redeem("zhangsan", item.id, request_key="r1")

    assert (await RewardItem.get(id=item.id)).stock == 5
    assert await Redemption.all().count() == 0
    assert await CoinEntry.filter(source_type="redemption").count() == 0


async def test_no_stock_is_a_clear_refusal(shop, ledger):
    item = await RewardItem.create(name="保温杯", price=200, stock=0)
    await rich(ledger, "zhangsan")

    with pytest.raises(RedemptionError, match="已兑完"):
        await shop.redeem("zhangsan", item.id, request_key="r1")

    assert await ledger.balance("zhangsan") == 1000


async def test_fifty_guides_rushing_the_last_item_make_one_redemption(shop, ledger):
    item = await RewardItem.create(name="限量球鞋", price=500, stock=1)
    guides = [f"guide{n}" for n in range(50)]
    for guide in guides:
        await rich(ledger, guide)

    results = await asyncio.gather(
        *(shop.redeem(guide, item.id, request_key=f"rush:{guide}") for guide in guides), return_exceptions=True
    )

    assert sum(isinstance(r, Redemption) for r in results) == 1
    assert all(isinstance(r, (Redemption, RedemptionError)) for r in results)
    assert (await RewardItem.get(id=item.id)).stock == 0
    assert sorted([await ledger.balance(g) for g in guides]) == [500] + [1000] * 49


async def test_one_guide_cannot_overspend_with_concurrent_redemptions(shop, ledger):
    item = await RewardItem.create(name="保温杯", price=300, stock=100)
    await rich(ledger, "zhangsan", 1000)

    await asyncio.gather(
        *(shop.redeem("zhangsan", item.id, request_key=f"r{n}") for n in range(10)), return_exceptions=True
    )

    assert await ledger.balance("zhangsan") == 100
    assert await Redemption.all().count() == 3


async def test_an_order_moves_pending_shipped_delivered(shop, ledger):
    item = await RewardItem.create(name="保温杯", price=200, stock=5)
    await rich(ledger, "zhangsan")
    redemption = await shop.redeem("zhangsan", item.id, request_key="r1")

    await shop.move(redemption.id, RedemptionStatus.SHIPPED)
    delivered = await shop.move(redemption.id, RedemptionStatus.DELIVERED)

    assert delivered.status == RedemptionStatus.DELIVERED
    with pytest.raises(RedemptionError):
        await shop.move(redemption.id, RedemptionStatus.CANCELLED)


async def test_cancelling_refunds_the_coins_and_returns_the_stock(shop, ledger):
    item = await RewardItem.create(name="保温杯", price=200, stock=5)
    await rich(ledger, "zhangsan")
    redemption = await shop.redeem("zhangsan", item.id, request_key="r1")

    await shop.move(redemption.id, RedemptionStatus.CANCELLED)

    assert await ledger.balance("zhangsan") == 1000
    assert (await RewardItem.get(id=item.id)).stock == 5
    refund = await CoinEntry.get(source_type="redemption_refund")
    assert "退回" in refund.reason


async def test_a_request_key_of_another_guide_is_refused_without_showing_their_redemption(shop, ledger):
    item = await RewardItem.create(name="保温杯", price=200, stock=5)
    await rich(ledger, "zhangsan")
    await shop.redeem("zhangsan", item.id, request_key="console:1")

    with pytest.raises(RequestKeyReused) as refused:
        await shop.redeem("lisi", item.id, request_key="console:1")

    assert "保温杯" not in str(refused.value)
    assert await Redemption.filter(guide_userid="lisi").count() == 0
    assert (await RewardItem.get(id=item.id)).stock == 4


async def test_a_request_key_reused_for_another_gift_is_refused(shop, ledger):
    cup = await RewardItem.create(name="保温杯", price=100, stock=5)
    towel = await RewardItem.create(name="毛巾", price=100, stock=5)
    await rich(ledger, "zhangsan")
    await shop.redeem("zhangsan", cup.id, request_key="r1")

    with pytest.raises(RequestKeyReused):
        await shop.redeem("zhangsan", towel.id, request_key="r1")

    assert await ledger.balance("zhangsan") == 900
