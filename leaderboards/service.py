"""The boards people read: live updates from domain events, rankings, and a rebuild from the database."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from kernel.clock import Clock
from kernel.event_bus import DomainEvent
from leaderboards.facts import Fact, SourcedFacts, facts_of, stored_facts
from leaderboards.metrics import Metric, Scope
from leaderboards.models import Placement
from leaderboards.periods import Period
from leaderboards.placements import Placements, members_of
from leaderboards.ranking import BoardRow, Standing, rank_around, rank_top
from leaderboards.store import BoardKey, Contribution, RedisBoardStore

# More boards a fact moves besides the calendar ones (a contest's team and individual boards).
ExtraBoards = Callable[[Fact, Placement], Awaitable[list[tuple[BoardKey, str, str]]]]


@dataclass(frozen=True)
class RebuildReport:
    sources: int
    boards: int


class Leaderboards:
    """Ranks guides, stores, branches, regions and teams by day, ISO week, month and contest.

    A subscriber of the domain events (`record_event`), never called by a handler: each
    record (a sale, a fan, a ledger entry …) moves its boards once, however often its event
    is delivered. Reads are one Redis round trip. `rebuild` recreates every board from the
    database, so a Redis wipe loses nothing.
    """

    def __init__(self, store: RedisBoardStore, clock: Clock, placements: Placements | None = None) -> None:
        self.clock = clock
        self._store = store
        self._placements = placements or Placements()
        self._extra_boards: list[ExtraBoards] = []

    def add_boards(self, extra: ExtraBoards) -> None:
        """Let another board family (contests) follow the same facts."""
        self._extra_boards.append(extra)

    async def record_event(self, event: DomainEvent) -> None:
        sourced = facts_of(event, self.clock)
        if sourced is not None:
            await self._store.apply(sourced.source, await self._contributions(sourced), _live_message(sourced))

    async def top(self, metric: Metric, scope: Scope, period: Period, n: int = 50) -> list[Standing]:
        return rank_top(await self._store.top(BoardKey(metric, scope, period), n), metric, n)

    async def around(self, metric: Metric, scope: Scope, period: Period, member: str, span: int = 2) -> list[Standing]:
        """`member` and up to `span` standings either side; [] when `member` is not on the board."""
        rows = await self._store.around(BoardKey(metric, scope, period), member, span)
        return rank_around(rows, metric, member, span)

    async def standing_of(self, metric: Metric, scope: Scope, period: Period, member: str) -> Standing | None:
        return next(iter(await self.around(metric, scope, period, member, span=0)), None)

    async def rebuild(self) -> RebuildReport:
        """Recreate every board from the stored records; the rankings come out as the live updates left them."""
        boards: dict[BoardKey, dict[str, BoardRow]] = defaultdict(dict)
        names: dict[Scope, dict[str, str]] = defaultdict(dict)
        sources = 0
        async for sourced in stored_facts(self.clock):
            sources += 1
            for c in await self._contributions(sourced):
                row = boards[c.board].get(c.member)
                score = (row.score if row else 0) + c.delta
                at = max(row.reached_at if row else 0, c.at_ms)
                boards[c.board][c.member] = BoardRow(c.member, score, at, c.name)
                names[c.board.scope][c.member] = c.name
        await self._store.replace_all(
            {board: {m: (int(row.score), row.reached_at) for m, row in rows.items()} for board, rows in boards.items()},
            names,
        )
        return RebuildReport(sources=sources, boards=len(boards))

    async def _contributions(self, sourced: SourcedFacts) -> list[Contribution]:
        contributions = []
        for fact in sourced.facts:
            placement = await self._placements.of(fact.guide_userid, fact.day)
            at_ms = int(fact.at.timestamp() * 1000)
            targets = [
                (BoardKey(fact.metric, scope, period), member, name)
                for scope, member, name in members_of(placement)
                for period in Period.calendar(fact.day)
            ]
            for extra in self._extra_boards:
                targets += await extra(fact, placement)
            contributions += [Contribution(board, member, name, fact.amount, at_ms) for board, member, name in targets]
        return contributions


def _live_message(sourced: SourcedFacts) -> dict:
    return {
        "metrics": sorted({fact.metric.value for fact in sourced.facts}),
        "day": min(fact.day for fact in sourced.facts).isoformat(),
    }
