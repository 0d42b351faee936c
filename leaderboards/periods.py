"""The spans a board covers: a business day, an ISO week, a month, a contest's own dates, or one day of a contest."""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum
from typing import NamedTuple


class PeriodKind(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    CONTEST = "contest"
    CONTEST_DAY = "contest-day"


class Period(NamedTuple):
    """A board's span, named so that its text is its Redis key part: `week:2025-W01`.

    A tuple, so that a rebuild can hash millions of board keys cheaply.
    """

    kind: PeriodKind
    key: str

    @classmethod
    def day(cls, day: date) -> Period:
        return cls(PeriodKind.DAY, day.isoformat())

    @classmethod
    def week(cls, day: date) -> Period:
        """Named by the ISO week-year: 2024-12-30 is in 2025-W01."""
        year, week, _ = day.isocalendar()
        return cls(PeriodKind.WEEK, f"{year}-W{week:02d}")

    @classmethod
    def month(cls, day: date) -> Period:
        return cls(PeriodKind.MONTH, f"{day.year}-{day.month:02d}")

    @classmethod
    def contest(cls, contest_id: int) -> Period:
        return cls(PeriodKind.CONTEST, str(contest_id))

    @classmethod
    def contest_day(cls, contest_id: int, day: date) -> Period:
        """One business day of a contest: its own board, apart from the calendar day's (`contest-day:7:2026-05-01`)."""
        return cls(PeriodKind.CONTEST_DAY, f"{contest_id}:{day.isoformat()}")

    @classmethod
    def calendar(cls, day: date) -> tuple[Period, Period, Period]:
        """The day, week and month boards a fact of `day` moves."""
        return cls.day(day), cls.week(day), cls.month(day)

    @classmethod
    def parse(cls, text: str) -> Period:
        """`day:2026-11-25`, `week:2026-W48`, `month:2026-11`, `contest:7` or `contest-day:7:2026-05-01`.

        ValueError for anything else.
        """
        kind, _, key = text.partition(":")
        try:
            period_kind = PeriodKind(kind)
        except ValueError:
            raise ValueError(
                "period must be day:YYYY-MM-DD, week:YYYY-Www, month:YYYY-MM, contest:ID or contest-day:ID:YYYY-MM-DD,"
                f" not {text!r}"
            ) from None
        period = cls(period_kind, key)
        first = period.first_day  # raises on a key that names no such span
        named = {PeriodKind.DAY: cls.day, PeriodKind.WEEK: cls.week, PeriodKind.MONTH: cls.month}.get(period.kind)
        if named is not None and named(first) != period:
            raise ValueError(f"write the period as {named(first)}, not {text!r}")
        if period.kind is PeriodKind.CONTEST_DAY and cls.contest_day(period.contest_id, first) != period:
            raise ValueError(f"write the period as {cls.contest_day(period.contest_id, first)}, not {text!r}")
        return period

    @property
    def contest_id(self) -> int | None:
        """The contest a contest or contest-day period belongs to."""
        if self.kind is PeriodKind.CONTEST:
            return int(self.key)
        if self.kind is PeriodKind.CONTEST_DAY:
            return int(self.key.partition(":")[0])
        return None

    @property
    def first_day(self) -> date | None:
        """The period's first business day (None for a contest, whose dates are the contest's)."""
        try:
            if self.kind is PeriodKind.DAY:
                return date.fromisoformat(self.key)
            if self.kind is PeriodKind.WEEK:
                year, week = self.key.split("-W")
                return date.fromisocalendar(int(year), int(week), 1)
            if self.kind is PeriodKind.MONTH:
                year, month = self.key.split("-")
                if len(month) != 2:
                    raise ValueError(month)
                return date(int(year), int(month), 1)
            if self.kind is PeriodKind.CONTEST_DAY:
                contest, _, day = self.key.partition(":")
                if not contest.isdigit():
                    raise ValueError(contest)
                return date.fromisoformat(day)
            if not self.key.isdigit():
                raise ValueError(self.key)
            return None
        except ValueError:
            raise ValueError(f"{self.kind} period {self.key!r} is not a valid {_FORMATS[self.kind]}") from None

    @property
    def last_day(self) -> date | None:
        first = self.first_day
        if first is None or self.kind in (PeriodKind.DAY, PeriodKind.CONTEST_DAY):
            return first
        if self.kind is PeriodKind.WEEK:
            return first + timedelta(days=6)
        next_month = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
        return next_month - timedelta(days=1)

    @property
    def label(self) -> str:
        first = self.first_day
        if self.kind is PeriodKind.DAY:
            return f"{first.month}月{first.day}日"
        if self.kind is PeriodKind.WEEK:
            year, week = self.key.split("-W")
            return f"{year}年第{int(week)}周"
        if self.kind is PeriodKind.MONTH:
            return f"{first.year}年{first.month}月"
        if self.kind is PeriodKind.CONTEST_DAY:
            return f"赛事 {self.contest_id} · {first.month}月{first.day}日"
        return f"赛事 {self.key}"

    def __str__(self) -> str:
        return f"{self.kind}:{self.key}"


_FORMATS = {
    PeriodKind.DAY: "date (YYYY-MM-DD)",
    PeriodKind.WEEK: "ISO week (YYYY-Www)",
    PeriodKind.MONTH: "month (YYYY-MM)",
    PeriodKind.CONTEST: "contest id",
    PeriodKind.CONTEST_DAY: "contest id and date (ID:YYYY-MM-DD)",
}
