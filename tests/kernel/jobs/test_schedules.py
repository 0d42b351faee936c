"""Schedules as people say them, in Asia/Shanghai: the latest slot at or before an instant, and the next one."""

from datetime import UTC, datetime

import pytest

from kernel.clock import BUSINESS_TIMEZONE as SHANGHAI
from kernel.jobs.schedules import ScheduleError, parse_schedule


def shanghai(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=SHANGHAI)


def test_a_daily_time_falls_due_at_that_time_in_shanghai():
    daily = parse_schedule("09:30", SHANGHAI)

    assert daily.latest(shanghai(2026, 5, 4, 10, 0)) == shanghai(2026, 5, 4, 9, 30)
    assert daily.latest(shanghai(2026, 5, 4, 9, 29)) == shanghai(2026, 5, 3, 9, 30)
    assert daily.latest(shanghai(2026, 5, 4, 9, 30)) == shanghai(2026, 5, 4, 9, 30)
    assert daily.next(shanghai(2026, 5, 4, 9, 30)) == shanghai(2026, 5, 5, 9, 30)


def test_a_weekday_time_falls_due_once_a_week():
    mondays = parse_schedule("mon 08:00", SHANGHAI)

    assert mondays.latest(shanghai(2026, 5, 10, 23, 0)) == shanghai(2026, 5, 4, 8, 0)  # from a Sunday
    assert mondays.next(shanghai(2026, 5, 4, 8, 0)) == shanghai(2026, 5, 11, 8, 0)


def test_a_day_of_the_month_falls_due_once_a_month():
    firsts = parse_schedule("1st 08:00", SHANGHAI)

    assert firsts.latest(shanghai(2026, 5, 20, 12, 0)) == shanghai(2026, 5, 1, 8, 0)
    assert firsts.latest(shanghai(2026, 3, 1, 7, 59)) == shanghai(2026, 2, 1, 8, 0)
    assert firsts.next(shanghai(2026, 12, 1, 8, 0)) == shanghai(2027, 1, 1, 8, 0)


def test_an_interval_falls_on_whole_multiples_of_itself():
    every_5 = parse_schedule("every 5 min", SHANGHAI)

    assert every_5.latest(shanghai(2026, 5, 4, 9, 7, 59)) == shanghai(2026, 5, 4, 9, 5)
    assert every_5.next(shanghai(2026, 5, 4, 9, 5)) == shanghai(2026, 5, 4, 9, 10)


def test_slots_come_out_in_utc():
    assert parse_schedule("09:30", SHANGHAI).latest(datetime(2026, 5, 4, 2, 0, tzinfo=UTC)).tzinfo == UTC


def test_a_schedule_reads_as_it_was_written():
    assert str(parse_schedule("  Mon   09:30 ", SHANGHAI)) == "mon 09:30"


@pytest.mark.parametrize(
    ("text", "label"),
    [("every 1 min", "每 1 分钟"), ("every 30 s", "每 30 秒"), ("every 2 h", "每 2 小时"), ("9:30", "每天 09:30"),
     ("mon 09:00", "每周一 09:00"), ("sun 21:30", "每周日 21:30"), ("1st 09:00", "每月 1 日 09:00")],
)  # fmt: skip
def test_a_schedule_says_itself_in_chinese_for_hq(text, label):
    assert parse_schedule(text, SHANGHAI).label == label


@pytest.mark.parametrize("text", ["", "9.30", "25:00", "every 0 min", "every 5 days", "29th 08:00", "monday 09:30"])
def test_anything_else_is_refused_with_the_spellings_that_work(text):
    with pytest.raises(ScheduleError, match="`09:30` .daily., `mon 09:30`"):
        parse_schedule(text, SHANGHAI)
