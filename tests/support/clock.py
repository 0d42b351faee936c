from datetime import UTC, date, datetime, timedelta

from kernel.clock import BUSINESS_TIMEZONE


class FakeClock:
    """A kernel.clock.Clock that a test moves by hand, e.g. across midnight in Asia/Shanghai."""

    def __init__(self, start: datetime | None = None, timezone=BUSINESS_TIMEZONE) -> None:
        self.timezone = timezone
        self._now = start or datetime.now(UTC)

    def now(self) -> datetime:
        return self._now

    def today(self) -> date:
        return self.business_day(self._now)

    def business_day(self, at: datetime) -> date:
        return at.astimezone(self.timezone).date()

    def advance(self, **delta: float) -> None:
        self._now += timedelta(**delta)

    def set(self, at: datetime) -> None:
        self._now = at
