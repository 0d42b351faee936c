"""Tasks as HQ and the stores follow them: the list, one task's card and progress, the progress download.

A branch lead or store manager sees the tasks that reach their stores, with their stores'
figures only; a task that reaches none of them answers 404, as if it did not exist.
"""

from __future__ import annotations

import functools
from decimal import Decimal

from aiohttp import web

from bot.cards import task_card
from console.audience import audience_in_words, out_of_scope
from console.pages import not_found, principal, render, services
from staff.access import Permission
from tasks.kinds import KINDS, METRICS
from tasks.models import Task, TaskAssignment, TaskStatus
from tasks.rules import FEN_PER_YUAN, format_yuan, progress_line
from tasks.views import progress_download

routes = web.RouteTableDef()
TASK = r"/tasks/{task_id:\d{1,9}}"
STATUS_NAMES = {TaskStatus.DRAFT: "草稿", TaskStatus.PUBLISHED: "已发布", TaskStatus.CANCELLED: "已取消"}


@routes.get("/tasks")
async def task_list(request: web.Request) -> web.Response:
    me = principal(request)
    tasks = await services(request).reports.summaries(me.store_codes)
    return render(request, "tasks/list.html", tasks=tasks, **_names(request))


@routes.get(TASK)
async def task_page(request: web.Request) -> web.Response:
    """A draft: the card guides will get, and what can be done with it; once published, its progress."""
    task = await visible_task(request)
    me, reports = principal(request), services(request).reports
    scope = me.store_codes
    may_change = me.can(Permission.TASKS) and not await out_of_scope(services(request).org, me, task.audience)
    context = {
        "task": task,
        "may_change": may_change,
        "summary": await reports.summary(task, scope),
        "card": card_preview(task),
        "units": functools.partial(_units, task.metric),
    }
    if may_change:  # the audience names stores and guides beyond a store manager's own
        context["audience"] = await audience_in_words(services(request).org, task.audience)
    if task.status is not TaskStatus.DRAFT:
        rows = await reports.guide_progress(task.id, scope)
        by_store, by_branch = (
            await reports.rollup(task.id, "store", scope),
            await reports.rollup(task.id, "branch", scope),
        )
        context |= {
            "rows": rows,
            "not_started": [row for row in rows if not row.progress],
            "by_store": by_store,
            "by_branch": by_branch,
            "store_names": {line.code: line.name for line in by_store},
            "branch_names": {line.code: line.name for line in by_branch},
        }
    notice = {"published": "已发布，任务卡片已发给导购", "saved": "草稿已保存", "cancelled": "任务已取消"}
    context["notice"] = notice.get(request.query.get("done", ""), "")
    return render(request, "tasks/task.html", **context, **_names(request))


@routes.get(TASK + "/progress.csv")
async def progress_csv(request: web.Request) -> web.Response:
    """The per-guide table for Excel: the HQ API's own download, with the reader's stores only."""
    task = await visible_task(request)
    return progress_download(
        task.id, await services(request).reports.guide_progress(task.id, principal(request).store_codes)
    )


async def visible_task(request: web.Request) -> Task:
    """The task in the path, if it reaches the reader's stores (HQ: any task); 404 otherwise."""
    task = await Task.get_or_none(id=int(request.match_info["task_id"]))
    if task is None or not await services(request).reports.reaches(task, principal(request).store_codes):
        raise not_found()
    return task


def card_preview(task: Task) -> dict:
    """The template card exactly as bot/cards.py sends it, and the progress line its 查看进度 button answers."""
    return {"card": task_card(task, card_id="preview"), "progress": progress_line(task, TaskAssignment(progress=0))}


def _units(metric: str, value: int | Decimal) -> str:
    """A figure as the guide's card shows it: ¥1,200.50 for money, else the count."""
    return format_yuan(int(value * FEN_PER_YUAN)) if METRICS[metric].money else str(value)


def _names(request: web.Request) -> dict:
    """The words the task pages show for kinds and states, and whether the reader may post."""
    return {
        "kind_names": {name: spec.card_label for name, spec in KINDS.items()},
        "status_names": STATUS_NAMES,
        "may_post": principal(request).can(Permission.TASKS),
        "today": services(request).clock.today(),
    }
