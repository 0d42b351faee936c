"""How the benchmark guides read in chat: the day's announcement and a winner's congratulation."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from benchmarks.models import BenchmarkPick
from tasks.rules import format_yuan


def day_label(day: date) -> str:
    return f"{day.month}月{day.day}日"


def figure(pick: BenchmarkPick) -> str:
    return format_yuan(pick.figure) if pick.measure == "sales" else f"{pick.figure} 单"


def announcement(day: date, picks: Sequence[BenchmarkPick]) -> str:
    lines = [f"🏆 {day_label(day)} 标杆导购"]
    for pick in picks:
        if pick.guide_userid:
            who = f"{pick.guide_name}（{pick.store_name}）" if pick.store_name else f"{pick.guide_name} "
            lines.append(f"{pick.title_name}：{who}{figure(pick)}")
        else:
            lines.append(f"{pick.title_name}：今日空缺")
    lines.append("向标杆学习，今天一起冲！")
    return "\n".join(lines)


def congratulation(pick: BenchmarkPick) -> str:
    reward = f"，获得 {pick.coins} 金币" if pick.coins else ""
    until = day_label(pick.day + timedelta(days=1))
    return (
        f"🎉 恭喜！你当选 {day_label(pick.day)}「{pick.title_name}」（{figure(pick)}）{reward}。\n"
        f"{until}内回复「心得 你的经验」，分享给大家～"
    )
