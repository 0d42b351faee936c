"""A background loop that does one pass at a time, wakes early when told, and stops between passes.

Stopping between passes (rather than cancelling mid-pass) matters at shutdown: a pass
cancelled inside a database call can leave a pooled connection that is never released,
and then closing the pool waits forever.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from kernel.leases import Lease

log = logging.getLogger(__name__)


class PollingLoop:
    def __init__(
        self, name: str, one_pass: Callable[[], Awaitable[object]], lease: Lease | None, interval: float
    ) -> None:
        self._name = name
        self._one_pass = one_pass
        self._lease = lease
        self.interval = interval
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()

    def wake(self) -> None:
        """Run the next pass now rather than at the next poll."""
        self._wake.set()

    def stop(self) -> None:
        """Finish the pass under way, then return from `run`."""
        self._stopping.set()
        self._wake.set()

    async def run(self) -> None:
        """Passes until stopped; the lease's claims (if the passes claim rows) are renewed meanwhile, on their own schedule."""
        self._stopping.clear()
        renewing = asyncio.create_task(self._lease.keep_fresh(self._stopping)) if self._lease else None
        try:
            while not self._stopping.is_set():
                self._wake.clear()
                try:
                    await self._one_pass()
                except Exception as exc:
                    log.warning("%s pass failed (%s); trying again", self._name, type(exc).__name__)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.interval)
        finally:
            self._stopping.set()
            if renewing is not None:
                await renewing
