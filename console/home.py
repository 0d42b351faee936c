"""The first page after signing in: who you are, what you look after, and what waits for you."""

from __future__ import annotations

from aiohttp import web

from console.pages import principal, render
from org.models import Store
from org.scope import of_guides_in
from rewards.models import Redemption, RedemptionStatus
from tasks.models import Sale, SaleReview

routes = web.RouteTableDef()


@routes.get("/")
async def home_page(request: web.Request) -> web.Response:
    me = principal(request)
    stores = Store.all() if me.store_codes is None else Store.filter(code__in=list(me.store_codes))
    sales = Sale.filter(of_guides_in(me.store_codes), review=SaleReview.PENDING)
    waiting = {
        "stores": await stores.count(),
        "pending_sales": await sales.count(),
        "pending_redemptions": await Redemption.filter(status=RedemptionStatus.PENDING).count() if me.is_hq else None,
    }
    return render(request, "home.html", waiting=waiting)
