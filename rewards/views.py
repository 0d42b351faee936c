"""HQ API for coins, the rewards shop and redemption orders."""

from __future__ import annotations

import functools
from typing import Literal

from aiohttp import web

from kernel.api import ApiError, ApiRoute, json_ok, path_params, query_params, read_body
from org.schemas import UserId
from org.views import ORG, guide_in_scope
from rewards.ledger import CoinLedger, InsufficientCoins, NotReversible
from rewards.models import CoinEntry, Redemption, RedemptionStatus, RewardItem
from rewards.redemption import RedemptionError, RewardShop
from rewards.schemas import (
    CoinAdjustIn,
    CoinEntryOut,
    CoinsOut,
    RedemptionOut,
    RedemptionQuery,
    ReversalIn,
    RewardItemIn,
    RewardItemOut,
)
from staff.access import Permission
from staff.views import principal

ACTIONS = {
    "ship": RedemptionStatus.SHIPPED,
    "deliver": RedemptionStatus.DELIVERED,
    "cancel": RedemptionStatus.CANCELLED,
}
Action = Literal["ship", "deliver", "cancel"]

LEDGER = web.AppKey("ledger", CoinLedger)
SHOP = web.AppKey("shop", RewardShop)


async def _known_guide(request: web.Request, values: dict) -> list[tuple[str, str]]:
    guide = values.get("guide")
    if guide and await request.app[ORG].guide(guide) is None:
        return [("guide", f"unknown guide {guide!r}")]
    return []


async def adjust_coins(request: web.Request) -> web.Response:
    data = await read_body(request, CoinAdjustIn, check=functools.partial(_known_guide, request))
    ledger = request.app[LEDGER]
    try:
        await ledger.adjust(
            data.guide, data.amount, data.reason, request_id=data.request_id, by=principal(request).name
        )
    except InsufficientCoins as exc:
        raise ApiError(
            422, "insufficient_coins", f"amount: balance is {exc.balance}", [{"field": "amount", "message": str(exc)}]
        ) from None
    return await _coins(request, data.guide)


async def coins_before_reversal(request: web.Request) -> CoinsOut | None:
    entry = await CoinEntry.get_or_none(id=path_params(request)["entry_id"])
    return None if entry is None else await _coins_out(request, entry.guide_userid)


async def reverse_entry(request: web.Request) -> web.Response:
    """A correction: a new entry undoing an old one, never an edit."""
    data = await read_body(request, ReversalIn)
    entry = await CoinEntry.get_or_none(id=path_params(request)["entry_id"])
    if entry is None:
        raise ApiError(404, "not_found", "no such coin entry", [{"field": "entry_id", "message": "does not exist"}])
    try:
        await request.app[LEDGER].correct(entry, data.reason, by=principal(request).name)
    except NotReversible:
        raise ApiError(
            409, "conflict", "a reversal cannot be reversed", [{"field": "entry_id", "message": "is a reversal"}]
        ) from None
    return await _coins(request, entry.guide_userid)


async def guide_coins(request: web.Request) -> web.Response:
    guide = await guide_in_scope(request, path_params(request)["userid"])
    return await _coins(request, guide.userid)


async def _coins(request: web.Request, guide: str) -> web.Response:
    return json_ok(await _coins_out(request, guide))


async def _coins_out(request: web.Request, guide: str) -> CoinsOut:
    entries = await CoinEntry.filter(guide_userid=guide).order_by("-id").limit(50)
    return CoinsOut(
        guide=guide,
        balance=await request.app[LEDGER].balance(guide),
        entries=[
            CoinEntryOut(
                amount=e.amount, reason=e.reason, source=f"{e.source_type}:{e.source_id}", created_at=e.created_at
            )
            for e in entries
        ],
    )


async def create_item(request: web.Request) -> web.Response:
    data = await read_body(request, RewardItemIn)
    item = await RewardItem.create(**data.model_dump())
    return json_ok(_item_out(item), status=201)


async def item_before(request: web.Request) -> RewardItemOut | None:
    item = await RewardItem.get_or_none(id=path_params(request)["item_id"])
    return None if item is None else _item_out(item)


