"""金币: find a guide, read their ledger with where each entry came from; HQ grants, deducts and reverses.

Changes go through CoinLedger.adjust / correct, the same calls the HQ API makes, so the
reason carries who did it in the same words, and a form posted twice (its request id) counts once.
"""

from __future__ import annotations

import secrets
from typing import Any

from aiohttp import web
from tortoise.expressions import Q

from console.coin_sources import describe
from console.display import local_time
from console.flash import flash, take_flash
from console.forms import as_numbers, validate
from console.pages import not_found, principal, record_change, render, requires, see_other, services
from console.paging import page_of
from org.models import Guide
from rewards.ledger import HQ_ADJUSTMENT, REVERSAL, InsufficientCoins
from rewards.models import CoinEntry, Wallet
from rewards.schemas import CoinAdjustIn, ReversalIn
from staff.access import Permission

routes = web.RouteTableDef()

ADJUST_LABELS = {"guide": "导购", "amount": "数量", "reason": "原因", "request_id": "表单编号"}
REVERSE_LABELS = {"reason": "冲正原因"}
GUIDE_PATH = r"/coins/{userid:[A-Za-z0-9_.@\-]{1,64}}"


@routes.get("/coins")
@requires(Permission.READ)
async def find_guide(request: web.Request) -> web.Response:
    me = principal(request)
    guides = Guide.all().select_related("store").order_by("store__code", "userid")
    if me.store_codes is not None:
        guides = guides.filter(store__code__in=sorted(me.store_codes))
    if text := request.query.get("q", "").strip()[:64]:
        guides = guides.filter(Q(name__icontains=text) | Q(userid__icontains=text))
    page = await page_of(request, guides)
    wallets = await Wallet.filter(guide_userid__in=[g.userid for g in page.rows]).values_list("guide_userid", "balance")
    return render(request, "coins/find.html", page=page, balances=dict(wallets), q=text)


@routes.get(GUIDE_PATH)
@requires(Permission.READ)
async def guide_ledger(request: web.Request) -> web.Response:
    return await _ledger_page(request, await _guide(request))


@routes.post(GUIDE_PATH + "/adjust")
@requires(Permission.COINS)
async def adjust_coins(request: web.Request) -> web.Response:
    guide = await _guide(request)
    form = await request.post()
    data: dict[str, Any] = {"guide": guide.userid, "reason": str(form.get("reason", "")).strip()}
    data |= as_numbers(form, ["amount"]) | {"request_id": str(form.get("request_id", ""))}
    if isinstance(data.get("amount"), int):  # the form asks for a count and a direction, the API for a signed amount
        data["amount"] = abs(data["amount"]) * (-1 if form.get("direction") == "deduct" else 1)
    adjustment, errors = validate(CoinAdjustIn, data, ADJUST_LABELS)
    if adjustment is None:
        return await _ledger_page(request, guide, form, errors)
    ledger = services(request).ledger
    if await CoinEntry.exists(guide_userid=guide.userid, source_type=HQ_ADJUSTMENT, source_id=adjustment.request_id):
        raise see_other(f"/console/coins/{guide.userid}")  # the same form again (a double click): done once already
    before = await ledger.balance(guide.userid)
    me = principal(request)
    try:
        entry = await ledger.adjust(
            guide.userid, adjustment.amount, adjustment.reason, request_id=adjustment.request_id, by=me.name
        )
    except InsufficientCoins as exc:
        errors = {"amount": f"数量：余额只有 {exc.balance} 金币，不够扣 {exc.wanted}"}
        return await _ledger_page(request, guide, form, errors)
    after = await ledger.balance(guide.userid)
    await record_change(
        request, "调整金币", f"/console/coins/{guide.userid}", {"balance": before},
        {"balance": after, "entry": entry.id, "amount": entry.amount, "reason": entry.reason},
    )  # fmt: skip
    word = "发放" if entry.amount > 0 else "扣减"
    await flash(request, f"已为{guide.name}{word} {abs(entry.amount)} 金币，余额 {after}")
    raise see_other(f"/console/coins/{guide.userid}")


@routes.post(GUIDE_PATH + r"/entries/{entry_id:\d{1,9}}/reverse")
@requires(Permission.COINS)
async def reverse_entry(request: web.Request) -> web.Response:
    guide = await _guide(request)
    entry = await CoinEntry.get_or_none(id=int(request.match_info["entry_id"]), guide_userid=guide.userid)
    if entry is None:
        raise not_found()
    form = await request.post()
    correction, errors = validate(ReversalIn, {"reason": str(form.get("reason", "")).strip()}, REVERSE_LABELS)
    ledger = services(request).ledger
    if entry.source_type == REVERSAL:
        errors = {"reverse": f"记录 #{entry.id} 本身就是冲正，不能再冲正；如需补回，请用上方的「发放」"}
    elif done := await ledger.reversal_of(entry):
        errors = {"reverse": f"记录 #{entry.id} 已经冲正过（冲正记录 #{done.id}），不能重复冲正"}
    if correction is None or errors:
        return await _ledger_page(request, guide, form, errors, reversing=entry.id)
    before = await ledger.balance(guide.userid)
    reversal = await ledger.correct(entry, correction.reason, by=principal(request).name)
    after = await ledger.balance(guide.userid)
    await record_change(
        request, "冲正金币记录", f"/console/coins/{guide.userid}", {"balance": before, "entry": entry.id},
        {"balance": after, "entry": reversal.id, "amount": reversal.amount, "reason": reversal.reason},
    )  # fmt: skip
    await flash(request, f"已冲正记录 #{entry.id}（{reversal.amount:+d} 金币），余额 {after}")
    raise see_other(f"/console/coins/{guide.userid}")


async def _guide(request: web.Request) -> Guide:
    """The guide in the URL, if the person's scope holds their store; otherwise 404, as for nobody."""
    guide = await Guide.get_or_none(userid=request.match_info["userid"]).select_related("store")
    if guide is None or not principal(request).sees_store(guide.store.code):
        raise not_found()
    return guide


async def _ledger_page(
    request: web.Request,
    guide: Guide,
    form: Any = None,
    errors: dict[str, str] | None = None,
    reversing: int | None = None,
) -> web.Response:
    ledger = services(request).ledger
    page = await page_of(request, CoinEntry.filter(guide_userid=guide.userid).order_by("-id"))
    reversed_ids = await CoinEntry.filter(
        guide_userid=guide.userid, source_type=REVERSAL, source_id__in=[str(e.id) for e in page.rows]
    ).values_list("source_id", flat=True)
    return render(
        request,
        "coins/ledger.html",
        status=422 if errors else 200,
        guide=guide,
        balance=await ledger.balance(guide.userid),
        page=page,
        sources=await describe(page.rows, principal(request)),
        reversed_ids={int(i) for i in reversed_ids},
        reversal_type=REVERSAL,
        form=form or {},
        errors=errors or {},
        reversing=reversing,
        request_id=(form and str(form.get("request_id", ""))) or secrets.token_urlsafe(16),
        when=local_time(request),
        flash=await take_flash(request),
    )
