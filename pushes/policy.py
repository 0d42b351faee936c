"""When a guide may be pushed to: caps per hour and per day, and the night's quiet hours."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, tzinfo

from pushes.models import HoldReason

QUIET_HOURS = re.compile(r"([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)")


@dataclass(frozen=True)
class QuietHours:
    """A window of the business day when nothing but urgent pushes goes out; it may span midnight (22:00-08:00)."""

    start: time
    end: time

    @classmethod
    def parse(cls, text: str) -> QuietHours | None:
        """`22:00-08:00`; `off` (or nothing) means no quiet hours."""
        if not text or text.strip().casefold() == "off":
            return None
        match = QUIET_HOURS.fullmatch(text.strip())
        if not match or match.groups()[:2] == match.groups()[2:]:
            raise ValueError("must be HH:MM-HH:MM with two different times, e.g. 22:00-08:00, or off")
        hour, minute, end_hour, end_minute = (int(part) for part in match.groups())
        return cls(time(hour, minute), time(end_hour, end_minute))

    def contains(self, local: datetime) -> bool:
        moment = local.time()
        if self.start < self.end:
            return self.start <= moment < self.end
        return moment >= self.start or moment < self.end

    def end_after(self, local: datetime) -> datetime:
        """The first end of the window at or after `local`."""
        end = local.replace(hour=self.end.hour, minute=self.end.minute, second=0, microsecond=0)
        return end if end >= local else end + timedelta(days=1)


@dataclass(frozen=True)
class PushPolicy:
    """Caps of 0 mean no cap; `mute_for` is how long 免打扰 lasts. Instants it answers are UTC, as stored."""

    per_hour: int
    per_day: int
    quiet_hours: QuietHours | None
    mute_for: timedelta
    timezone: tzinfo

    def quiet_until(self, now: datetime) -> datetime | None:
        """When the quiet hours `now` falls in end, or None outside them."""
        local = now.astimezone(self.timezone)
        if self.quiet_hours is None or not self.quiet_hours.contains(local):
            return None
        return self.quiet_hours.end_after(local).astimezone(UTC)

    def first_allowed(self, at: datetime) -> datetime:
        """`at`, or the end of the quiet hours it falls in."""
        return self.quiet_until(at) or at.astimezone(UTC)

    def after_cap(self, reason: HoldReason, now: datetime) -> datetime:
        """When a guide whose hourly or daily cap is used up may be pushed to again."""
        local = now.astimezone(self.timezone)
        if reason is HoldReason.HOURLY_CAP:
            return self.first_allowed(local.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1))
        next_day = local.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
        return self.first_allowed(next_day)

    def hour_bucket(self, now: datetime) -> str:
        return now.astimezone(self.timezone).strftime("%Y%m%d%H")

    def day_bucket(self, now: datetime) -> str:
        return now.astimezone(self.timezone).strftime("%Y%m%d")
