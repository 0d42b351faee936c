"""销售审核: the self-reported sales waiting for a yes or no — HQ sees every store, a store manager their own.

Confirming and rejecting go through SalesBook with the person's stores, so a sale outside
them is not found there either: 404, and nothing changes.
"""

from __future__ import annotations

from urllib.parse import urlencode

from aiohttp import web

from console.display import local_time
from console.flash import flash, take_flash
from console.pages import not_found, principal, record_change, render, requires, see_other, services
from org.models import Store
from staff.access import Permission
from tasks.errors import SaleNotFound, SaleNotInReview
from tasks.models import SaleReview
from tasks.rules import format_yuan

routes = web.RouteTableDef()

PENDING_SHOWN = 200  # a queue this long is already more than a day's work
REVIEWED_SHOWN = 20
REVIEW_NAMES = {
    SaleReview.NONE: "无需审核",
    SaleReview.PENDING: "待审核",
    SaleReview.CONFIRMED: "已确认",
    SaleReview.REJECTED: "已驳回",
}
DECISIONS = {"confirm": "确认", "reject": "驳回"}
LIST = "/console/sales"


@routes.get("/sales")
@requires(Permission.SALES_REVIEW)
async def review_queue(request: web.Request) -> web.Response:
    me = principal(request)
    store = request.query.get("store", "").strip()
    if store and not (me.sees_store(store) and await Store.exists(code=store)):
        raise not_found()
    scope = frozenset({store}) if store else me.store_codes
    sales = services(request).sales
    pending = [sale for sale, _ in await sales.lines(SaleReview.PENDING, PENDING_SHOWN, store_codes=scope)]
    reviewed = [
        sale
        for review in (SaleReview.CONFIRMED, SaleReview.REJECTED)
        for sale, _ in await sales.lines(review, REVIEWED_SHOWN, store_codes=scope)
    ]
    reviewed = sorted(reviewed, key=lambda sale: sale.reviewed_at or sale.received_at, reverse=True)[:REVIEWED_SHOWN]
    stores = Store.all() if me.is_hq else Store.filter(code__in=sorted(me.store_codes or ()))
    return render(
        request,
        "sales/queue.html",
        pending=pending,
        reviewed=reviewed,
        shown=PENDING_SHOWN,
        guides=await services(request).org.guides_by_userid(sorted({s.guide_userid for s in pending + reviewed})),
        store_names=dict(await Store.all().values_list("code", "name")),
        stores=await stores.order_by("code"),
        store=store,
        review_names=REVIEW_NAMES,
        yuan=format_yuan,
        when=local_time(request),
        flash=await take_flash(request),
    )


@routes.post(r"/sales/{sale_id:\d{1,9}}/{decision:confirm|reject}")
@requires(Permission.SALES_REVIEW)
async def review_sale(request: web.Request) -> web.Response:
    sale_id, decision = int(request.match_info["sale_id"]), request.match_info["decision"]
    scope = principal(request).store_codes
    sales = services(request).sales
    try:
        before, _ = await sales.line(sale_id, store_codes=scope)
        review = sales.confirm if decision == "confirm" else sales.reject
        after, _ = await review(sale_id, store_codes=scope)
    except SaleNotFound:
        raise not_found() from None
    except SaleNotInReview:
        after = None
    if after is None or after.review is before.review:  # decided before, here or by someone else
        current = (await sales.line(sale_id, store_codes=scope))[0].review
        await flash(request, f"这笔业绩已是「{REVIEW_NAMES[current]}」，不能再{DECISIONS[decision]}；未做任何更改")
        raise see_other(_back(request))
    await record_change(
        request, f"{DECISIONS[decision]}自报业绩", f"{LIST}/{sale_id}",
        {"review": before.review.value}, {"review": after.review.value, "order_id": after.order_id},
    )  # fmt: skip
    await flash(request, f"已{DECISIONS[decision]}订单 {after.order_id}（{format_yuan(after.amount_fen)}）")
    raise see_other(_back(request))


def _back(request: web.Request) -> str:
    """The queue as it was filtered (the form's action carries ?store=)."""
    store = request.query.get("store", "")
    return f"{LIST}?{urlencode({'store': store})}" if store else LIST
