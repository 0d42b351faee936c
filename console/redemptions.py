"""兑换订单: the queue HQ works through — ship, mark delivered, or cancel with the coins refunded.

Every move goes through RewardShop.move, which holds the allowed moves and the refund;
this page only names them in Chinese and says so when a move no longer fits.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from aiohttp import web
from pydantic import ValidationError
from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet

from console.display import local_time
from console.flash import flash, take_flash
from console.pages import not_found, record_change, render, requires, see_other, services
from console.paging import page_of
from kernel.downloads import csv_download, csv_text
from org.models import Guide, Store
from org.scope import of_guides_in
from rewards.models import Redemption, RedemptionStatus
from rewards.redemption import NEXT_STATUS, RedemptionError
from rewards.schemas import RedemptionQuery
from rewards.views import ACTIONS
from staff.access import Permission

routes = web.RouteTableDef()

STATUS_NAMES = {
    RedemptionStatus.PENDING: "待发货",
    RedemptionStatus.SHIPPED: "已发货",
    RedemptionStatus.DELIVERED: "已送达",
    RedemptionStatus.CANCELLED: "已取消",
}
ACTION_NAMES = {"ship": "发货", "deliver": "标记已送达", "cancel": "取消并退还金币"}
CSV_LIMIT = 20_000
CSV_HEADER = ["订单号", "导购", "导购账号", "门店", "礼品", "价格（金币）", "状态", "下单时间", "更新时间"]
LIST = "/console/shop/redemptions"


@routes.get("/shop/redemptions")
@requires(Permission.SHOP)
async def redemption_queue(request: web.Request) -> web.StreamResponse:
    query = _filtered(request)
    if request.query.get("format") == "csv":
        return await _csv(request, query)
    page = await page_of(request, query)
    return render(
        request,
        "shop/redemptions.html",
        page=page,
        guides=await services(request).org.guides_by_userid(sorted({r.guide_userid for r in page.rows})),
        stores=await Store.all().order_by("code"),
        statuses=STATUS_NAMES,
        actions={status: _actions_from(status) for status in RedemptionStatus},
        action_names=ACTION_NAMES,
        back=urlencode(page.filters | {"page": page.number}),
        when=local_time(request),
        flash=await take_flash(request),
    )


@routes.post(r"/shop/redemptions/{redemption_id:\d{1,9}}/{action:ship|deliver|cancel}")
@requires(Permission.SHOP)
async def move_redemption(request: web.Request) -> web.Response:
    redemption_id, action = int(request.match_info["redemption_id"]), request.match_info["action"]
    redemption = await Redemption.get_or_none(id=redemption_id).select_related("item")
    if redemption is None:
        raise not_found()
    before = redemption.status
    try:
        moved = await services(request).shop.move(redemption_id, ACTIONS[action])
    except RedemptionError:
        current = (await Redemption.get(id=redemption_id)).status
        await flash(
            request, f"订单 #{redemption_id} 当前「{STATUS_NAMES[current]}」，不能{ACTION_NAMES[action]}；未做任何更改"
        )
    else:
        after = {"status": moved.status.value}
        if moved.status is RedemptionStatus.CANCELLED:
            after["refunded_coins"] = moved.price
        await record_change(
            request, f"兑换订单{ACTION_NAMES[action]}", f"{LIST}/{redemption_id}", {"status": before.value}, after
        )
        refund = f"，已退还 {moved.price} 金币" if moved.status is RedemptionStatus.CANCELLED else ""
        await flash(request, f"订单 #{redemption_id}「{redemption.item.name}」{STATUS_NAMES[moved.status]}{refund}")
    back = dict(parse_qsl(str((await request.post()).get("back", ""))))
    raise see_other(f"{LIST}?{urlencode(back)}")


def _actions_from(status: RedemptionStatus) -> list[str]:
    """The moves RewardShop allows from `status`, in the order a person works."""
    return [action for action, target in ACTIONS.items() if status in NEXT_STATUS[target]]


def _filtered(request: web.Request) -> QuerySet[Redemption]:
    """Newest first, narrowed by status (checked by the API's own query model), store and a guide's name or id."""
    try:
        status = RedemptionQuery.model_validate({"status": request.query.get("status") or None}).status
    except ValidationError:
        raise web.HTTPBadRequest(text="没有这种订单状态") from None
    query = Redemption.all().select_related("item").order_by("-id")
    if status is not None:
        query = query.filter(status=status)
    if store := request.query.get("store", "").strip():
        query = query.filter(of_guides_in([store]))
    if text := request.query.get("q", "").strip()[:64]:
        matching = Guide.filter(Q(name__icontains=text) | Q(userid__icontains=text)).values("userid")
        query = query.filter(guide_userid__in=Subquery(matching))
    return query


async def _csv(request: web.Request, query: QuerySet[Redemption]) -> web.Response:
    rows = await query.limit(CSV_LIMIT)
    guides = await services(request).org.guides_by_userid(sorted({r.guide_userid for r in rows}))
    when = local_time(request)
    lines = [CSV_HEADER]
    for r in rows:
        guide = guides.get(r.guide_userid)
        lines.append([
            r.id, guide.name if guide else "", r.guide_userid, guide.store.name if guide else "", r.item.name,
            r.price, STATUS_NAMES[r.status], when(r.created_at), when(r.updated_at),
        ])  # fmt: skip
    day = services(request).clock.today()
    return csv_download(f"redemptions-{day}.csv", csv_text(lines))
