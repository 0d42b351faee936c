"""Pure rules: business days, windows, what a given progress is worth and how it reads."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo
from decimal import Decimal

from tasks.kinds import METRICS, kind_of, metric_of
from tasks.models import Task, TaskAssignment

FEN_PER_YUAN = 100
DEFAULT_REMINDER_HOURS = (24, 2)
MAX_REMINDER_HOURS = 30 * 24


def in_window(task: Task, day: date) -> bool:
    return task.start_date <= day <= task.end_date


def ends_at(task: Task, timezone: tzinfo) -> datetime:
    """The instant a task closes: the end of its last business day, when counting stops."""
    return datetime.combine(task.end_date + timedelta(days=1), time(), tzinfo=timezone)


def reminder_hours(task: Task) -> tuple[int, ...]:
    """Hours before the end at which guides who have not completed the task are reminded, earliest first."""
    hours = DEFAULT_REMINDER_HOURS if task.reminder_hours is None else task.reminder_hours
    return tuple(sorted(hours, reverse=True))


def gap(task: Task, progress: int) -> str:
    """What is still missing to the target: `7 位粉丝`, `¥700`."""
    missing = max(task.target - progress, 0)
    if metric_of(task).money:
        return format_yuan(missing)
    return f"{missing} {metric_of(task).bonus_unit}"


def entitlement(task: Task, progress: int) -> int:
    """Coins a guide has earned at this progress: the reward at target, plus the capped bonus above it.

    Bonus units are whole counts (fans, shares, visitors, orders …), or whole yuan of sales.
    """
    if progress < task.target:
        return 0
    unit = FEN_PER_YUAN if metric_of(task).money else 1
    bonus = (progress - task.target) // unit * task.bonus_per_unit
    if task.bonus_cap is not None:
        bonus = min(bonus, task.bonus_cap)
    return task.reward_coins + bonus


def format_yuan(fen: int) -> str:
    return f"¥{fen / FEN_PER_YUAN:,.0f}" if fen % FEN_PER_YUAN == 0 else f"¥{fen / FEN_PER_YUAN:,.2f}"


def format_units(metric: str, units: int) -> str:
    return format_yuan(units) if METRICS[metric].money else str(units)


def display_units(metric: str, units: int) -> int | Decimal:
    """Stored units as the API shows them: yuan for money, else the count."""
    return Decimal(units) / FEN_PER_YUAN if METRICS[metric].money else int(units)


def completion_rate(completed: int, assigned: int) -> float:
    return round(completed / assigned, 4) if assigned else 0.0


def progress_line(task: Task, assignment: TaskAssignment) -> str:
    """`吸粉 7/10` style, for the guide's 任务 reply and the card's buttons."""
    metric = metric_of(task)
    done = "✅" if assignment.progress >= task.target else ""
    progress, target = format_units(task.metric, assignment.progress), format_units(task.metric, task.target)
    line = f"{metric.chat_label or kind_of(task).chat_label} {progress}/{target}{done}"
    if metric.shows_visitors:
        line += f" · 访客 {assignment.visitors}"
    return line
