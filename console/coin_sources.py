"""Where each coin entry came from, in words: the task and what counted, the contest, the gift, HQ.

The ledger keeps a source as (source_type, source_id) in each writer's own spelling; this
reads those spellings back for a page of entries, looking up names in one query per kind.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from contests.models import Contest
from rewards.models import CoinEntry
from staff.access import Permission, Principal
from tasks.models import ProgressEvent, Sale, Task

BUTTON_KEYS = {"share": "转发", "attended": "参加培训"}


@dataclass(frozen=True)
class Source:
    kind: str
    detail: str = ""
    link: str = ""


async def describe(entries: Iterable[CoinEntry], who: Principal) -> dict[int, Source]:
    """Each entry's source by entry id; links only to pages `who` may open."""
    entries = list(entries)
    parts = {e.id: e.source_id.split(":") for e in entries}
    of_type = {kind: [e for e in entries if e.source_type == kind] for kind in ("task", "contest")}
    tasks = await _names(Task, [parts[e.id][0] for e in of_type["task"]], "title")
    contests = await _names(Contest, [parts[e.id][0] for e in of_type["contest"]], "name")
    counted = await _what_counted([parts[e.id][-1] for e in of_type["task"]])
    shop = who.can(Permission.SHOP)
    sources = {}
    for e in entries:
        part = parts[e.id]
        match e.source_type:
            case "task":
                sources[e.id] = Source(
                    "任务",
                    f"「{tasks.get(part[0], '#' + part[0])}」{counted.get(part[-1], '')}",
                    f"/console/tasks/{part[0]}",
                )
            case "contest":
                day = "总决赛" if part[1:2] == ["final"] else "".join(part[1:2])
                fix = "（更正）" if "correction" in part else ""
                sources[e.id] = Source(
                    "PK赛", f"「{contests.get(part[0], '#' + part[0])}」{day}{fix}", f"/console/contests/{part[0]}"
                )
            case "benchmark":
                sources[e.id] = Source("标杆导购", part[0], "/console/contests")
            case "redemption" | "redemption_refund":
                kind = "兑换礼品" if e.source_type == "redemption" else "取消兑换退还"
                link = f"/console/shop/redemptions?q={e.guide_userid}" if shop else ""
                sources[e.id] = Source(kind, f"订单 #{e.source_id}", link)
            case "hq":
                sources[e.id] = Source("总部调整")
            case "reversal":
                sources[e.id] = Source("冲正", f"冲回记录 #{e.source_id}")
            case _:
                sources[e.id] = Source("其他", f"{e.source_type}:{e.source_id}")
    return sources


async def _names(model, ids: list[str], field: str) -> dict[str, str]:
    numbers = sorted({int(i) for i in ids if i.isdigit()})
    return {str(row["id"]): row[field] for row in await model.filter(id__in=numbers).values("id", field)}


async def _what_counted(event_ids: list[str]) -> dict[str, str]:
    """What a task's progress event counted: a customer added, a sales order, a tapped button."""
    numbers = sorted({int(i) for i in event_ids if i.isdigit()})
    keys = {str(i): k for i, k in await ProgressEvent.filter(id__in=numbers).values_list("id", "source_key")}
    sale_ids = sorted({int(k[5:]) for k in keys.values() if k.startswith("sale:") and k[5:].isdigit()})
    orders = {str(i): o for i, o in await Sale.filter(id__in=sale_ids).values_list("id", "order_id")}
    words = {}
    for event_id, key in keys.items():
        kind, _, ref = key.partition(":")
        if kind == "fan":
            words[event_id] = f" · 客户 #{ref}"
        elif kind == "sale":
            words[event_id] = f" · 销售单 {orders.get(ref, ref)}"
        else:
            words[event_id] = f" · {BUTTON_KEYS.get(key, key)}"
    return words
