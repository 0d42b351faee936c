"""The one source of time: UTC instants for storage, business days in the chain's time zone.

Everything that reads the time takes a Clock, so tests (and the scheduler) can move it
across business-day boundaries.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Protocol
from zoneinfo import ZoneInfo

BUSINESS_TIMEZONE = ZoneInfo("Asia/Shanghai")


class Clock(Protocol):
    timezone: ZoneInfo

    def now(self) -> datetime:
        """The current instant, timezone-aware UTC."""

    def today(self) -> date:
        """The current business day."""

    def business_day(self, at: datetime) -> date:
        """The business day an instant falls on."""


class SystemClock:
    def __init__(self, timezone: ZoneInfo = BUSINESS_TIMEZONE) -> None:
        self.timezone = timezone

    def now(self) -> datetime:
        return datetime.now(UTC)

    def today(self) -> date:
        return self.business_day(self.now())

    def business_day(self, at: datetime) -> date:
        return at.astimezone(self.timezone).date()
