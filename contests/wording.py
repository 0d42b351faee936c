"""How contest figures and results read in chat and in ledger reasons (Chinese, one phone screen)."""

from __future__ import annotations

from datetime import date

from contests.book import Running
from contests.rules import Prize, Ranking, TeamStanding
from leaderboards.metrics import Metric
from tasks.rules import format_yuan

PRIZE_LABELS = {"winning_team": "获胜战队", "personal_target": "个人目标达成"}
TABLE_ROWS = 5  # a phone screen: the first five, plus the guide's own team


def figure(metric: Metric, units: int) -> str:
    """`¥12,800` for sales (board units are fen), `18 单` for a count."""
    return format_yuan(units) if metric is Metric.SALES else f"{units} {metric.unit}"


def day_label(day: date) -> str:
    return f"{day.month}月{day.day}日"


def prize_label(code: str) -> str:
    if code.startswith("final_team_"):
        return f"总排名第 {code.removeprefix('final_team_')} 名战队"
    if code.startswith("final_guide_"):
        return f"个人总排名第 {code.removeprefix('final_guide_')} 名"
    return PRIZE_LABELS[code]


def prize_reason(running: Running, day: date | None, code: str) -> str:
    when = day_label(day) if day else "总决赛"
    return f"「{running.contest.name}」{when} {prize_label(code)}"


def standing_value(running: Running, standing: TeamStanding, ranking: Ranking) -> str:
    """The figure a standing is ranked by: the total, per member, or the share of the target."""
    if ranking is Ranking.PER_CAPITA:
        per_capita = standing.per_capita
        if running.metric is Metric.SALES:
            return f"人均 {format_yuan(round(per_capita))}"
        return f"人均 {float(per_capita):.1f} {running.metric.unit}"
    if ranking is Ranking.TARGET and standing.target_share is not None:
        return f"{figure(running.metric, standing.total)}（目标 {float(standing.target_share) * 100:.0f}%）"
    return figure(running.metric, standing.total)


def gap(running: Running, ahead: TeamStanding, mine: TeamStanding, ranking: Ranking) -> str:
    """How far behind the team ahead, in what the contest ranks by."""
    if ranking is Ranking.PER_CAPITA:
        behind = ahead.per_capita - mine.per_capita
        if running.metric is Metric.SALES:
            return f"人均差 {format_yuan(round(behind))}"
        return f"人均差 {float(behind):.1f} {running.metric.unit}"
    return f"差 {figure(running.metric, ahead.total - mine.total)}"


def result_message(
    running: Running,
    day: date,
    standings: list[TeamStanding],
    winner: str | None,
    team: str,
    my_figure: int,
    prizes: list[Prize],
    final_winner: str | None = None,
) -> str:
    """One guide's result of a settled day: the winner, their team's place, their share, their coins."""
    name = {s.code: s.name for s in standings}
    mine = next(s for s in standings if s.code == team)
    lines = [f"「{running.contest.name}」{day_label(day)}战报"]
    lines.append(f"🏆 {name[winner]} 获胜" if winner else "今天没有战队达成目标，无获胜战队")
    lines.append(
        f"你的战队 {mine.name} 第 {mine.rank} 名 {standing_value(running, mine, running_ranking(running))}，"
        f"你贡献 {figure(running.metric, my_figure)}"
    )
    if prizes:
        lines.append("获得 " + "，".join(f"{p.coins} 金币（{prize_label(p.code)}）" for p in prizes))
    if final_winner:
        lines.append(f"比赛结束！总冠军 {name.get(final_winner, final_winner)} 🎉")
    return "\n".join(lines)


def running_ranking(running: Running) -> Ranking:
    return Ranking(running.contest.ranking)


def pk_reply(running: Running, so_far: list[TeamStanding], today: list[TeamStanding], team: str, mine: int) -> str:
    """The contest at a glance for one guide: the table (top five, and their team), the gap, today's line."""
    ranking, metric = running_ranking(running), running.metric
    contest = running.contest
    lines = [f"🏆 {contest.name}（{day_label(contest.start_date)}—{day_label(contest.end_date)}，按{ranking.label}）"]
    ours = next(s for s in so_far if s.code == team)
    shown = so_far[:TABLE_ROWS] if ours in so_far[:TABLE_ROWS] else [*so_far[:TABLE_ROWS], None, ours]
    for standing in shown:
        if standing is None:
            lines.append("…")
            continue
        marker = " ← 我的战队" if standing is ours else ""
        lines.append(f"{standing.rank}. {standing.name} {standing_value(running, standing, ranking)}{marker}")
    ahead = [s for s in so_far if s.rank < ours.rank]
    if ahead:
        lines.append(f"距第 {ahead[-1].rank} 名 {ahead[-1].name} {gap(running, ahead[-1], ours, ranking)}")
    else:
        lines.append("我们暂时领先，保持住！" if ours.total else "还没有成绩，冲！")
    our_day = next(s for s in today if s.code == team)
    target = ""
    if our_day.target_share is not None:
        target = f"（目标 {figure(metric, contest.daily_team_target)} 的 {float(our_day.target_share) * 100:.0f}%）"
    lines.append(f"今天：战队 {figure(metric, our_day.total)}{target}，我 {figure(metric, mine)}")
    return "\n".join(lines)
