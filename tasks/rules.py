"""Pure rules: business days, windows and what a given progress is worth."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from tasks.models import Task, TaskMetric

FEN_PER_YUAN = 100


def business_day(moment: datetime, timezone: ZoneInfo) -> date:
    return moment.astimezone(timezone).date()


def in_window(task: Task, day: date) -> bool:
    return task.start_date <= day <= task.end_date


def entitlement(task: Task, progress: int) -> int:
    """Coins a guide has earned at this progress: the reward at target, plus the capped bonus above it.

    Bonus units are whole fans, shares, visitors or orders, or whole yuan of sales.
    """
    if progress < task.target:
        return 0
    unit = FEN_PER_YUAN if task.metric is TaskMetric.AMOUNT else 1
    bonus = (progress - task.target) // unit * task.bonus_per_unit
    if task.bonus_cap is not None:
        bonus = min(bonus, task.bonus_cap)
    return task.reward_coins + bonus


def format_units(metric: TaskMetric, units: int) -> str:
    if metric is TaskMetric.AMOUNT:
        return f"¥{units / FEN_PER_YUAN:,.0f}" if units % FEN_PER_YUAN == 0 else f"¥{units / FEN_PER_YUAN:,.2f}"
    return str(units)


def completion_rate(completed: int, assigned: int) -> float:
    return round(completed / assigned, 4) if assigned else 0.0
