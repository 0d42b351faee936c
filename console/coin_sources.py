"""Where each coin entry came from, in words: the task and what counted, the contest, the gift, HQ.

The ledger keeps a source as (source_type, source_id) in each writer's own spelling; this
reads those spellings back for a page of entries, looking names up in one query per kind.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from benchmarks.selection import SOURCE_TYPE as BENCHMARK
from contests.models import Contest
from contests.settlement import SOURCE_TYPE as CONTEST
from rewards.ledger import HQ_ADJUSTMENT, REVERSAL
from rewards.models import CoinEntry
from staff.access import Permission, Principal
from tasks.models import ProgressEvent, Sale, Task

TASK, REDEMPTION, REFUND = (
    "task",
    "redemption",
    "redemption_refund",
)  # as tasks.counting and rewards.redemption write them
BUTTON_KEYS = {"share": "转发", "attended": "参加培训"}


@dataclass(frozen=True)
class Source:
    kind: str
    detail: str = ""
    link: str = ""


@dataclass(frozen=True)
class _Names:
    tasks: dict[str, str]  # task id → title
    counted: dict[str, str]  # progress event id → what it counted
    contests: dict[str, str]  # contest id → name


async def describe(entries: Iterable[CoinEntry], who: Principal) -> dict[int, Source]:
    """Each entry's source by entry id; links only to pages `who` may open."""
    entries = list(entries)
    task_ids = [e.source_id.split(":") for e in entries if e.source_type == TASK]  # "<task>:<progress event>"
    names = _Names(
        tasks=await _names(Task, "title", [ids[0] for ids in task_ids]),
        counted=await _what_counted([ids[-1] for ids in task_ids]),
        contests=await _names(
            Contest, "name", [e.source_id.split(":")[0] for e in entries if e.source_type == CONTEST]
        ),
    )
    return {e.id: _source(e, names, who.can(Permission.SHOP)) for e in entries}


def _source(entry: CoinEntry, names: _Names, shop: bool) -> Source:
    kind, ref = entry.source_type, entry.source_id
    part = ref.split(":")
    if kind == TASK:
        title = names.tasks.get(part[0], f"#{part[0]}")
        return Source("任务", f"「{title}」{names.counted.get(part[-1], '')}", f"/console/tasks/{part[0]}")
    if kind == CONTEST:  # "<contest>:<day or final>:<prize>" or "…:correction:<id>"
        day = {"final": "总决赛"}.get(part[1], part[1]) if len(part) > 1 else ""
        fix = "（更正）" if "correction" in part else ""
        name = names.contests.get(part[0], f"#{part[0]}")
        return Source("PK赛", f"「{name}」{day}{fix}", f"/console/contests/{part[0]}")
    if kind == BENCHMARK:  # "<day>:<title>"
        return Source("标杆导购", part[0], "/console/contests")
    if kind in (REDEMPTION, REFUND):
        link = f"/console/shop/redemptions?q={entry.guide_userid}" if shop else ""
        return Source("兑换礼品" if kind == REDEMPTION else "取消兑换退还", f"订单 #{ref}", link)
    if kind == HQ_ADJUSTMENT:
        return Source("总部调整")  # who did it is in the reason
    if kind == REVERSAL:
        return Source("冲正", f"冲回记录 #{ref}")
    return Source("其他", f"{kind}:{ref}")


async def _names(model: type[Task] | type[Contest], field: str, ids: list[str]) -> dict[str, str]:
    numbers = sorted({int(i) for i in ids if i.isdigit()})
    return {str(row["id"]): row[field] for row in await model.filter(id__in=numbers).values("id", field)}


async def _what_counted(event_ids: list[str]) -> dict[str, str]:
    """What a task's progress event counted: a customer added, a sales order, a tapped button."""
    numbers = sorted({int(i) for i in event_ids if i.isdigit()})
    keys = dict(await ProgressEvent.filter(id__in=numbers).values_list("id", "source_key"))
    sale_ids = sorted({int(k[5:]) for k in keys.values() if k.startswith("sale:") and k[5:].isdigit()})
    orders = {str(i): order for i, order in await Sale.filter(id__in=sale_ids).values_list("id", "order_id")}
    words = {}
    for event_id, key in keys.items():
        what, _, ref = key.partition(":")
        if what == "fan":
            words[str(event_id)] = f" · 客户 #{ref}"
        elif what == "sale":
            words[str(event_id)] = f" · 销售单 {orders.get(ref, ref)}"
        else:
            words[str(event_id)] = f" · {BUTTON_KEYS.get(key, key)}"
    return words
