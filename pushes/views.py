"""HQ API: a guide's push log, to answer "why did (or didn't) this guide get that message?"."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from aiohttp import web
from pydantic import BaseModel, Field

from kernel.api import ApiRoute, json_ok, path_params, query_params
from org.schemas import UserId
from org.views import guide_in_scope
from pushes.budget import PushBudget, push_kind
from pushes.log import push_history
from pushes.models import HOLD_REASON_LABELS, HoldReason
from staff.access import Permission

PUSHES = web.AppKey("pushes", PushBudget)

Reason = Literal["", "urgent", "quiet-hours", "muted", "hourly-cap", "daily-cap"]


class PushLogEntryOut(BaseModel):
    at: datetime
    key: str = Field(description="the push's outbox key; merged messages are `pushes:{userid}:{n}`")
    kind: str = Field(description="task-card, digest, task-reminder …: the key's first part")
    outcome: Literal["sent", "deferred", "merged", "failed"]
    reason: Reason = Field(description="why it was deferred, or `urgent` for a push that skipped the budget")
    detail: str


class WaitingPushOut(BaseModel):
    key: str
    kind: str
    reason: Literal["quiet-hours", "muted", "hourly-cap", "daily-cap"]
    reason_text: str
    release_at: datetime
    deferred_at: datetime


class PushLogOut(BaseModel):
    userid: str
    muted_until: datetime | None = Field(description="set while the guide's 免打扰 lasts")
    waiting: list[WaitingPushOut] = Field(description="held pushes not yet released, next first")
    log: list[PushLogEntryOut] = Field(description="newest first")


class PushLogQuery(BaseModel):
    limit: int = Field(100, ge=1, le=1000, description="how many of the newest log entries")


async def guide_push_log(request: web.Request) -> web.Response:
    userid = (await guide_in_scope(request, path_params(request)["userid"])).userid
    budget = request.app[PUSHES]
    history = await push_history(userid, budget.clock.now(), query_params(request).limit)
    return json_ok(
        PushLogOut(
            userid=userid,
            muted_until=history.muted_until,
            waiting=[
                WaitingPushOut(
                    key=push.source_key,
                    kind=push_kind(push.source_key),
                    reason=push.reason.value,
                    reason_text=HOLD_REASON_LABELS[HoldReason(push.reason)],
                    release_at=push.release_at,
                    deferred_at=push.created_at,
                )
                for push in history.waiting
            ],
            log=[
                PushLogEntryOut(
                    at=entry.at,
                    key=entry.key,
                    kind=push_kind(entry.key),
                    outcome=entry.outcome.value,
                    reason=entry.reason,
                    detail=entry.detail,
                )
                for entry in history.entries
            ],
        )
    )


def api_routes() -> list[ApiRoute]:
    return [
        ApiRoute("GET", "/api/v1/guides/{userid}/pushes", guide_push_log,
                 "A guide's push log: sent, deferred (why, until when), merged, failed; and what still waits",
                 tag="pushes", permission=Permission.READ, scoped=True, response=PushLogOut, params={"userid": UserId}, query=PushLogQuery),
    ]  # fmt: skip
