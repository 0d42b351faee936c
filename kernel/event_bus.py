"""Domain events: recorded in the same transaction as the change, dispatched to subscribers after commit.

A service that commits a fact (a fan added, progress counted, coins posted …) records it
inside `bus.transaction()`. The event row commits with the change or not at all. Once the
outermost such transaction has committed, the events go to their subscribers in the same
task, so effects are immediate. Each subscriber's effect must be idempotent under a key
derived from the event: a crash between the commit and the effects leaves the event
claimed, and a live process takes it back (kernel.retry_queue) and dispatches it again.
A subscriber that raises sends the whole event back for a retry with back-off, and after
the last attempt it is a dead letter.

A subscriber whose effect is only more rows in the same database (task progress, a badge)
can instead run inside the recording transaction (`subscribe(..., in_transaction=True)`):
its rows commit with the fact or not at all, so it needs no stored event, no redelivery and
no done-mark. If it raises, the whole change rolls back and the caller's own retry path
(the inbox's, an API's 4xx/5xx) applies. Events are stored only for after-commit subscribers.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict
from tortoise.transactions import in_transaction

from kernel.clock import Clock
from kernel.models import EventRecord
from kernel.retry_queue import PROCESSING, Claimed, RetryQueue

log = logging.getLogger(__name__)

Event = TypeVar("Event", bound="DomainEvent")
Subscriber = Callable[[Any], Awaitable[None]]


class DomainEvent(BaseModel):
    """A fact a domain service committed. Subclasses are registered by class name."""

    model_config = ConfigDict(frozen=True)

    registry: ClassVar[dict[str, type[DomainEvent]]] = {}
    event_id: int = 0  # the stored row's id, set when the event is dispatched

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        DomainEvent.registry[cls.__name__] = cls

    @classmethod
    def from_record(cls, record: EventRecord) -> DomainEvent:
        return cls.registry[record.name].model_validate({**record.payload, "event_id": record.id})


_recorded: ContextVar[list[DomainEvent] | None] = ContextVar("recorded_events", default=None)


class EventBus:
    def __init__(self, clock: Clock, *, on_dead_letter: Callable[[str], None] | None = None) -> None:
        self._clock = clock
        self._subscribers: dict[type[DomainEvent], list[Subscriber]] = defaultdict(list)
        self._in_transaction: dict[type[DomainEvent], list[Subscriber]] = defaultdict(list)
        self._on_dead_letter = on_dead_letter
        self.queue = RetryQueue(
            EventRecord, load=DomainEvent.from_record, work=self._dispatch, clock=clock, on_failure=self._failed
        )

    def subscribe(
        self,
        event_type: type[Event],
        subscriber: Callable[[Event], Awaitable[None]],
        *,
        in_transaction: bool = False,
    ) -> None:
        """After commit, from the stored event; or, `in_transaction`, as the event is recorded."""
        (self._in_transaction if in_transaction else self._subscribers)[event_type].append(subscriber)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """A database transaction whose recorded events are dispatched once the outermost one commits."""
        if _recorded.get() is not None:
            async with in_transaction():
                yield
            return
        recorded: list[DomainEvent] = []
        token = _recorded.set(recorded)
        try:
            async with in_transaction():
                yield
        finally:
            _recorded.reset(token)
        for event in recorded:
            await self.queue.attempt_now(Claimed(event.event_id, 1, event))

    async def record(self, event: DomainEvent) -> None:
        """Store the event in the current `transaction()`; it is dispatched after that commits."""
        recorded = _recorded.get()
        if recorded is None:
            raise RuntimeError(f"{type(event).__name__} recorded outside EventBus.transaction()")
        for subscriber in self._in_transaction[type(event)]:
            await subscriber(event)
        if not self._subscribers[type(event)]:
            return  # no one listens after commit: the rows the event describes are the record
        now = self._clock.now()
        record = await EventRecord.create(
            name=type(event).__name__,
            payload=event.model_dump(mode="json", exclude={"event_id"}),
            occurred_at=now,
            status=PROCESSING,
            claimed_at=now,
        )
        recorded.append(event.model_copy(update={"event_id": record.id}))

    async def _dispatch(self, event: DomainEvent) -> None:
        for subscriber in self._subscribers[type(event)]:
            await subscriber(event)

    async def _failed(self, claimed: Claimed[DomainEvent], error: str, given_up: bool) -> None:
        if given_up and self._on_dead_letter is not None:
            self._on_dead_letter(type(claimed.item).__name__)
