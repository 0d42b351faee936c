"""HQ API over the scheduled jobs: what runs when and how it went, each job's recent slots, and a run now."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Annotated, Literal

from aiohttp import web
from pydantic import AwareDatetime, BaseModel, BeforeValidator, Field

from kernel.api import ApiError, ApiRoute, json_ok, path_params, query_params
from kernel.jobs import Job
from kernel.jobs.scheduler import Scheduler
from kernel.models import JobRun

SCHEDULER = web.AppKey("scheduler", Scheduler)
RFC_3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")


def _rfc_3339(value: object) -> object:
    """pydantic would also take a number of seconds since 1970 ("0.5"): the document promises RFC 3339."""
    if isinstance(value, str) and not RFC_3339.fullmatch(value):
        raise ValueError("must be an RFC 3339 date-time with an offset, e.g. 2026-05-04T09:30:00+08:00")
    return value


Instant = Annotated[AwareDatetime, BeforeValidator(_rfc_3339)]


class RunOut(BaseModel):
    id: int
    job: str
    slot: datetime
    trigger: Literal["schedule", "hq"]
    status: Literal["processing", "pending", "done", "dead", "skipped"] = Field(
        description="processing: under way · pending: a retry is due · done · dead: failed on every attempt "
        "(trigger its slot to run it again) · skipped: missed beyond the job's grace, or superseded by a later slot"
    )
    attempts: int
    started_at: datetime | None
    finished_at: datetime | None
    outcome: str = Field(description="what the run did, or why the slot was skipped")
    error: str = Field(description="the last attempt's error")
    runner: str = Field(description="the process that worked on it last (host:pid)")


class JobOut(BaseModel):
    name: str
    description: str
    title: str = Field(description="the job's name in Chinese, as HQ's console shows it")
    purpose: str = Field(description="what the job does, in Chinese")
    schedule: str
    schedule_label: str = Field(
        description="the schedule in Chinese: 每 5 分钟, 每天 09:30, 每周一 09:30, 每月 1 日 09:30"
    )
    timezone: str
    grace_seconds: int
    next_run: datetime
    last_run: RunOut | None = Field(description="the newest slot's run, skipped ones included")


class TriggerOut(BaseModel):
    started: bool = Field(description="false: the slot had run or was running already; `run` is that run")
    run: RunOut


class RunsQuery(BaseModel):
    limit: int = Field(50, ge=1, le=500, description="how many of the newest slots")


class TriggerQuery(BaseModel):
    slot: Instant | None = Field(
        None,
        description="the slot to run, at most now (fractions of a second are dropped). "
        "Unset: the current minute, so that asking twice within a minute runs the job once",
    )


def _run_out(run: JobRun) -> RunOut:
    return RunOut(
        id=run.id, job=run.job, slot=run.slot, trigger=run.trigger, status=run.status, attempts=run.attempts,
        started_at=run.started_at, finished_at=run.processed_at, outcome=run.outcome, error=run.error,
        runner=run.runner,
    )  # fmt: skip


def _job(request: web.Request) -> Job:
    """The path names a declared job: the document's names are the scheduler's (an unknown one is 404 before this)."""
    return request.app[SCHEDULER].runs.jobs[path_params(request)["name"]]


async def list_jobs(request: web.Request) -> web.Response:
    return json_ok(await jobs_out(request.app[SCHEDULER]))


async def jobs_out(scheduler: Scheduler) -> list[JobOut]:
    """Every job with its schedule, next run and newest slot (the API's list and the console's page)."""
    jobs = []
    for job in scheduler.jobs:
        last = await scheduler.runs.recent(job.name, 1)
        jobs.append(
            JobOut(
                name=job.name,
                description=job.description,
                title=job.title,
                purpose=job.purpose,
                schedule=str(job.schedule),
                schedule_label=job.schedule.label,
                timezone=str(scheduler.clock.timezone),
                grace_seconds=int(job.grace.total_seconds()),
                next_run=scheduler.next_run(job),
                last_run=_run_out(last[0]) if last else None,
            )  # fmt: skip
        )
    return jobs


async def list_runs(request: web.Request) -> web.Response:
    runs = await request.app[SCHEDULER].runs.recent(_job(request).name, query_params(request).limit)
    return json_ok([_run_out(run) for run in runs])


async def run_now(request: web.Request) -> web.Response:
    return json_ok(await trigger(request.app[SCHEDULER], _job(request), query_params(request).slot))


async def trigger(scheduler: Scheduler, job: Job, slot: datetime | None = None) -> TriggerOut:
    """Run `job` for `slot` (default: the current minute, so asking twice within a minute runs it once)."""
    run, started = await scheduler.trigger(job, _slot(slot, scheduler.clock.now()))
    return TriggerOut(started=started, run=_run_out(run))


def _slot(asked: datetime | None, now: datetime) -> datetime:
    if asked is None:
        return now.replace(second=0, microsecond=0)
    try:
        slot = asked.astimezone(UTC).replace(microsecond=0)
    except OverflowError:
        slot = None  # an offset that takes the instant out of the years datetime can hold
    if slot is None or slot > now:
        raise ApiError(422, "rule_violation", "invalid fields: slot",
                       [{"field": "slot", "message": "must be an instant no later than now"}])  # fmt: skip
    return slot


def api_routes(job_names: Sequence[str], permission: str) -> list[ApiRoute]:
    """`permission`: what a caller needs to see and run jobs (the kernel knows no roles)."""
    name = {"name": Literal[tuple(job_names)]}
    return [
        ApiRoute("GET", "/api/v1/jobs", list_jobs, "Scheduled jobs: schedule, next run, last run and its outcome",
                 tag="jobs", permission=permission, response=list[JobOut]),
        ApiRoute("GET", "/api/v1/jobs/{name}/runs", list_runs, "A job's newest slots, skipped ones included",
                 tag="jobs", permission=permission, response=list[RunOut], params=name, query=RunsQuery),
        ApiRoute("POST", "/api/v1/jobs/{name}/run", run_now,
                 "Run a job now for a slot, once however often asked: a slot that ran or runs answers its run",
                 title="立即运行定时任务", tag="jobs", permission=permission, response=TriggerOut, params=name,
                 query=TriggerQuery),
    ]  # fmt: skip