async def update_item(request: web.Request) -> web.Response:
    data = await read_body(request, RewardItemIn)
    item = await RewardItem.get_or_none(id=path_params(request)["item_id"])
    if item is None:
        raise ApiError(404, "not_found", "no such reward item", [{"field": "item_id", "message": "does not exist"}])
    await item.update_from_dict(data.model_dump()).save()
    return json_ok(_item_out(item))


async def list_items(request: web.Request) -> web.Response:
    return json_ok([_item_out(item) for item in await RewardItem.all().order_by("id")])


async def list_redemptions(request: web.Request) -> web.Response:
    query = Redemption.all().select_related("item").order_by("-id")
    if status := query_params(request).status:
        query = query.filter(status=status)
    return json_ok([_redemption_out(r) for r in await query.limit(500)])


async def redemption_before(request: web.Request) -> RedemptionOut | None:
    redemption = await Redemption.get_or_none(id=path_params(request)["redemption_id"]).select_related("item")
    return None if redemption is None else _redemption_out(redemption)


async def move_redemption(request: web.Request) -> web.Response:
    params = path_params(request)
    if not await Redemption.exists(id=params["redemption_id"]):
        raise ApiError(
            404, "not_found", "no such redemption", [{"field": "redemption_id", "message": "does not exist"}]
        )
    try:
        redemption = await request.app[SHOP].move(params["redemption_id"], ACTIONS[params["action"]])
    except RedemptionError as exc:
        raise ApiError(409, "conflict", str(exc)) from None
    return json_ok(_redemption_out(redemption))


def _item_out(item: RewardItem) -> RewardItemOut:
    return RewardItemOut(
        id=item.id, name=item.name, picture_url=item.picture_url, price=item.price, stock=item.stock,
        active_from=item.active_from, active_until=item.active_until,
    )  # fmt: skip


def _redemption_out(r: Redemption) -> RedemptionOut:
    return RedemptionOut(
        id=r.id, guide=r.guide_userid, item=r.item.name, price=r.price, status=r.status, created_at=r.created_at
    )


def api_routes() -> list[ApiRoute]:
    return [
        ApiRoute("POST", "/api/v1/coins/adjust", adjust_coins, "Grant or deduct coins with a reason (idempotent by request_id)",
                 title="调整金币", tag="coins", permission=Permission.COINS, body=CoinAdjustIn, response=CoinsOut),
        ApiRoute("POST", "/api/v1/coins/entries/{entry_id}/reverse", reverse_entry,
                 "Correct an entry with a reversal entry (once per entry)", title="冲正金币记录", tag="coins",
                 permission=Permission.COINS, body=ReversalIn, response=CoinsOut, before=coins_before_reversal,
                 errors={409: "the entry is itself a reversal"}),
        ApiRoute("GET", "/api/v1/guides/{userid}/coins", guide_coins, "A guide's balance and latest entries",
                 tag="coins", permission=Permission.READ, scoped=True, response=CoinsOut, params={"userid": UserId}),
        ApiRoute("POST", "/api/v1/rewards/items", create_item, "Add a gift to the shop", title="添加礼品", tag="rewards",
                 permission=Permission.SHOP, body=RewardItemIn, response=RewardItemOut, response_status=201),
        ApiRoute("GET", "/api/v1/rewards/items", list_items, "The shop's gifts", tag="rewards",
                 permission=Permission.SHOP, response=list[RewardItemOut]),
        ApiRoute("PUT", "/api/v1/rewards/items/{item_id}", update_item, "Change a gift (price, stock, window)",
                 title="修改礼品", tag="rewards", permission=Permission.SHOP, body=RewardItemIn, response=RewardItemOut,
                 before=item_before),
        ApiRoute("GET", "/api/v1/redemptions", list_redemptions, "Redemption orders, newest first", tag="rewards",
                 permission=Permission.SHOP, response=list[RedemptionOut], query=RedemptionQuery),
        ApiRoute("POST", "/api/v1/redemptions/{redemption_id}/{action}", move_redemption,
                 "Ship, deliver or cancel (refunds the coins) a redemption", title="处理兑换订单（发货、送达或取消）",
                 tag="rewards", permission=Permission.SHOP, response=RedemptionOut, params={"action": Action},
                 errors={409: "the order's state does not allow this move"},
                 before=redemption_before),
    ]  # fmt: skip
