"""The one clock: UTC instants, business days in Asia/Shanghai."""

from datetime import UTC, datetime

from kernel.clock import SystemClock


def test_a_late_evening_sale_in_shanghai_is_that_days_business():
    clock = SystemClock()

    assert str(clock.business_day(datetime(2026, 5, 1, 15, 30, tzinfo=UTC))) == "2026-05-01"
    assert str(clock.business_day(datetime(2026, 5, 1, 16, 30, tzinfo=UTC))) == "2026-05-02"


def test_now_is_timezone_aware_utc():
    assert SystemClock().now().utcoffset().total_seconds() == 0
