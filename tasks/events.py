"""Facts the tasks package commits; congratulations, badges and boards subscribe to them."""

from datetime import date, datetime
from decimal import Decimal

from kernel.event_bus import DomainEvent


class ProgressCounted(DomainEvent):
    """One counted event moved a guide's task (units may be negative: a lost fan, a refund)."""

    guide_userid: str
    task_id: int
    source_key: str
    units: int
    progress: int
    business_day: date


class TaskCompleted(DomainEvent):
    guide_userid: str
    task_id: int
    title: str
    coins_paid: int
    completed_at: datetime


class PostShared(DomainEvent):
    """A guide confirmed sharing a task's post (已转发), once per task."""

    guide_userid: str
    task_id: int
    assignment_id: int
    shared_at: datetime


class SaleRecorded(DomainEvent):
    """A sales line stored once (a refund is a negative line with `refund_of`)."""

    sale_id: int
    order_id: str
    guide_userid: str
    store_code: str
    amount: Decimal
    orders: int
    channel: str
    sold_at: datetime
    self_reported: bool


class SaleConfirmed(DomainEvent):
    """HQ confirmed a self-reported sales line: from now on it counts as a store system's would."""

    sale_id: int
    guide_userid: str
    amount: Decimal
    orders: int
    channel: str
    sold_at: datetime
