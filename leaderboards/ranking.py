"""Ranking rules, without I/O: ties share a rank (1, 1, 3) and are shown in the order they got there."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from leaderboards.metrics import Metric


@dataclass(frozen=True)
class BoardRow:
    """One member of a board as stored: its score, and when (ms since the epoch) it reached it."""

    member: str
    score: float
    reached_at: int
    name: str


@dataclass(frozen=True)
class Standing:
    rank: int
    member: str
    name: str
    value: Decimal


def display_order(rows: Iterable[BoardRow]) -> list[BoardRow]:
    """Highest first; among equals, whoever got there first."""
    return sorted(rows, key=lambda row: (-row.score, row.reached_at, row.member))


def rank_top(rows: Iterable[BoardRow], metric: Metric, n: int) -> list[Standing]:
    """The first `n` standings of rows that include everyone scored above any of them."""
    ordered = display_order(rows)
    standings: list[Standing] = []
    for position, row in enumerate(ordered[:n]):
        rank = position + 1 if position == 0 or row.score != ordered[position - 1].score else standings[-1].rank
        standings.append(Standing(rank, row.member, row.name, metric.figure(row.score)))
    return standings


def rank_around(rows: Iterable[tuple[BoardRow, int]], metric: Metric, member: str, span: int) -> list[Standing]:
    """`member` and up to `span` standings either side; each row comes with how many score above it."""
    above = {row.member: count for row, count in rows}
    ordered = display_order(row for row, _ in rows)
    mine = next((i for i, row in enumerate(ordered) if row.member == member), None)
    if mine is None:
        return []
    window = ordered[max(mine - span, 0) : mine + span + 1]
    return [Standing(above[row.member] + 1, row.member, row.name, metric.figure(row.score)) for row in window]
