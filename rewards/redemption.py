"""The rewards shop: redeeming takes stock and coins in one transaction, or neither."""

from __future__ import annotations

from datetime import datetime

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

from kernel.clock import Clock
from kernel.event_bus import EventBus
from rewards.events import RedemptionCancelled, RedemptionMade
from rewards.ledger import CoinLedger
from rewards.models import Redemption, RedemptionStatus, RewardItem

NEXT_STATUS = {
    RedemptionStatus.SHIPPED: {RedemptionStatus.PENDING},
    RedemptionStatus.DELIVERED: {RedemptionStatus.SHIPPED},
    RedemptionStatus.CANCELLED: {RedemptionStatus.PENDING, RedemptionStatus.SHIPPED},
}


class RedemptionError(Exception):
    """Why a redemption cannot happen, in words for the guide."""


class RequestKeyReused(RedemptionError):
    """The request_key is already another guide's (or another gift's) redemption: refused, nothing shown of it."""

    def __init__(self, request_key: str) -> None:
        super().__init__("这次兑换没有办理：请求编号与另一笔兑换重复。请重新发送「兑换 编号」。")
        self.request_key = request_key


class RewardShop:
    """The gift catalogue and redemption orders: stock and coins change together or not at all."""

    def __init__(self, ledger: CoinLedger, bus: EventBus, clock: Clock) -> None:
        self._ledger = ledger
        self._bus = bus
        self._clock = clock

    async def catalog(self) -> list[RewardItem]:
        """Items on offer now (in stock or not, so guides see what is coming back)."""
        now = self._clock.now()
        items = await RewardItem.all().order_by("price", "id")
        return [item for item in items if _on_offer(item, now)]

    async def redeem(self, guide_userid: str, item_id: int, request_key: str) -> Redemption:
        """Take one of the item and its price in coins; the same request again returns the first result.

        A request_key names one guide's request for one gift: reused by another guide or for
        another gift, it raises RequestKeyReused rather than answer with someone else's redemption.
        """
        existing = await Redemption.get_or_none(request_key=request_key).select_related("item")
        if existing:
            return _same_request(existing, guide_userid, item_id)
        now = self._clock.now()
        try:
            async with self._bus.transaction():
                item = await RewardItem.filter(id=item_id).select_for_update().first()
                if item is None or not _on_offer(item, now):
                    raise RedemptionError(f"没有编号为 {item_id} 的礼品")
                if item.stock <= 0:
                    raise RedemptionError(f"「{item.name}」已兑完")
                redemption = await Redemption.create(
                    request_key=request_key,
                    guide_userid=guide_userid,
                    item=item,
                    price=item.price,
                    created_at=now,
                    updated_at=now,
                )
                await self._ledger.post(
                    guide_userid,
                    -item.price,
                    f"兑换「{item.name}」",
                    source_type="redemption",
                    source_id=str(redemption.id),
                )
                item.stock -= 1
                await item.save(update_fields=["stock"])
                await self._bus.record(
                    RedemptionMade(
                        guide_userid=guide_userid, redemption_id=redemption.id, item_name=item.name, price=item.price
                    )
                )
                return redemption
        except IntegrityError:
            existing = await Redemption.get(request_key=request_key).select_related("item")
            return _same_request(existing, guide_userid, item_id)

    async def move(self, redemption_id: int, status: RedemptionStatus) -> Redemption:
        """pending → shipped → delivered, or cancelled (coins refunded, stock returned)."""
        async with self._bus.transaction():
            redemption = await Redemption.filter(id=redemption_id).select_for_update().first()
            if redemption is None:
                raise RedemptionError(f"no redemption {redemption_id}")
            await redemption.fetch_related("item")
            if redemption.status not in NEXT_STATUS[status]:
                raise RedemptionError(f"a {redemption.status} redemption cannot become {status}")
            redemption.status, redemption.updated_at = status, self._clock.now()
            await redemption.save(update_fields=["status", "updated_at"])
            if status is RedemptionStatus.CANCELLED:
                await self._ledger.post(
                    redemption.guide_userid,
                    redemption.price,
                    f"取消兑换「{redemption.item.name}」，退回金币",
                    source_type="redemption_refund",
                    source_id=str(redemption.id),
                )
                await RewardItem.filter(id=redemption.item_id).update(stock=F("stock") + 1)
                await self._bus.record(
                    RedemptionCancelled(
                        guide_userid=redemption.guide_userid,
                        redemption_id=redemption.id,
                        item_name=redemption.item.name,
                        refunded=redemption.price,
                    )  # fmt: skip
                )
            return redemption


def _same_request(redemption: Redemption, guide_userid: str, item_id: int) -> Redemption:
    if (redemption.guide_userid, redemption.item_id) != (guide_userid, item_id):
        raise RequestKeyReused(redemption.request_key)
    return redemption


def _on_offer(item: RewardItem, now: datetime) -> bool:
    return (item.active_from is None or item.active_from <= now) and (
        item.active_until is None or now < item.active_until
    )
