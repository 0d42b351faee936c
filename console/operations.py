"""Operations: dead letters (callbacks, domain events, WeCom sends that failed on every attempt) with replay,
and the scheduled jobs with their next and last run, and a run now. The same code the HQ API runs."""

from __future__ import annotations

from aiohttp import web

from bot.views import EVENTS, INBOX, OUTBOX
from console.display import local_time
from console.pages import not_found, record_change, render, requires, see_other, services
from kernel.jobs.views import SCHEDULER, jobs_out, trigger
from staff.access import Permission

routes = web.RouteTableDef()
PAGE = "/console/reports/dead-letters"
# The kinds of dead letter, as the page names them.
KINDS = {"inbox": ("企业微信回调", INBOX), "events": ("内部事件", EVENTS), "outbox": ("企业微信发送", OUTBOX)}
RUN_STATUS = {
    "processing": ("运行中", "warn"),
    "pending": ("等待重试", "warn"),
    "done": ("成功", "ok"),
    "dead": ("失败", "bad"),
    "skipped": ("跳过", ""),
}


@routes.get("/reports/dead-letters")
@requires(Permission.OPERATIONS)
async def dead_letters(request: web.Request) -> web.Response:
    """死信与定时任务：失败的回调、事件和发送可以重放；定时任务可以立即运行。"""
    svc = services(request)
    letters = [(kind, title, await source.rows(svc)) for kind, (title, source) in KINDS.items()]
    return render(
        request,
        "reports/operations.html",
        letters=letters,
        jobs=await jobs_out(request.config_dict[SCHEDULER]),
        run_status=RUN_STATUS,
        done=request.query.get("done", ""),
        local_time=local_time(request),
    )


@routes.post(r"/reports/dead-letters/{kind:inbox|events|outbox}/{row_id:\d{1,9}}/replay")
@requires(Permission.OPERATIONS)
async def replay_dead_letter(request: web.Request) -> web.Response:
    """Effects are keyed, so a replay never counts anything twice; a row no longer dead is 404."""
    kind, row_id = request.match_info["kind"], int(request.match_info["row_id"])
    source, svc = KINDS[kind][1], services(request)
    before = next((row for row in await source.rows(svc) if row.id == row_id), None)
    if before is None or not await source.replay_row(svc, row_id):
        raise not_found("这条死信不存在，或已经重放过")
    target = f"{PAGE}/{kind}/{row_id}"
    await record_change(request, "重放死信", target, before.model_dump(mode="json"), {"replayed": True})
    raise see_other(f"{PAGE}?done=replayed")


@routes.post(r"/reports/dead-letters/jobs/{name:[a-z0-9_-]{1,64}}/run")
@requires(Permission.OPERATIONS)
async def run_job_now(request: web.Request) -> web.Response:
    """Runs the job for the current minute: pressed twice within a minute, it runs once."""
    scheduler = request.config_dict[SCHEDULER]
    job = scheduler.runs.jobs.get(request.match_info["name"])
    if job is None:
        raise not_found("没有这个定时任务")
    triggered = await trigger(scheduler, job)
    if triggered.started:
        after = triggered.model_dump(mode="json")
        await record_change(request, "立即运行定时任务", f"{PAGE}/jobs/{job.name}", None, after)
    raise see_other(f"{PAGE}?done={'started' if triggered.started else 'already'}#jobs")
