"""Claims that stay fresh while their holder lives, so a crashed holder's work is taken back within seconds.

A row is claimed by setting `claimed_at`. While this process works on it, `keep_fresh`
renews the claim every third of the lease; a claim older than the lease therefore
belongs to a process (or replica) that died, hung, or lost its database, and any live
process may take the row back.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from tortoise.models import Model

log = logging.getLogger(__name__)


class Lease:
    def __init__(
        self, model: type[Model], held_status: str, duration: timedelta, clock: Callable[[], datetime]
    ) -> None:
        self._model = model
        self._held_status = held_status
        self.duration = duration
        self._clock = clock
        self._held: set[int] = set()

    def hold(self, row_id: int) -> None:
        self._held.add(row_id)

    def release(self, row_id: int) -> None:
        self._held.discard(row_id)

    def stale_before(self) -> datetime:
        """Claims made before this moment were not renewed: their holder is gone."""
        return self._clock() - self.duration

    async def renew(self) -> None:
        if self._held:
            await self._model.filter(id__in=list(self._held), status=self._held_status).update(claimed_at=self._clock())

    async def keep_fresh(self, stopping: asyncio.Event) -> None:
        """Renew every third of the lease until `stopping` is set."""
        while not stopping.is_set():
            try:
                await asyncio.wait_for(stopping.wait(), self.duration.total_seconds() / 3)
                return
            except TimeoutError:
                pass
            try:
                await self.renew()
            except Exception as exc:
                log.warning("could not renew %s claims: %s", self._model.__name__, type(exc).__name__)
