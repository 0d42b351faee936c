"""Facts the fans package commits; task progress, badges and boards subscribe to them."""

from datetime import datetime

from kernel.event_bus import DomainEvent


class FanAdded(DomainEvent):
    """A customer added a guide; `counts_as_new` is the anti-cheat verdict (not 重粉, re-added or a colleague)."""

    guide_userid: str
    fan_id: int
    added_at: datetime
    counts_as_new: bool


class FanLost(DomainEvent):
    """删粉 or a guide deleting a customer; `transferred` when it was a handover, not churn."""

    guide_userid: str
    fan_id: int
    added_at: datetime
    lost_at: datetime
    counts_as_new: bool
    transferred: bool
