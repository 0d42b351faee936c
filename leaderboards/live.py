"""Live board changes: one Redis subscription per process, fanned out to every open page.

After a board changes, the boards PUBLISH on LIVE_CHANNEL which metrics changed and on which
business day. Each process subscribes once, however many pages are open, and wakes each
page's listener; the page then fetches its board again. Every replica hears every change,
so a page stays live whichever replica holds its stream.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import date

from redis.asyncio import Redis
from redis.exceptions import RedisError

from leaderboards.metrics import Metric
from leaderboards.periods import Period, PeriodKind
from leaderboards.store import LIVE_CHANNEL

MAX_PENDING = 32  # a page this far behind just refetches once, for everything
RESUBSCRIBE_AFTER = (0.5, 1.0, 2.0, 5.0)  # seconds, while Redis stays away

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BoardChange:
    """Which metrics changed on which business day; day None: any day (nothing is known, refetch)."""

    metrics: frozenset[Metric]
    day: date | None

    @classmethod
    def from_message(cls, data: bytes | str) -> BoardChange | None:
        """The change a published message describes; None for a message we cannot read (it is logged, not fatal)."""
        try:
            body = json.loads(data)
            names = body["metrics"]
            if not isinstance(names, list):
                raise TypeError("metrics is not a list")
            metrics = frozenset(metric for metric in Metric if metric.value in names)  # a metric we do not show: none
            day = date.fromisoformat(body["day"])
        except (ValueError, TypeError, KeyError):
            log.warning("ignored an unreadable board change on %s: %.200r", LIVE_CHANNEL, data)
            return None
        return cls(metrics, day)

    def concerns(self, metric: Metric, period: Period) -> bool:
        """Whether a page showing this board should fetch it again.

        A contest's span is not known here, so any change of its metric counts.
        """
        if metric not in self.metrics:
            return False
        if self.day is None or period.kind is PeriodKind.CONTEST:
            return True
        return period.first_day <= self.day <= period.last_day


EVERYTHING = BoardChange(frozenset(Metric), None)


class Listener:
    """One open page's view of the feed: the changes since it last looked, at most one batch per `min_gap` seconds.

    Changes are kept, never dropped: a slow page gets them together (or, past MAX_PENDING,
    one change that concerns every board), so the last change always reaches it.
    """

    def __init__(self, min_gap: float) -> None:
        self._min_gap = min_gap
        self._pending: list[BoardChange] = []
        self._woken = asyncio.Event()
        self._closed = asyncio.Event()
        self._last_batch_at: float | None = None

    def push(self, change: BoardChange) -> None:
        if len(self._pending) >= MAX_PENDING:
            self._pending = [EVERYTHING]
        elif self._pending != [EVERYTHING]:
            self._pending.append(change)
        self._woken.set()

    def close(self) -> None:
        self._closed.set()
        self._woken.set()

    def __aiter__(self) -> Listener:
        return self

    async def __anext__(self) -> list[BoardChange]:
        loop = asyncio.get_running_loop()
        if self._last_batch_at is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._closed.wait(), self._last_batch_at + self._min_gap - loop.time())
        while not self._pending and not self._closed.is_set():
            await self._woken.wait()
            self._woken.clear()
        if self._closed.is_set():
            raise StopAsyncIteration
        batch, self._pending = self._pending, []
        self._last_batch_at = loop.time()
        return batch


class BoardFeed:
    """The process's one subscriber to LIVE_CHANNEL, and the listeners of the open pages."""

    def __init__(self, redis: Redis) -> None:
        self._redis = redis
        self._listeners: set[Listener] = set()
        self.subscribed = asyncio.Event()

    @contextlib.contextmanager
    def listen(self, min_gap: float = 0.5) -> Iterator[Listener]:
        listener = Listener(min_gap)
        self._listeners.add(listener)
        try:
            yield listener
        finally:
            self._listeners.discard(listener)
            listener.close()

    @property
    def listening(self) -> int:
        return len(self._listeners)

    def fan_out(self, change: BoardChange) -> None:
        for listener in list(self._listeners):
            listener.push(change)

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[BoardFeed]:
        """Subscribed while the block runs; afterwards every listener is closed, so no page waits on a dead feed."""
        task = asyncio.create_task(self._run(), name="board-feed")
        try:
            yield self
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            for listener in list(self._listeners):
                listener.close()

    async def _run(self) -> None:
        failures = 0
        while True:
            try:
                await self._relay(resubscribed=failures > 0)
            except (RedisError, OSError) as exc:
                self.subscribed.clear()
                delay = RESUBSCRIBE_AFTER[min(failures, len(RESUBSCRIBE_AFTER) - 1)]
                if failures == 0:
                    log.warning("live boards: lost the Redis subscription (%s); retrying", exc)
                failures += 1
                await asyncio.sleep(delay)
            else:
                failures = 0

    async def _relay(self, *, resubscribed: bool) -> None:
        async with self._redis.pubsub() as pubsub:
            await pubsub.subscribe(LIVE_CHANNEL)
            self.subscribed.set()
            if resubscribed:
                log.info("live boards: subscribed again")
                self.fan_out(EVERYTHING)  # what was published meanwhile is lost: every page refetches once
            async for message in pubsub.listen():
                if message["type"] == "message":
                    change = BoardChange.from_message(message["data"])
                    if change is not None:
                        self.fan_out(change)
