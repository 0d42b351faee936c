"""HQ API over dead letters: callbacks, domain events and sends that failed on every attempt, and their replay."""

from __future__ import annotations

from datetime import datetime

from aiohttp import web
from pydantic import BaseModel

from config.services import SERVICES
from kernel.api import ApiError, ApiRoute, json_ok, path_params


class DeadLetterOut(BaseModel):
    id: int
    kind: str
    attempts: int
    error: str
    created_at: datetime


class ReplayOut(BaseModel):
    id: int
    replayed: bool


async def list_inbox_dead_letters(request: web.Request) -> web.Response:
    rows = await request.app[SERVICES].inbox.queue.dead_letters()
    return json_ok(
        [
            DeadLetterOut(id=r.id, kind=r.kind, attempts=r.attempts, error=r.error, created_at=r.received_at)
            for r in rows
        ]
    )


async def replay_inbox_dead_letter(request: web.Request) -> web.Response:
    row_id = path_params(request)["row_id"]
    if not await request.app[SERVICES].inbox.queue.replay(row_id):
        raise ApiError(409, "conflict", f"inbox row {row_id} is not a dead letter (unknown, or replayed already)")
    return json_ok(ReplayOut(id=row_id, replayed=True), status=202)


async def list_event_dead_letters(request: web.Request) -> web.Response:
    rows = await request.app[SERVICES].bus.queue.dead_letters()
    return json_ok(
        [
            DeadLetterOut(id=r.id, kind=r.name, attempts=r.attempts, error=r.error, created_at=r.occurred_at)
            for r in rows
        ]
    )


async def replay_event_dead_letter(request: web.Request) -> web.Response:
    row_id = path_params(request)["row_id"]
    if not await request.app[SERVICES].bus.queue.replay(row_id):
        raise ApiError(409, "conflict", f"event {row_id} is not a dead letter (unknown, or replayed already)")
    return json_ok(ReplayOut(id=row_id, replayed=True), status=202)


async def list_outbox_dead_letters(request: web.Request) -> web.Response:
    rows = await request.app[SERVICES].outbox.dead_letters()
    return json_ok(
        [
            DeadLetterOut(id=r.id, kind=r.api, attempts=r.attempts, error=r.last_error, created_at=r.created_at)
            for r in rows
        ]
    )


async def replay_outbox_dead_letter(request: web.Request) -> web.Response:
    row_id = path_params(request)["row_id"]
    if not await request.app[SERVICES].outbox.replay(row_id):
        raise ApiError(409, "conflict", f"outbox row {row_id} has not failed (unknown, or replayed already)")
    return json_ok(ReplayOut(id=row_id, replayed=True), status=202)


def api_routes() -> list[ApiRoute]:
    inbox, events, outbox = "/api/v1/inbox/dead-letters", "/api/v1/events/dead-letters", "/api/v1/outbox/dead-letters"
    return [
        ApiRoute("GET", inbox, list_inbox_dead_letters, "Callbacks whose handling failed on every attempt",
                 tag="dead letters", response=list[DeadLetterOut]),
        ApiRoute("POST", inbox + "/{row_id}/replay", replay_inbox_dead_letter,
                 "Handle a dead callback again (effects are keyed, so nothing counts twice)", tag="dead letters",
                 response=ReplayOut, response_status=202, errors={409: "not a dead letter (any more)"}),
        ApiRoute("GET", events, list_event_dead_letters, "Domain events whose subscribers failed on every attempt",
                 tag="dead letters", response=list[DeadLetterOut]),
        ApiRoute("POST", events + "/{row_id}/replay", replay_event_dead_letter,
                 "Dispatch a dead event again (every subscriber's effect is keyed, so nothing happens twice)",
                 tag="dead letters", response=ReplayOut, response_status=202,
                 errors={409: "not a dead letter (any more)"}),
        ApiRoute("GET", outbox, list_outbox_dead_letters, "WeCom sends that failed for good", tag="dead letters",
                 response=list[DeadLetterOut]),
        ApiRoute("POST", outbox + "/{row_id}/replay", replay_outbox_dead_letter,
                 "Send a failed WeCom call again", tag="dead letters", response=ReplayOut, response_status=202,
                 errors={409: "has not failed (any more)"}),
    ]  # fmt: skip
