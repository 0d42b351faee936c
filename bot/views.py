"""HQ API over dead letters: callbacks, domain events and sends that failed on every attempt, and their replay."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aiohttp import web
from pydantic import BaseModel

from config.services import SERVICES, Services
from kernel.api import ApiError, ApiRoute, json_ok, path_params
from staff.access import Permission


class DeadLetterOut(BaseModel):
    id: int
    kind: str
    attempts: int
    error: str
    created_at: datetime


class ReplayOut(BaseModel):
    id: int
    replayed: bool


@dataclass(frozen=True)
class DeadLetters:
    """One kind of dead letter: where its rows live (anything with `dead_letters()` and `replay(id)`)."""

    path: str
    what: str
    source: Callable[[Services], Any]
    describe: Callable[[Any], DeadLetterOut]

    async def rows(self, services: Services) -> list[DeadLetterOut]:
        """The dead letters of this kind, newest first (the API's list and the console's page)."""
        return [self.describe(row) for row in await self.source(services).dead_letters()]

    async def replay_row(self, services: Services, row_id: int) -> bool:
        """Give the row a fresh set of attempts; False when it is not a dead letter (any more)."""
        return await self.source(services).replay(row_id)

    async def list(self, request: web.Request) -> web.Response:
        return json_ok(await self.rows(request.app[SERVICES]))

    async def replay(self, request: web.Request) -> web.Response:
        row_id = path_params(request)["row_id"]
        if not await self.replay_row(request.app[SERVICES], row_id):
            raise ApiError(409, "conflict", f"{self.what} {row_id} is not a dead letter (unknown, or replayed already)")
        return json_ok(ReplayOut(id=row_id, replayed=True), status=202)

    def routes(self, listed: str, replayed: str, replayed_title: str) -> list[ApiRoute]:
        return [
            ApiRoute("GET", self.path, self.list, listed, tag="dead letters", permission=Permission.OPERATIONS,
                     response=list[DeadLetterOut]),
            ApiRoute("POST", self.path + "/{row_id}/replay", self.replay, replayed, title=replayed_title,
                     tag="dead letters", permission=Permission.OPERATIONS, response=ReplayOut, response_status=202,
                     errors={409: "not a dead letter (any more)"}),
        ]  # fmt: skip


INBOX = DeadLetters(
    "/api/v1/inbox/dead-letters", "inbox row", lambda services: services.inbox.queue,
    lambda r: DeadLetterOut(id=r.id, kind=r.kind, attempts=r.attempts, error=r.error, created_at=r.received_at),
)  # fmt: skip
EVENTS = DeadLetters(
    "/api/v1/events/dead-letters", "event", lambda services: services.bus.queue,
    lambda r: DeadLetterOut(id=r.id, kind=r.name, attempts=r.attempts, error=r.error, created_at=r.occurred_at),
)  # fmt: skip
OUTBOX = DeadLetters(
    "/api/v1/outbox/dead-letters", "outbox row", lambda services: services.outbox,
    lambda r: DeadLetterOut(id=r.id, kind=r.api, attempts=r.attempts, error=r.last_error, created_at=r.created_at),
)  # fmt: skip


def api_routes() -> list[ApiRoute]:
    return [
        *INBOX.routes("Callbacks whose handling failed on every attempt",
                      "Handle a dead callback again (effects are keyed, so nothing counts twice)",
                      "重放死信（企业微信回调）"),
        *EVENTS.routes("Domain events whose subscribers failed on every attempt",
                       "Dispatch a dead event again (every subscriber's effect is keyed, so nothing happens twice)",
                       "重放死信（内部事件）"),
        *OUTBOX.routes("WeCom sends that failed for good", "Send a failed WeCom call again", "重放死信（企业微信发送）"),
    ]  # fmt: skip
