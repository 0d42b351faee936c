"""Facts the benchmarks package commits; the badge and the announcement subscribe to them."""

from datetime import date

from kernel.event_bus import DomainEvent


class BenchmarksSelected(DomainEvent):
    """A day's titles were chosen; `winners` holds each named guide's UserID (a guide may hold two titles)."""

    day: date
    winners: list[str]
