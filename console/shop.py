"""积分商城: the gifts guides redeem coins for — add and change them through the API's own model."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web
from multidict import MultiMapping

from console.display import local_time
from console.flash import flash, take_flash
from console.forms import as_numbers, validate
from console.pages import not_found, record_change, render, requires, see_other, services
from rewards.models import RewardItem
from rewards.schemas import RewardItemIn, RewardItemOut
from staff.access import Permission

routes = web.RouteTableDef()

LABELS = {
    "name": "礼品名称",
    "picture_url": "图片地址",
    "price": "价格（金币）",
    "stock": "库存",
    "active_from": "上架时间",
    "active_until": "下架时间",
}
# What <input type="datetime-local"> sends: a wall-clock time in the chain's time zone, no offset.
LOCAL_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


@routes.get("/shop")
@requires(Permission.SHOP)
async def gift_list(request: web.Request) -> web.Response:
    shop = services(request).shop
    on_offer = {item.id for item in await shop.catalog()}
    items = await RewardItem.all().order_by("-id")
    return render(
        request,
        "shop/items.html",
        items=items,
        on_offer=on_offer,
        now=services(request).clock.now(),
        when=local_time(request),
        flash=await take_flash(request),
    )


@routes.get("/shop/items/new")
@requires(Permission.SHOP)
async def new_gift_form(request: web.Request) -> web.Response:
    return _form(request, None, {"price": "", "stock": ""})


@routes.post("/shop/items")
@requires(Permission.SHOP)
async def add_gift(request: web.Request) -> web.Response:
    form = await request.post()
    data, errors = validate(RewardItemIn, _item_data(form, services(request).clock.timezone), LABELS)
    if data is None:
        return _form(request, None, dict(form), errors)
    item = await RewardItem.create(**data.model_dump())
    await record_change(request, "添加礼品", _target(item), None, _state(item))
    await flash(request, f"已添加礼品「{item.name}」")
    raise see_other("/console/shop")


@routes.get(r"/shop/items/{item_id:\d{1,9}}")
@requires(Permission.SHOP)
async def edit_gift_form(request: web.Request) -> web.Response:
    item = await _item(request)
    zone = services(request).clock.timezone
    values: dict[str, Any] = {name: getattr(item, name) for name in LABELS}
    for name in ("active_from", "active_until"):
        values[name] = values[name].astimezone(zone).strftime("%Y-%m-%dT%H:%M") if values[name] else ""
    return _form(request, item, values)


@routes.post(r"/shop/items/{item_id:\d{1,9}}")
@requires(Permission.SHOP)
async def change_gift(request: web.Request) -> web.Response:
    item = await _item(request)
    form = await request.post()
    data, errors = validate(RewardItemIn, _item_data(form, services(request).clock.timezone), LABELS)
    if data is None:
        return _form(request, item, dict(form), errors)
    before = _state(item)
    await item.update_from_dict(data.model_dump()).save()
    await record_change(request, "修改礼品", _target(item), before, _state(item))
    await flash(request, f"已保存礼品「{item.name}」")
    raise see_other("/console/shop")


async def _item(request: web.Request) -> RewardItem:
    item = await RewardItem.get_or_none(id=int(request.match_info["item_id"]))
    if item is None:
        raise not_found()
    return item


def _form(
    request: web.Request, item: RewardItem | None, values: dict[str, Any], errors: dict[str, str] | None = None
) -> web.Response:
    return render(
        request, "shop/item_form.html", status=422 if errors else 200, item=item, values=values, errors=errors or {}
    )


def _item_data(form: MultiMapping[str], zone: ZoneInfo) -> dict[str, Any]:
    """The JSON the API would get: numbers as numbers, local times with the time zone's offset, blanks left out."""
    data: dict[str, Any] = {
        "name": str(form.get("name", "")).strip(),
        "picture_url": str(form.get("picture_url", "")).strip(),
        **as_numbers(form, ["price", "stock"]),
    }
    for name in ("active_from", "active_until"):
        if text := str(form.get(name, "")).strip():
            data[name] = _with_offset(text, zone)
    return data


def _with_offset(text: str, zone: ZoneInfo) -> str:
    """A wall-clock time as an instant; anything else is passed on as typed, for the model to name."""
    if not LOCAL_TIME.fullmatch(text):
        return text
    try:
        return datetime.fromisoformat(text).replace(tzinfo=zone).isoformat()
    except ValueError:
        return text


def _target(item: RewardItem) -> str:
    return f"/console/shop/items/{item.id}"


def _state(item: RewardItem) -> dict[str, Any]:
    return RewardItemOut.model_validate(item, from_attributes=True).model_dump(mode="json")
