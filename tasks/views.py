"""HQ API for tasks and sales, and the public tracked share link /s/{code}."""

from __future__ import annotations

import hashlib
import re
import secrets
from decimal import Decimal
from typing import Literal

from aiohttp import web
from pydantic import BaseModel, Field

from kernel.api import ApiError, ApiRoute, json_ok, path_params, query_params, read_body
from kernel.downloads import csv_download, csv_text
from staff.access import Permission
from staff.views import principal
from tasks.errors import Conflict, NotFound, SaleNotFound, TaskError
from tasks.models import Sale, SaleReview, Task
from tasks.publishing import TaskPublisher
from tasks.reports import TaskReports
from tasks.rules import FEN_PER_YUAN
from tasks.sales import SalesBook
from tasks.schemas import GuideProgressOut, RollupOut, SaleIn, SaleOut, TaskIn, TaskOut
from tasks.sharing import ShareLinks

VISITOR_COOKIE = "gb_v"
VISITOR_COOKIE_MAX_AGE = 400 * 24 * 3600  # the longest a browser keeps a cookie
SHARE_CODE = re.compile(r"[A-Za-z0-9_-]{1,16}")  # secrets.token_urlsafe(8), in a 16-character column

PUBLISHING = web.AppKey("task_publishing", TaskPublisher)
REPORTS = web.AppKey("task_reports", TaskReports)
SALES = web.AppKey("sales", SalesBook)
SHARE_LINKS = web.AppKey("share_links", ShareLinks)


def _status(exc: TaskError) -> tuple[int, str]:
    """The HQ API's answer to a domain error."""
    if isinstance(exc, NotFound):
        return 404, "not_found"
    if isinstance(exc, Conflict):
        return 409, "conflict"
    return 422, "rule_violation"


async def _guarded(call):
    try:
        return await call
    except TaskError as exc:
        status, code = _status(exc)
        raise ApiError(status, code, str(exc), [{"field": f, "message": str(exc)} for f in exc.fields]) from None


async def create_task(request: web.Request) -> web.Response:
    data = await read_body(request, TaskIn, check=request.app[PUBLISHING].problems)
    task = await _guarded(request.app[PUBLISHING].create_draft(data))
    return json_ok(await request.app[REPORTS].summary(task), status=201)


async def task_before(request: web.Request) -> TaskOut | None:
    task = await Task.get_or_none(id=path_params(request)["task_id"])
    return None if task is None else await request.app[REPORTS].summary(task)


async def edit_task(request: web.Request) -> web.Response:
    data = await read_body(request, TaskIn, check=request.app[PUBLISHING].problems)
    task = await _guarded(request.app[PUBLISHING].edit_draft(path_params(request)["task_id"], data))
    return json_ok(await request.app[REPORTS].summary(task))


async def publish_task(request: web.Request) -> web.Response:
    task = await _guarded(request.app[PUBLISHING].publish(path_params(request)["task_id"]))
    return json_ok(await request.app[REPORTS].summary(task))


async def cancel_task(request: web.Request) -> web.Response:
    task = await _guarded(request.app[PUBLISHING].cancel(path_params(request)["task_id"]))
    return json_ok(await request.app[REPORTS].summary(task))


async def list_tasks(request: web.Request) -> web.Response:
    return json_ok(await request.app[REPORTS].summaries(principal(request).store_codes))


class ProgressQuery(BaseModel):
    format: Literal["json", "csv"] = Field("json", description="csv for a download (UTF-8 with a BOM, for Excel)")


class RollupQuery(BaseModel):
    by: Literal["store", "branch"] = Field("store", description="roll up per store or per branch")


async def task_progress(request: web.Request) -> web.Response:
    task_id = path_params(request)["task_id"]
    rows = await _guarded(request.app[REPORTS].guide_progress(task_id, principal(request).store_codes))
    if query_params(request).format != "csv":
        return json_ok(rows)
    return progress_download(task_id, rows)


def progress_download(task_id: int, rows: list[GuideProgressOut]) -> web.Response:
    """The per-guide progress as a CSV for Excel, the same for the HQ API and the console."""
    return csv_download(f"task-{task_id}-progress.csv", progress_csv(rows))


def progress_csv(rows: list[GuideProgressOut]) -> str:
    """A Chinese header row (the fields' titles), then a line per guide; yes/no as 是/否."""
    fields = GuideProgressOut.model_fields
    lines: list[list] = [[info.title for info in fields.values()]]
    for row in rows:
        values = row.model_dump(mode="json")
        lines.append(["是" if v is True else "否" if v is False else v for v in (values[n] for n in fields)])
    return csv_text(lines)


async def task_rollup(request: web.Request) -> web.Response:
    task_id = path_params(request)["task_id"]
    rollup = request.app[REPORTS].rollup(task_id, query_params(request).by, principal(request).store_codes)
    return json_ok(await _guarded(rollup))


def _sale_out(sale: Sale, counted: list[int]) -> SaleOut:
    return SaleOut(
        id=sale.id,
        order_id=sale.order_id,
        guide=sale.guide_userid,
        amount=Decimal(sale.amount_fen) / FEN_PER_YUAN,
        orders=sale.orders,
        self_reported=sale.self_reported,
        review=sale.review,
        counted_in_tasks=counted,
    )


async def post_sale(request: web.Request) -> web.Response:
    sales = request.app[SALES]
    data = await read_body(request, SaleIn, check=sales.problems)
    return json_ok(_sale_out(*await _guarded(sales.record(data))))


class SalesQuery(BaseModel):
    review: SaleReview | None = Field(None, description="pending: self-reports waiting for HQ to confirm or reject")


