"""HQ API for tasks and sales, and the public tracked share link /s/{code}."""

from __future__ import annotations

import csv
import hashlib
import io
from datetime import UTC, datetime

from aiohttp import web

from config.api import ApiError, ApiRoute, json_ok, parse_body
from config.services import SERVICES
from tasks.schemas import GuideProgressOut, RollupOut, SaleIn, SaleOut, TaskIn, TaskOut
from tasks.service import TaskError, TaskService


def _tasks(request: web.Request) -> TaskService:
    return request.app[SERVICES].tasks


def _task_id(request: web.Request) -> int:
    raw = request.match_info["task_id"]
    if not raw.isdigit():
        raise ApiError(404, "not_found", f"no task {raw}")
    return int(raw)


async def _guarded(call):
    try:
        return await call
    except TaskError as exc:
        code = {404: "not_found", 409: "conflict"}.get(exc.status, "validation_error")
        raise ApiError(exc.status, code, str(exc), [{"field": f, "message": str(exc)} for f in exc.fields]) from None


async def create_task(request: web.Request) -> web.Response:
    data = parse_body(TaskIn, await request.read())
    task = await _guarded(_tasks(request).create_draft(data))
    return json_ok(await _tasks(request).summary(task), status=201)


async def edit_task(request: web.Request) -> web.Response:
    data = parse_body(TaskIn, await request.read())
    task = await _guarded(_tasks(request).edit_draft(_task_id(request), data))
    return json_ok(await _tasks(request).summary(task))


async def publish_task(request: web.Request) -> web.Response:
    task = await _guarded(_tasks(request).publish(_task_id(request)))
    return json_ok(await _tasks(request).summary(task))


async def cancel_task(request: web.Request) -> web.Response:
    task = await _guarded(_tasks(request).cancel(_task_id(request)))
    return json_ok(await _tasks(request).summary(task))


async def list_tasks(request: web.Request) -> web.Response:
    return json_ok(await _tasks(request).summaries())


async def task_progress(request: web.Request) -> web.Response:
    rows = await _guarded(_tasks(request).guide_progress(_task_id(request)))
    if request.query.get("format") != "csv":
        return json_ok(rows)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(GuideProgressOut.model_fields))
    writer.writeheader()
    writer.writerows(row.model_dump() for row in rows)
    return web.Response(
        body=("\ufeff" + out.getvalue()).encode(),  # the BOM lets Excel read the Chinese names
        content_type="text/csv",
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="task-{_task_id(request)}-progress.csv"'},
    )


async def task_rollup(request: web.Request) -> web.Response:
    return json_ok(await _guarded(_tasks(request).rollup(_task_id(request), request.query.get("by", "store"))))


async def post_sale(request: web.Request) -> web.Response:
    data = parse_body(SaleIn, await request.read())
    sale, counted = await _guarded(_tasks(request).record_sale(data))
    return json_ok(
        SaleOut(
            order_id=sale.order_id,
            guide=sale.guide_userid,
            amount=data.amount,
            orders=sale.orders,
            self_reported=sale.self_reported,
            counted_in_tasks=counted,
        )
    )


async def follow_share_link(request: web.Request) -> web.Response:
    """A customer opens a guide's tracked link: count a unique visitor of the day, then go to the material."""
    visitor = hashlib.sha256(f"{request.remote}|{request.headers.get('User-Agent', '')}".encode()).hexdigest()
    target = await _tasks(request).record_visit(request.match_info["code"], visitor, datetime.now(UTC))
    if target is None:
        raise web.HTTPNotFound(text="链接不存在或已失效")
    raise web.HTTPFound(target)


def setup_routes(app: web.Application) -> None:
    app.router.add_get("/s/{code}", follow_share_link)


def api_routes() -> list[ApiRoute]:
    task = "/api/v1/tasks/{task_id}"
    return [
        ApiRoute("POST", "/api/v1/tasks", create_task, "Create a draft task", tag="tasks", body=TaskIn,
                 response=TaskOut, response_status=201),
        ApiRoute("GET", "/api/v1/tasks", list_tasks, "List tasks with completion counts and rate", tag="tasks",
                 response=list[TaskOut]),
        ApiRoute("PUT", task, edit_task, "Edit a draft task", tag="tasks", body=TaskIn, response=TaskOut),
        ApiRoute("POST", f"{task}/publish", publish_task, "Publish: assign the audience, push the task cards (once)",
                 tag="tasks", response=TaskOut),
        ApiRoute("POST", f"{task}/cancel", cancel_task, "Cancel a task", tag="tasks", response=TaskOut),
        ApiRoute("GET", f"{task}/progress", task_progress, "Per-guide progress (JSON, or CSV with ?format=csv)",
                 tag="tasks", response=list[GuideProgressOut], query={"format": "csv for a download"}),
        ApiRoute("GET", f"{task}/rollup", task_rollup, "Completion per store or branch", tag="tasks",
                 response=list[RollupOut], query={"by": "store (default) or branch"}),
        ApiRoute("POST", "/api/v1/sales", post_sale, "Record a sales line (idempotent by order_id)", tag="sales",
                 body=SaleIn, response=SaleOut),
    ]  # fmt: skip
