"""Facts the contests package commits; payments and result messages subscribe to them."""

from datetime import date

from kernel.event_bus import DomainEvent


class ContestDaySettled(DomainEvent):
    """A contest day was settled (its prizes are owed); `finished`: it was the last day left, the final is decided."""

    contest_id: int
    day: date
    finished: bool


class ContestCorrected(DomainEvent):
    """A late fact changed a settled day; the guides whose coins changed are told."""

    contest_id: int
    correction_id: int