async def list_sales(request: web.Request) -> web.Response:
    sales = await request.app[SALES].lines(query_params(request).review, store_codes=principal(request).store_codes)
    return json_ok([_sale_out(sale, counted) for sale, counted in sales])


async def sale_before(request: web.Request) -> SaleOut | None:
    try:
        return _sale_out(*await request.app[SALES].line(path_params(request)["sale_id"]))
    except SaleNotFound:
        return None


async def confirm_sale(request: web.Request) -> web.Response:
    confirmed = request.app[SALES].confirm(path_params(request)["sale_id"], principal(request).store_codes)
    return json_ok(_sale_out(*await _guarded(confirmed)))


async def reject_sale(request: web.Request) -> web.Response:
    rejected = request.app[SALES].reject(path_params(request)["sale_id"], principal(request).store_codes)
    return json_ok(_sale_out(*await _guarded(rejected)))


async def follow_share_link(request: web.Request) -> web.Response:
    """A customer opens a guide's tracked link: count a unique visitor of the day, then go to the material."""
    code = request.match_info["code"]
    target = None
    if SHARE_CODE.fullmatch(code):
        visitor, new_cookie = _visitor(request)
        target = await request.app[SHARE_LINKS].record_visit(code, visitor)
    if target is None:
        raise web.HTTPNotFound(text="链接不存在或已失效")
    response = web.HTTPFound(target)
    if new_cookie:
        response.set_cookie(
            VISITOR_COOKIE, new_cookie, max_age=VISITOR_COOKIE_MAX_AGE, httponly=True, samesite="Lax", path="/s/"
        )
    raise response


def _visitor(request: web.Request) -> tuple[str, str | None]:
    """Who is visiting: our first-party cookie, minted on the first visit (then also the id of that visit).

    Customers behind one load balancer share an address, so the address never tells them
    apart; a browser that refuses cookies counts once per visit.
    """
    cookie = request.cookies.get(VISITOR_COOKIE, "")
    new = None
    if not re.fullmatch(r"[A-Za-z0-9_-]{16,43}", cookie):
        cookie = new = secrets.token_urlsafe(16)
    return "c:" + hashlib.sha256(cookie.encode()).hexdigest()[:62], new


def setup_routes(app: web.Application) -> None:
    app.router.add_get("/s/{code}", follow_share_link)


SALE_ERRORS = {409: "the order was recorded before with other values"}
REVIEW_ERRORS = {409: "the sale is not waiting for review (or was decided the other way)"}
STATE_ERRORS = {409: "the task's state does not allow it"}


def api_routes() -> list[ApiRoute]:
    task = "/api/v1/tasks/{task_id}"
    sale = "/api/v1/sales/{sale_id}"
    tasks, read, review = Permission.TASKS, Permission.READ, Permission.SALES_REVIEW
    return [
        ApiRoute("POST", "/api/v1/tasks", create_task, "Create a draft task", title="创建任务", tag="tasks",
                 permission=tasks, body=TaskIn, response=TaskOut, response_status=201),
        ApiRoute("GET", "/api/v1/tasks", list_tasks,
                 "List tasks with completion counts and rate (a scoped caller: the tasks reaching their guides)",
                 tag="tasks", permission=read, scoped=True, response=list[TaskOut]),
        ApiRoute("PUT", task, edit_task, "Edit a draft task", title="修改任务", tag="tasks", permission=tasks,
                 body=TaskIn, response=TaskOut, errors=STATE_ERRORS, before=task_before),
        ApiRoute("POST", f"{task}/publish", publish_task, "Publish: assign the audience, push the task cards (once)",
                 title="发布任务", tag="tasks", permission=tasks, response=TaskOut, errors=STATE_ERRORS,
                 before=task_before),
        ApiRoute("POST", f"{task}/cancel", cancel_task, "Cancel a task", title="取消任务", tag="tasks",
                 permission=tasks, response=TaskOut, before=task_before),
        ApiRoute("GET", f"{task}/progress", task_progress, "Per-guide progress (JSON, or CSV with ?format=csv)",
                 tag="tasks", permission=read, scoped=True, response=list[GuideProgressOut],
                 response_content_types=("application/json", "text/csv"), query=ProgressQuery),
        ApiRoute("GET", f"{task}/rollup", task_rollup, "Completion per store or branch", tag="tasks",
                 permission=read, scoped=True, response=list[RollupOut], query=RollupQuery),
        # store systems feed sales into tasks: whoever may run tasks may feed them
        ApiRoute("POST", "/api/v1/sales", post_sale, "Record a sales line (idempotent by order_id)", title="记录销售",
                 tag="sales", permission=tasks, body=SaleIn, response=SaleOut, errors=SALE_ERRORS),
        ApiRoute("GET", "/api/v1/sales", list_sales, "Sales lines, newest first (review=pending: self-reports to check)",
                 tag="sales", permission=read, scoped=True, response=list[SaleOut], query=SalesQuery),
        ApiRoute("POST", f"{sale}/confirm", confirm_sale,
                 "Confirm a self-reported sale: it counts in open sales tasks, once", title="确认自报业绩",
                 tag="sales", permission=review, scoped=True, response=SaleOut, errors=REVIEW_ERRORS,
                 before=sale_before),
        ApiRoute("POST", f"{sale}/reject", reject_sale, "Reject a self-reported sale: it never counts",
                 title="驳回自报业绩", tag="sales", permission=review, scoped=True, response=SaleOut,
                 errors=REVIEW_ERRORS, before=sale_before),
    ]  # fmt: skip
