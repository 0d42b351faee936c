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
class NetBar:
    """One line's net fans against its target, as lengths in the SVG's units."""

    y: int
    label: str
    net: int
    target: int
    net_width: float
    target_width: float
    lagging: bool


@dataclass(frozen=True)
class NetChart:
    bars: list[NetBar]
    height: int
    width: int
    left: int
    cut: int  # lines left out of the chart (the ones furthest ahead)


def net_vs_target(lines: Sequence[FanReportLine]) -> NetChart:
    """The lines furthest behind their target first: the chart is for finding who to chase."""
    shown = sorted(lines, key=lambda line: (line.share if line.share is not None else float("inf"), line.code))
    shown = shown[:CHART_ROWS]
    scale = max([1, *(line.net for line in shown), *(line.target for line in shown)])
    bars = [
        NetBar(
            y=n * ROW_HEIGHT,
            label=line.name,
            net=line.net,
            target=line.target,
            net_width=round(BAR_WIDTH * max(line.net, 0) / scale, 1),
            target_width=round(BAR_WIDTH * line.target / scale, 1),
            lagging=line.lagging,
        )
        for n, line in enumerate(shown)
    ]
    return NetChart(bars, len(bars) * ROW_HEIGHT, LABEL_WIDTH + BAR_WIDTH + 80, LABEL_WIDTH, len(lines) - len(shown))
