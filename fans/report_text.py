"""The fan reports as short Chinese messages a store manager or branch lead reads on a phone."""

from __future__ import annotations

from fans.reports import Span
from fans.schemas import FanReportLine, ReportPeriod

TITLES = {ReportPeriod.DAY: "拉新日报", ReportPeriod.WEEK: "拉新周报", ReportPeriod.MONTH: "拉新月报"}
LAGGING_NAMED = 10  # a longer warning list would not fit a phone screen


def span_label(span: Span) -> str:
    """`12月5日`, `11月30日–12月6日` or `2026年11月`."""
    if span.period is ReportPeriod.MONTH:
        return f"{span.first_day.year}年{span.first_day.month}月"
    first = f"{span.first_day.month}月{span.first_day.day}日"
    if span.period is ReportPeriod.DAY:
        return first
    return f"{first}–{span.last_day.month}月{span.last_day.day}日"


def percent(share: float) -> str:
    return f"{share:.0%}"


def _heading(span: Span, line: FanReportLine) -> str:
    return f"【{TITLES[span.period]}】{span_label(span)} {line.name}"


def _counts(line: FanReportLine) -> str:
    return f"新增 {line.new} · 重粉 {line.duplicates} · 删粉 {line.lost} · 净增 {line.net}"


def _against_target(line: FanReportLine) -> str:
    if line.share is None:
        return "未设拉新目标"
    return f"目标 {line.target}，完成 {percent(line.share)}"


def store_text(span: Span, line: FanReportLine, stores_in_branch: int) -> str:
    """A store manager's line: the store's figures, its share of target and its place in the branch."""
    target = _against_target(line)
    if line.rank_in_branch is not None and stores_in_branch > 1:
        target += f"，分公司第 {line.rank_in_branch}/{stores_in_branch}"
    return "\n".join([_heading(span, line), _counts(line), target])


def branch_text(span: Span, line: FanReportLine, stores: list[FanReportLine], warn_share: float) -> str:
    """A branch lead's summary and the stores below the warning share, the furthest behind first."""
    parts = [_heading(span, line), _counts(line), _against_target(line)]
    lagging = sorted((s for s in stores if s.lagging), key=lambda s: (s.share, s.code))
    if lagging:
        named = "、".join(f"{s.name} {percent(s.share or 0)}" for s in lagging[:LAGGING_NAMED])
        more = f" 等 {len(lagging)} 家" if len(lagging) > LAGGING_NAMED else ""
        parts.append(f"⚠ 低于目标 {percent(warn_share)} 的门店（{len(lagging)}）：{named}{more}")
    elif line.share is not None:
        parts.append(f"各门店均达到目标的 {percent(warn_share)}")
    return "\n".join(parts)
