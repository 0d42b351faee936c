"""Who earns a title, without I/O: the highest figure at or above the bar; a tie goes to whoever got there first."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Candidate:
    guide_userid: str
    figure: int
    reached_at: datetime  # the last counted line: when the guide reached the figure


def winner(candidates: Iterable[Candidate], minimum: int) -> Candidate | None:
    qualified = [c for c in candidates if c.figure >= minimum]
    return min(qualified, key=lambda c: (-c.figure, c.reached_at, c.guide_userid), default=None)
