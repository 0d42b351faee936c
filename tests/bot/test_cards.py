"""What a guide reads on a task card."""

from datetime import date

import pytest

from bot.cards import task_card
from tasks.kinds import TaskKind, TaskMetric
from tasks.models import Task


def reward_on_card(**fields) -> str:
    task = Task(
        id=7, kind=TaskKind.ADD_FANS, metric=TaskMetric.FANS, title="五一吸粉冲刺", description="", material_text="",
        target=10, reward_coins=50, bonus_per_unit=0, bonus_cap=None, end_date=date(2026, 5, 5),
    )  # fmt: skip
    for name, value in fields.items():
        setattr(task, name, value)
    [reward] = [c["value"] for c in task_card(task, "task7-0")["horizontal_content_list"] if c["keyname"] == "奖励"]
    return reward


def test_the_reward_line_shows_the_coins_at_target():
    assert reward_on_card(reward_coins=50) == "50 金币"


def test_the_reward_line_shows_the_bonus_and_its_cap():
    assert reward_on_card(reward_coins=50, bonus_per_unit=5, bonus_cap=100) == "50 金币，超出每位粉丝 +5，最多 +100"


def test_an_uncapped_bonus_says_no_cap():
    assert reward_on_card(reward_coins=50, bonus_per_unit=5) == "50 金币，超出每位粉丝 +5"


@pytest.mark.parametrize(("metric", "unit"), [(TaskMetric.AMOUNT, "元"), (TaskMetric.ORDERS, "单")])
def test_the_bonus_unit_follows_the_metric(metric, unit):
    assert f"超出每{unit} +1" in reward_on_card(kind=TaskKind.SALES_TARGET, metric=metric, bonus_per_unit=1)
