"""Periods are named as people and the calendar name them; a malformed one is refused, not guessed."""

from datetime import date

import pytest

from leaderboards.periods import Period


def test_an_iso_week_is_named_by_its_iso_week_year():
    assert str(Period.week(date(2024, 12, 30))) == "week:2025-W01"
    assert str(Period.week(date(2021, 1, 3))) == "week:2020-W53"


def test_a_week_runs_monday_to_sunday():
    week = Period.parse("week:2025-W01")

    assert (week.first_day, week.last_day) == (date(2024, 12, 30), date(2025, 1, 5))


def test_a_month_ends_on_its_last_day():
    assert Period.parse("month:2028-02").last_day == date(2028, 2, 29)


def test_periods_read_in_chinese():
    labels = [Period.parse(text).label for text in ("day:2026-11-25", "week:2026-W48", "month:2026-11")]

    assert labels == ["11月25日", "2026年第48周", "2026年11月"]


@pytest.mark.parametrize("text", ["week:2025-W1", "day:2026-13-01", "month:2026-2", "contest:x", "year:2026", ""])
def test_a_malformed_period_is_refused(text):
    with pytest.raises(ValueError):
        Period.parse(text)


def test_a_contest_day_is_one_day_of_one_contest_and_reads_back_as_written():
    period = Period.contest_day(7, date(2026, 5, 1))

    assert str(period) == "contest-day:7:2026-05-01"
    assert Period.parse(str(period)) == period
    assert (period.first_day, period.last_day, period.contest_id) == (date(2026, 5, 1), date(2026, 5, 1), 7)


@pytest.mark.parametrize("text", ["contest-day:7", "contest-day:x:2026-05-01", "contest-day:07:2026-05-01",
                                  "contest-day:7:20260501", "contest-day:7:2026-02-30"])  # fmt: skip
def test_a_malformed_contest_day_is_refused(text):
    with pytest.raises(ValueError):
        Period.parse(text)
