"""Facts the rewards package commits; leaderboards and notifications subscribe to them."""

from datetime import datetime

from kernel.event_bus import DomainEvent


class CoinsPosted(DomainEvent):
    """A ledger entry: an award (positive), a debit, or a reversal (source_type `reversal`)."""

    guide_userid: str
    entry_id: int
    amount: int
    reason: str
    source_type: str
    source_id: str
    posted_at: datetime


class BadgeEarned(DomainEvent):
    guide_userid: str
    code: str
    title: str


class RedemptionMade(DomainEvent):
    guide_userid: str
    redemption_id: int
    item_name: str
    price: int


class RedemptionCancelled(DomainEvent):
    guide_userid: str
    redemption_id: int
    item_name: str
    refunded: int
