"""Posting tasks from the console: a draft of any kind, edited until HQ publishes it (after a confirmation), or cancels it.

Every form is checked by the HQ API's TaskIn and the publisher's own check, plus, for a
branch lead who may post, that the audience stays in their branch; all problems are listed
at once and nothing is saved. Each change is written to the audit trail, before → after.
"""

from __future__ import annotations

from aiohttp import web

from console.audience import audience_from, audience_in_words, chosen_guides, org_tree, out_of_scope, store_guides
from console.forms import validate, validate_checked
from console.pages import forbidden, not_found, principal, record_change, render, requires, see_other, services
from console.task_form import KIND_CHOICES, LABELS, new_task_body, stored_task_body, target_wording, task_body
from console.tasks import TASK, card_preview, visible_task
from kernel.api import Problems
from org.service import UnknownCodes
from staff.access import Permission
from tasks.errors import TaskStateConflict
from tasks.models import Task, TaskAssignment, TaskStatus
from tasks.publishing import audience_guides
from tasks.schemas import Audience, TaskIn

routes = web.RouteTableDef()


@routes.get("/tasks/new")
@requires(Permission.TASKS)
async def new_task_form(request: web.Request) -> web.Response:
    return await _form(request, new_task_body(services(request).clock.today()))


@routes.post("/tasks/new")
@requires(Permission.TASKS)
async def create_task(request: web.Request) -> web.Response:
    body = task_body(await request.post())
    data, errors = await validate_checked(TaskIn, body, LABELS, _checks(request), target_wording(body))
    if data is None:
        return await _form(request, body, errors)
    task = await services(request).publishing.create_draft(data)
    await record_change(request, "创建任务", f"task:{task.id}", None, _snapshot(task))
    raise see_other(f"/console/tasks/{task.id}?done=saved")


@routes.get(TASK + "/edit")
@requires(Permission.TASKS)
async def edit_task_form(request: web.Request) -> web.Response:
    task = await _draft(request)
    return await _form(request, stored_task_body(task), task=task)


@routes.post(TASK + "/edit")
@requires(Permission.TASKS)
async def edit_task(request: web.Request) -> web.Response:
    task = await _draft(request)
    body = task_body(await request.post())
    data, errors = await validate_checked(TaskIn, body, LABELS, _checks(request), target_wording(body))
    if data is None:
        return await _form(request, body, errors, task=task)
    try:
        edited = await services(request).publishing.edit_draft(task.id, data)
    except TaskStateConflict:
        raise web.HTTPConflict(text="任务已发布或已取消，只有草稿可以修改") from None
    await record_change(request, "修改任务", f"task:{task.id}", _snapshot(task), _snapshot(edited))
    raise see_other(f"/console/tasks/{task.id}?done=saved")


@routes.get(TASK + "/publish")
@requires(Permission.TASKS)
async def confirm_publish(request: web.Request) -> web.Response:
    """The last step before the cards go: how many guides get this card, as publishing will count them."""
    task = await _draft(request)
    try:
        reached = len(await audience_guides(services(request).org, task.audience))
    except UnknownCodes:
        reached = 0
    return render(
        request,
        "tasks/confirm.html",
        task=task,
        action="publish",
        reached=reached,
        card=card_preview(task),
        audience=await audience_in_words(services(request).org, task.audience),
    )


@routes.post(TASK + "/publish")
@requires(Permission.TASKS)
async def publish_task(request: web.Request) -> web.Response:
    task = await _draft(request)
    try:
        published = await services(request).publishing.publish(task.id)
    except (TaskStateConflict, UnknownCodes):
        raise web.HTTPConflict(text="任务已取消，或发布对象中有已不存在的组织，未发布") from None
    after = _snapshot(published) | {"assigned": await TaskAssignment.filter(task_id=task.id).count()}
    await record_change(request, "发布任务", f"task:{task.id}", _snapshot(task), after)
    raise see_other(f"/console/tasks/{task.id}?done=published")


