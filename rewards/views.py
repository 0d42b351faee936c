"""HQ API for coins, the rewards shop and redemption orders."""

from __future__ import annotations

from aiohttp import web

from config.api import ApiError, ApiRoute, json_ok, parse_body
from config.services import SERVICES
from rewards.ledger import InsufficientCoins
from rewards.models import CoinEntry, Redemption, RedemptionStatus, RewardItem
from rewards.redemption import RedemptionError
from rewards.schemas import (
    CoinAdjustIn,
    CoinEntryOut,
    CoinsOut,
    RedemptionOut,
    ReversalIn,
    RewardItemIn,
    RewardItemOut,
)

ACTIONS = {
    "ship": RedemptionStatus.SHIPPED,
    "deliver": RedemptionStatus.DELIVERED,
    "cancel": RedemptionStatus.CANCELLED,
}


async def adjust_coins(request: web.Request) -> web.Response:
    data = parse_body(CoinAdjustIn, await request.read())
    ledger = request.app[SERVICES].ledger
    try:
        await ledger.post(
            data.guide, data.amount, f"总部调整：{data.reason}", source_type="hq", source_id=data.request_id
        )
    except InsufficientCoins as exc:
        raise ApiError(
            422, "insufficient_coins", f"amount: balance is {exc.balance}", [{"field": "amount", "message": str(exc)}]
        ) from None
    return await _coins(request, data.guide)


async def reverse_entry(request: web.Request) -> web.Response:
    """A correction: a new entry undoing an old one, never an edit."""
    data = parse_body(ReversalIn, await request.read())
    raw = request.match_info["entry_id"]
    entry = await CoinEntry.get_or_none(id=int(raw)) if raw.isdigit() else None
    if entry is None:
        raise ApiError(404, "not_found", f"no coin entry {raw}")
    await request.app[SERVICES].ledger.reverse(entry, f"总部更正：{data.reason}")
    return await _coins(request, entry.guide_userid)


async def guide_coins(request: web.Request) -> web.Response:
    return await _coins(request, request.match_info["userid"])


async def _coins(request: web.Request, guide: str) -> web.Response:
    ledger = request.app[SERVICES].ledger
    entries = await CoinEntry.filter(guide_userid=guide).order_by("-id").limit(50)
    return json_ok(
        CoinsOut(
            guide=guide,
            balance=await ledger.balance(guide),
            entries=[
                CoinEntryOut(
                    amount=e.amount, reason=e.reason, source=f"{e.source_type}:{e.source_id}", created_at=e.created_at
                )
                for e in entries
            ],
        )
    )


async def create_item(request: web.Request) -> web.Response:
    data = parse_body(RewardItemIn, await request.read())
    item = await RewardItem.create(**data.model_dump())
    return json_ok(_item_out(item), status=201)


async def update_item(request: web.Request) -> web.Response:
    data = parse_body(RewardItemIn, await request.read())
    item = await RewardItem.get_or_none(id=int(request.match_info["item_id"]))
    if item is None:
        raise ApiError(404, "not_found", "no such reward item")
    await item.update_from_dict(data.model_dump()).save()
    return json_ok(_item_out(item))


async def list_items(request: web.Request) -> web.Response:
    return json_ok([_item_out(item) for item in await RewardItem.all().order_by("id")])


async def list_redemptions(request: web.Request) -> web.Response:
    query = Redemption.all().select_related("item").order_by("-id")
    if status := request.query.get("status"):
        query = query.filter(status=status)
    return json_ok([_redemption_out(r) for r in await query.limit(500)])


async def move_redemption(request: web.Request) -> web.Response:
    action = request.match_info["action"]
    if action not in ACTIONS or not request.match_info["redemption_id"].isdigit():
        raise ApiError(404, "not_found", "unknown redemption or action (ship, deliver, cancel)")
    try:
        redemption = await request.app[SERVICES].shop.move(int(request.match_info["redemption_id"]), ACTIONS[action])
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
                 tag="coins", body=CoinAdjustIn, response=CoinsOut),
        ApiRoute("POST", "/api/v1/coins/entries/{entry_id}/reverse", reverse_entry,
                 "Correct an entry with a reversal entry (once per entry)", tag="coins", body=ReversalIn,
                 response=CoinsOut),
        ApiRoute("GET", "/api/v1/guides/{userid}/coins", guide_coins, "A guide's balance and latest entries",
                 tag="coins", response=CoinsOut),
        ApiRoute("POST", "/api/v1/rewards/items", create_item, "Add a gift to the shop", tag="rewards",
                 body=RewardItemIn, response=RewardItemOut, response_status=201),
        ApiRoute("GET", "/api/v1/rewards/items", list_items, "The shop's gifts", tag="rewards",
                 response=list[RewardItemOut]),
        ApiRoute("PUT", "/api/v1/rewards/items/{item_id}", update_item, "Change a gift (price, stock, window)",
                 tag="rewards", body=RewardItemIn, response=RewardItemOut),
        ApiRoute("GET", "/api/v1/redemptions", list_redemptions, "Redemption orders, newest first", tag="rewards",
                 response=list[RedemptionOut], query={"status": "pending, shipped, delivered or cancelled"}),
        ApiRoute("POST", "/api/v1/redemptions/{redemption_id}/{action}", move_redemption,
                 "Ship, deliver or cancel (refunds the coins) a redemption", tag="rewards", response=RedemptionOut),
    ]  # fmt: skip
