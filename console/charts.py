"""Bar charts drawn on the server as inline SVG (no script, no CDN), as the leaderboard page draws its own."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from fans.schemas import FanReportLine

CHART_ROWS = 40  # past this a chart stops being read; the table below has every line
ROW_HEIGHT = 26
LABEL_WIDTH = 140
BAR_WIDTH = 420


@dataclass(frozen=True)
class ShareBar:
    """One line's 完成率 (new fans ÷ target, what the table's 完成率 column says) as lengths in the SVG's units."""

    y: int
    label: str
    new: int
    target: int
    share: float | None  # None: the line has no target, so no bar
    share_width: float
    full_width: float  # 100 %: the target
    lagging: bool


@dataclass(frozen=True)
class ShareChart:
    bars: list[ShareBar]
    height: int
    width: int
    left: int
    cut: int  # lines left out of the chart (the ones furthest ahead)


def lowest_share_first(lines: Sequence[FanReportLine]) -> list[FanReportLine]:
    """The report's order in the console (chart, table and lagging list alike): the furthest behind first, the
    lines without a target last. The report is for finding who to chase."""
    return sorted(lines, key=lambda line: (line.share if line.share is not None else float("inf"), line.code))


def share_vs_target(lines: Sequence[FanReportLine]) -> ShareChart:
    """The first `CHART_ROWS` lines, in the order given; a bar past 100 % shrinks the scale so that it fits."""
    shown = list(lines[:CHART_ROWS])
    scale = max([1.0, *(line.share for line in shown if line.share is not None)])
    bars = [
        ShareBar(
            y=n * ROW_HEIGHT,
            label=line.name,
            new=line.new,
            target=line.target,
            share=line.share,
            share_width=round(BAR_WIDTH * (line.share or 0) / scale, 1),
            full_width=round(BAR_WIDTH / scale, 1),
            lagging=line.lagging,
        )
        for n, line in enumerate(shown)
    ]
    return ShareChart(bars, len(bars) * ROW_HEIGHT, LABEL_WIDTH + BAR_WIDTH + 200, LABEL_WIDTH, len(lines) - len(shown))