@routes.get(TASK + "/cancel")
@requires(Permission.TASKS)
async def confirm_cancel(request: web.Request) -> web.Response:
    task = await _changeable(request)
    if task.status is TaskStatus.CANCELLED:
        raise see_other(f"/console/tasks/{task.id}")
    reached = await TaskAssignment.filter(task_id=task.id).count()
    return render(request, "tasks/confirm.html", task=task, action="cancel", reached=reached, card=card_preview(task))


@routes.post(TASK + "/cancel")
@requires(Permission.TASKS)
async def cancel_task(request: web.Request) -> web.Response:
    task = await _changeable(request)
    if task.status is not TaskStatus.CANCELLED:
        cancelled = await services(request).publishing.cancel(task.id)
        await record_change(request, "取消任务", f"task:{task.id}", _snapshot(task), _snapshot(cancelled))
    raise see_other(f"/console/tasks/{task.id}?done=cancelled")


@routes.post("/tasks/audience-count")
@requires(Permission.TASKS)
async def audience_count(request: web.Request) -> web.Response:
    """The live count under the picker: the guides the chosen audience reaches now, or why it reaches none."""
    audience, _ = validate(Audience, audience_from(await request.post()), LABELS)
    if audience is None:  # nothing chosen yet (the picker only offers valid codes)
        return render(request, "tasks/_reach.html", reached=None, messages=[], hint="请选择发给谁")
    org, chosen = services(request).org, audience.model_dump()
    problems = await out_of_scope(org, principal(request), chosen)
    reached = None
    if not problems:
        try:
            reached = len(await audience_guides(org, chosen))
        except UnknownCodes:
            problems = [("audience", "所选的组织已不存在，请刷新页面")]
    messages = [message for _, message in problems]
    return render(request, "tasks/_reach.html", reached=reached, messages=messages, hint="")


@routes.get("/tasks/audience/stores/{code}")
@requires(Permission.READ)
async def audience_store_guides(request: web.Request) -> web.Response:
    """One store's guides, fetched when the poster opens the store in the picker (the form lists stores only).

    Scoped as the picker is: a store the reader may not see answers 404. Guides already
    ticked in the form's 已选导购 (sent as `audience.guides`) are named, not offered twice.
    """
    guides = await store_guides(principal(request), request.match_info["code"])
    if guides is None:
        raise not_found()
    chosen = set(request.query.getall("audience.guides", []))
    return render(request, "tasks/_store_guides.html", guides=guides, chosen=chosen)


def _checks(request: web.Request):
    """The publisher's check (unknown codes, an audience without guides) and the poster's scope, as one."""
    publisher, org, me = services(request).publishing, services(request).org, principal(request)

    async def check(values: dict) -> Problems:
        problems = await publisher.problems(values)
        if (audience := values.get("audience")) is not None:
            problems += await out_of_scope(org, me, audience.model_dump())
        return problems

    return check


async def _changeable(request: web.Request) -> Task:
    """A task the poster may change: HQ any task they see; a branch lead one whose audience stays in their branch."""
    task = await visible_task(request)
    if await out_of_scope(services(request).org, principal(request), task.audience):
        raise forbidden("此任务的对象超出你的管理范围，只能查看")
    return task


async def _draft(request: web.Request) -> Task:
    task = await _changeable(request)
    if task.status is not TaskStatus.DRAFT:
        raise web.HTTPConflict(text="任务已发布或已取消，只有草稿可以修改或发布")
    return task


async def _form(request: web.Request, body: dict, errors: dict | None = None, task: Task | None = None) -> web.Response:
    return render(
        request,
        "tasks/form.html",
        status=422 if errors else 200,
        body=body,
        errors=errors or {},
        audience_errors=[message for name, message in (errors or {}).items() if name.startswith("audience")],
        task=task,
        kinds=KIND_CHOICES,
        tree=await org_tree(principal(request)),
        chosen=await chosen_guides(services(request).org, list((body.get("audience") or {}).get("guides") or [])),
    )


def _snapshot(task: Task) -> dict:
    """A task as the audit trail keeps it: its state and every field HQ sets."""
    return {"id": task.id, "status": str(task.status), **stored_task_body(task)}
