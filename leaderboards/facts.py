"""What moves a board: facts read from the domain events live, and from the stored records on a rebuild.

Both paths produce the same (source, facts) pairs for the same records, which is what makes
`rebuild-boards` give back the boards the events built.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, datetime

from tortoise.expressions import Q

from fans.events import FanAdded, FanLost
from fans.models import Fan, FanVerdict, LossSource
from kernel.clock import Clock
from kernel.event_bus import DomainEvent
from leaderboards.metrics import FEN_PER_YUAN, Metric
from rewards.events import CoinsPosted
from rewards.models import CoinEntry
from tasks.events import PostShared, SaleConfirmed, SaleRecorded, TaskCompleted
from tasks.models import Sale, SaleReview, TaskAssignment

SPENDING = ("redemption", "redemption_refund")  # coins spent in the shop are not coins earned
BOARD_EVENTS = (SaleRecorded, SaleConfirmed, FanAdded, FanLost, PostShared, CoinsPosted, TaskCompleted)


@dataclass(frozen=True)
class Fact:
    """`amount` of `metric` to a guide on the business day it happened (sales in fen)."""

    guide_userid: str
    metric: Metric
    day: date
    amount: int
    at: datetime


@dataclass(frozen=True)
class SourcedFacts:
    """The facts one record contributes, under the record's key (`sale:17`), applied once together."""

    source: str
    facts: list[Fact]


def facts_of(event: DomainEvent, clock: Clock) -> SourcedFacts | None:
    """The board facts of a domain event; None when it moves no board (a self-report not yet confirmed)."""
    match event:
        case SaleRecorded(self_reported=False) | SaleConfirmed():
            return _sale(event.sale_id, event.guide_userid, int(event.amount * FEN_PER_YUAN), event.orders, event.sold_at, clock)  # fmt: skip
        case FanAdded(counts_as_new=True):
            return _fan_added(event.fan_id, event.guide_userid, event.added_at, clock)
        case FanLost(counts_as_new=True, transferred=False):
            return _fan_lost(event.fan_id, event.guide_userid, event.lost_at, clock)
        case PostShared():
            return _shared(event.assignment_id, event.guide_userid, event.shared_at, clock)
        case CoinsPosted() if event.source_type not in SPENDING:
            return _coins(event.entry_id, event.guide_userid, event.amount, event.posted_at, clock)
        case TaskCompleted():
            return _completed(event.task_id, event.guide_userid, event.completed_at, clock)
    return None


async def stored_facts(clock: Clock) -> AsyncIterator[SourcedFacts]:
    """Every board fact the database holds, as the events delivered them (read as tuples: there may be millions)."""
    counted_sales = Sale.filter(Q(self_reported=False) | Q(review=SaleReview.CONFIRMED))
    for sale_id, guide, fen, orders, sold_at in await counted_sales.values_list(
        "id", "guide_userid", "amount_fen", "orders", "sold_at"
    ):
        yield _sale(sale_id, guide, fen, orders, sold_at, clock)
    new_fans = Fan.filter(verdict=FanVerdict.NEW)
    for fan_id, guide, added_at, lost_at, loss_source in await new_fans.values_list(
        "id", "guide_userid", "added_at", "lost_at", "loss_source"
    ):
        yield _fan_added(fan_id, guide, added_at, clock)
        if lost_at is not None and loss_source != LossSource.TRANSFERRED:
            yield _fan_lost(fan_id, guide, lost_at, clock)
    shared = TaskAssignment.filter(shared_at__isnull=False)
    for assignment_id, guide, shared_at in await shared.values_list("id", "guide_userid", "shared_at"):
        yield _shared(assignment_id, guide, shared_at, clock)
    earned = CoinEntry.exclude(source_type__in=SPENDING)
    for entry_id, guide, amount, posted_at in await earned.values_list("id", "guide_userid", "amount", "created_at"):
        yield _coins(entry_id, guide, amount, posted_at, clock)
    done = TaskAssignment.filter(completed_at__isnull=False)
    for task_id, guide, completed_at in await done.values_list("task_id", "guide_userid", "completed_at"):
        yield _completed(task_id, guide, completed_at, clock)


def _sale(sale_id: int, guide: str, fen: int, orders: int, sold_at: datetime, clock: Clock) -> SourcedFacts:
    day = clock.business_day(sold_at)
    return SourcedFacts(
        f"sale:{sale_id}",
        [Fact(guide, Metric.SALES, day, fen, sold_at), Fact(guide, Metric.ORDERS, day, orders, sold_at)],
    )


def _fan_added(fan_id: int, guide: str, added_at: datetime, clock: Clock) -> SourcedFacts:
    return SourcedFacts(f"fan-added:{fan_id}", [Fact(guide, Metric.FANS, clock.business_day(added_at), 1, added_at)])


def _fan_lost(fan_id: int, guide: str, lost_at: datetime, clock: Clock) -> SourcedFacts:
    return SourcedFacts(f"fan-lost:{fan_id}", [Fact(guide, Metric.FANS, clock.business_day(lost_at), -1, lost_at)])


def _shared(assignment_id: int, guide: str, shared_at: datetime, clock: Clock) -> SourcedFacts:
    return SourcedFacts(
        f"shared:{assignment_id}", [Fact(guide, Metric.SHARES, clock.business_day(shared_at), 1, shared_at)]
    )


def _coins(entry_id: int, guide: str, amount: int, posted_at: datetime, clock: Clock) -> SourcedFacts:
    return SourcedFacts(
        f"coins:{entry_id}", [Fact(guide, Metric.COINS, clock.business_day(posted_at), amount, posted_at)]
    )


def _completed(task_id: int, guide: str, completed_at: datetime, clock: Clock) -> SourcedFacts:
    return SourcedFacts(
        f"task-done:{task_id}:{guide}", [Fact(guide, Metric.TASKS, clock.business_day(completed_at), 1, completed_at)]
    )
