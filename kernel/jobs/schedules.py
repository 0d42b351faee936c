"""When a job's slots fall: every so often, or at a time of day (daily, on a weekday, on a day of the month).

A schedule answers two questions, both from an instant the caller read from its Clock:
the latest slot at or before it (what is due, and, stepping back, what was missed during a
downtime) and the first slot after it (what comes next). Slots are whole seconds.

The settings spell schedules the way people say them:

    every 30 s · every 5 min · every 1 h     aligned to the clock (every 5 min: :00, :05, …)
    09:30                                    daily
    mon 09:30                                every Monday (mon tue wed thu fri sat sun)
    1st 08:00                                every month on that day (1st … 28th, so every month has it)

Each schedule also says itself in Chinese (`label`: 每 5 分钟, 每天 09:30, 每周一 09:30,
每月 1 日 08:00) for HQ staff, who read the jobs in the console.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
UNITS = {"s": 1, "min": 60, "h": 3600}
UNIT_LABELS = {"s": "秒", "min": "分钟", "h": "小时"}
WEEKDAY_LABELS = ("一", "二", "三", "四", "五", "六", "日")
EPOCH = datetime(2000, 1, 3, tzinfo=UTC)  # whole intervals count from here (a Monday midnight)
DAYS_SEARCHED = 62  # a day of the month recurs within two months

_EVERY = re.compile(r"every\s+([1-9][0-9]{0,5})\s*(s|min|h)")
_TIME = r"([01]?[0-9]|2[0-3]):([0-5][0-9])"
_DAILY = re.compile(_TIME)
_WEEKLY = re.compile(rf"({'|'.join(WEEKDAYS)})\s+{_TIME}")
_MONTHLY = re.compile(rf"([1-9]|1[0-9]|2[0-8])(?:st|nd|rd|th)\s+{_TIME}")


class Schedule(Protocol):
    @property
    def label(self) -> str:
        """The schedule in Chinese, as HQ staff read it."""

    def latest(self, at: datetime) -> datetime:
        """The last slot at or before `at`."""

    def next(self, after: datetime) -> datetime:
        """The first slot after `after`."""


class ScheduleError(ValueError):
    pass


@dataclass(frozen=True)
class Every:
    """Slots a fixed interval apart, on whole multiples of it (every 5 min falls on :00, :05 …)."""

    interval: timedelta
    text: str
    label: str  # in Chinese: 每 5 分钟

    def latest(self, at: datetime) -> datetime:
        return EPOCH + (at - EPOCH) // self.interval * self.interval

    def next(self, after: datetime) -> datetime:
        return self.latest(after) + self.interval

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class AtTime:
    """A time of day in a time zone, on the days `on` accepts."""

    at: time
    on: Callable[[date], bool]
    timezone: ZoneInfo
    text: str
    label: str  # in Chinese: 每天 09:30, 每周一 09:30, 每月 1 日 09:30

    def latest(self, at: datetime) -> datetime:
        day = at.astimezone(self.timezone).date()
        for back in range(DAYS_SEARCHED):
            slot = self._slot_on(day - timedelta(days=back))
            if slot is not None and slot <= at:
                return slot
        raise AssertionError(f"{self.text}: no slot within {DAYS_SEARCHED} days")  # the parser allows none such

    def next(self, after: datetime) -> datetime:
        day = after.astimezone(self.timezone).date()
        for ahead in range(DAYS_SEARCHED):
            slot = self._slot_on(day + timedelta(days=ahead))
            if slot is not None and slot > after:
                return slot
        raise AssertionError(f"{self.text}: no slot within {DAYS_SEARCHED} days")

    def _slot_on(self, day: date) -> datetime | None:
        return datetime.combine(day, self.at, self.timezone).astimezone(UTC) if self.on(day) else None

    def __str__(self) -> str:
        return self.text


def parse_schedule(text: str, timezone: ZoneInfo) -> Schedule:
    """A schedule from its setting, e.g. `09:30`, `mon 09:30`, `1st 08:00`, `every 5 min` (see the module docstring)."""
    spelled = " ".join(text.strip().lower().split())
    if match := _EVERY.fullmatch(spelled):
        count, unit = int(match[1]), match[2]
        return Every(timedelta(seconds=count * UNITS[unit]), spelled, f"每 {count} {UNIT_LABELS[unit]}")
    if match := _DAILY.fullmatch(spelled):
        at = _time(match[1], match[2])
        return AtTime(at, lambda day: True, timezone, spelled, f"每天 {at:%H:%M}")
    if match := _WEEKLY.fullmatch(spelled):
        weekday, at = WEEKDAYS.index(match[1]), _time(match[2], match[3])
        label = f"每周{WEEKDAY_LABELS[weekday]} {at:%H:%M}"
        return AtTime(at, lambda day: day.weekday() == weekday, timezone, spelled, label)
    if match := _MONTHLY.fullmatch(spelled):
        day_of_month, at = int(match[1]), _time(match[2], match[3])
        label = f"每月 {day_of_month} 日 {at:%H:%M}"
        return AtTime(at, lambda day: day.day == day_of_month, timezone, spelled, label)
    raise ScheduleError(
        f"{text!r} is no schedule: say `09:30` (daily), `mon 09:30`, `1st 09:30` (days 1st-28th) or `every 5 min`"
    )


def _time(hours: str, minutes: str) -> time:
    return time(int(hours), int(minutes))
