"""What progress is worth, and which business day an event falls on."""

from tasks.kinds import TaskMetric
from tasks.models import Task
from tasks.rules import entitlement


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
