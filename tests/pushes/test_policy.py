"""When a guide may be pushed to: the quiet hours and the caps' windows, in Asia/Shanghai."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from pushes.budget import push_kind
from pushes.models import HoldReason
from pushes.policy import PushPolicy, QuietHours

SHANGHAI = ZoneInfo("Asia/Shanghai")
POLICY = PushPolicy(
    per_hour=4, per_day=12, quiet_hours=QuietHours.parse("22:00-08:00"), mute_for=timedelta(hours=24), timezone=SHANGHAI
)


def shanghai(hour: int, minute: int = 0, day: int = 7) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=SHANGHAI)


@pytest.mark.parametrize("text", ["22:00-08:00", " 22:00-08:00 "])
def test_quiet_hours_read_as_start_and_end(text):
    assert QuietHours.parse(text) == QuietHours(time(22), time(8))


@pytest.mark.parametrize("text", ["", "off", "OFF"])
def test_off_or_nothing_means_no_quiet_hours(text):
    assert QuietHours.parse(text) is None


@pytest.mark.parametrize("text", ["22-08", "25:00-08:00", "22:00-22:00", "22:00~08:00"])
def test_a_wrong_spelling_is_refused_with_an_example(text):
    with pytest.raises(ValueError, match="22:00-08:00"):
        QuietHours.parse(text)


@pytest.mark.parametrize(
    ("now", "until"),
    [
        (shanghai(22, 0), shanghai(8, day=8)),
        (shanghai(23, 59), shanghai(8, day=8)),
        (shanghai(3, 0), shanghai(8)),
        (shanghai(7, 59), shanghai(8)),
    ],
)
def test_a_push_in_the_night_waits_for_eight_in_the_morning(now, until):
    assert POLICY.quiet_until(now) == until


@pytest.mark.parametrize("now", [shanghai(8, 0), shanghai(12, 0), shanghai(21, 59)])
def test_the_day_is_not_quiet(now):
    assert POLICY.quiet_until(now) is None


def test_an_hourly_cap_lifts_at_the_next_full_hour():
    assert POLICY.after_cap(HoldReason.HOURLY_CAP, shanghai(10, 25)) == shanghai(11)


def test_an_hourly_cap_at_half_past_nine_in_the_evening_lifts_in_the_morning():
    assert POLICY.after_cap(HoldReason.HOURLY_CAP, shanghai(21, 30)) == shanghai(8, day=8)


def test_a_daily_cap_lifts_when_the_next_morning_s_quiet_hours_end():
    assert POLICY.after_cap(HoldReason.DAILY_CAP, shanghai(15, 0)) == shanghai(8, day=8)


@pytest.mark.parametrize(
    ("key", "kind"),
    [("task-card:7:0", "task-card"), ("digest:morning-digest@2026-12-07T01:30:00Z:zhangsan", "digest"),
     ("fan-report-daily@2026-12-06T22:27:00Z:lisi", "fan-report-daily")],
)  # fmt: skip
def test_a_push_s_kind_is_its_key_up_to_the_first_colon_or_at(key, kind):
    assert push_kind(key) == kind
