"""What progress is worth, which business day an event falls on, when a task ends and what is missing."""

from datetime import UTC, date, datetime

from kernel.clock import BUSINESS_TIMEZONE
from tasks.kinds import TaskMetric
from tasks.models import Task
from tasks.rules import ends_at, entitlement, gap, reminder_hours


def task(metric=TaskMetric.FANS, target=10, reward=50, bonus=5, cap=None) -> Task:
    return Task(metric=metric, target=target, reward_coins=reward, bonus_per_unit=bonus, bonus_cap=cap)


def test_below_target_earns_nothing():
    assert entitlement(task(), 9) == 0


def test_target_earns_the_reward_and_each_extra_fan_the_bonus():
    assert entitlement(task(), 10) == 50
    assert entitlement(task(), 13) == 65


def test_the_bonus_stops_at_its_cap():
    assert entitlement(task(cap=10), 20) == 60


def test_sales_bonus_counts_whole_yuan():
    sales = task(metric=TaskMetric.AMOUNT, target=100_000, bonus=1)

    assert entitlement(sales, 100_099) == 50
    assert entitlement(sales, 100_250) == 52


def test_a_task_ends_at_midnight_after_its_last_business_day_in_shanghai():
    last_day = Task(end_date=date(2026, 5, 3))

    assert ends_at(last_day, BUSINESS_TIMEZONE) == datetime(2026, 5, 3, 16, 0, tzinfo=UTC)


def test_a_task_is_reminded_24_and_2_hours_before_its_end_unless_it_says_otherwise():
    assert reminder_hours(Task(reminder_hours=None)) == (24, 2)
    assert reminder_hours(Task(reminder_hours=[6, 48])) == (48, 6)
    assert reminder_hours(Task(reminder_hours=[])) == ()


def test_the_gap_reads_in_the_metrics_unit_and_money_in_yuan():
    assert gap(task(), 3) == "7 位粉丝"
    assert gap(task(metric=TaskMetric.AMOUNT, target=200_000), 80_000) == "¥1,200"
    assert gap(task(), 12) == "0 位粉丝"
