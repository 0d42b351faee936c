"""Ties share a rank and are shown in the order they got there."""

from decimal import Decimal

from leaderboards.metrics import Metric
from leaderboards.ranking import BoardRow, rank_around, rank_top


def row(member: str, score: float, reached_at: int) -> BoardRow:
    return BoardRow(member, score, reached_at, member.upper())


def test_ties_share_a_rank_and_the_next_rank_skips():
    rows = [row("a", 5, 1), row("b", 3, 2), row("c", 5, 3), row("d", 1, 4)]

    assert [(s.rank, s.member) for s in rank_top(rows, Metric.ORDERS, 10)] == [(1, "a"), (1, "c"), (3, "b"), (4, "d")]


def test_among_equals_whoever_got_there_first_is_shown_first():
    rows = [row("late", 5, 200), row("early", 5, 100)]

    assert [s.member for s in rank_top(rows, Metric.ORDERS, 1)] == ["early"]


def test_sales_are_scored_in_fen_and_read_in_yuan():
    assert rank_top([row("a", 120050, 1)], Metric.SALES, 1)[0].value == Decimal("1200.50")


def test_around_me_keeps_the_ranks_of_the_whole_board():
    rows = [(row("x", 9, 1), 10), (row("me", 7, 2), 11), (row("tie", 7, 1), 11), (row("y", 2, 1), 13)]

    around = rank_around(rows, Metric.ORDERS, "me", span=1)

    assert [(s.rank, s.member) for s in around] == [(12, "tie"), (12, "me"), (14, "y")]


def test_someone_not_on_the_board_has_no_neighbours():
    assert rank_around([(row("x", 9, 1), 0)], Metric.ORDERS, "me", span=2) == []
