"""How the scheduled pushes read: Chinese, a few short lines, one phone screen."""

from __future__ import annotations

from contests.book import Running
from contests.rules import TeamStanding
from contests.wording import figure, gap, running_ranking, standing_value
from leaderboards.metrics import Metric
from leaderboards.ranking import Standing
from tasks.kinds import kind_of
from tasks.models import Task
from tasks.rules import format_units
from tasks.rules import gap as task_gap

TASKS_SHOWN = 5  # more would scroll off a phone screen; the rest is one line pointing to 任务


def task_line(task: Task, progress: int) -> str:
    """`吸粉任务「双十二拉新」 3/10，差 7 位粉丝`."""
    done, target = format_units(task.metric, progress), format_units(task.metric, task.target)
    return f"{kind_of(task).card_label}「{task.title}」 {done}/{target}，差 {task_gap(task, progress)}"


def rank_line(standing: Standing) -> str:
    return f"昨日销售额：第 {standing.rank} 名（{Metric.SALES.format(standing.value)}）"


def pk_line(running: Running, teams: list[TeamStanding], team: str) -> str:
    """The guide's team in the contest so far, and how far behind the team just ahead."""
    ranking = running_ranking(running)
    ours = next(s for s in teams if s.code == team)
    line = f"⚔️ {running.contest.name}：{ours.name} 第 {ours.rank} 名 {standing_value(running, ours, ranking)}"
    ahead = [s for s in teams if s.rank < ours.rank]
    if ahead:
        return line + f"，距 {ahead[-1].name} {gap(running, ahead[-1], ours, ranking)}"
    return line + ("，保持住！" if ours.total else "，冲！")


def digest_text(task_lines: list[str], rank: Standing | None, pk: str | None) -> str:
    lines = ["☀️ 早安！今天的任务："]
    lines += [f"· {line}" for line in task_lines[:TASKS_SHOWN]]
    if len(task_lines) > TASKS_SHOWN:
        lines.append(f"· …还有 {len(task_lines) - TASKS_SHOWN} 个，发「任务」查看")
    if rank is not None:
        lines.append(rank_line(rank))
    if pk is not None:
        lines.append(pk)
    return "\n".join(lines)


def reminder_text(task: Task, hours: int, progress: int) -> str:
    """`⏰ 还有 2 小时截止：吸粉任务「双十二拉新」 3/10，差 7 位粉丝`."""
    return f"⏰ 还有 {hours} 小时截止：{task_line(task, progress)}，加油！"


def evening_section(running: Running, today: list[TeamStanding], team: str, mine: int) -> str:
    """One contest's day so far for one guide: their team's place today and their own figure."""
    ranking = running_ranking(running)
    ours = next(s for s in today if s.code == team)
    line = f"「{running.contest.name}」{ours.name} 今日第 {ours.rank} 名 {standing_value(running, ours, ranking)}"
    ahead = [s for s in today if s.rank < ours.rank]
    if ahead:
        line += f"，距 {ahead[-1].name} {gap(running, ahead[-1], ours, ranking)}"
    return line + f"；你今天 {figure(running.metric, mine)}"


def evening_text(as_of: str, sections: list[str]) -> str:
    return "\n".join([f"📣 今日PK战况（截至{as_of}）", *sections, "最终结果以零点结算为准，还有时间冲一把！"])
