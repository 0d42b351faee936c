"""The boards people read: live updates from domain events, rankings, and a rebuild from the database."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from kernel.clock import Clock
from kernel.event_bus import DomainEvent
from leaderboards.facts import Fact, SourcedFacts, facts_of, stored_facts
from leaderboards.metrics import Metric, Scope
from leaderboards.models import Placement
from leaderboards.periods import Period
from leaderboards.placements import Placements, Seat, members_of
from leaderboards.ranking import Standing, rank_around, rank_top
from leaderboards.store import BoardKey, Contribution, RedisBoardStore

# More boards a fact moves besides the calendar ones (a contest's team and individual boards).
ExtraBoards = Callable[[Fact, Placement | Seat], Awaitable[list[tuple[BoardKey, str, str]]]]


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

    async def top_with(
        self, metric: Metric, scope: Scope, period: Period, member: str, n: int = 50, span: int = 2
    ) -> tuple[list[Standing], list[Standing]]:
        """The top `n` and `member` with their neighbours, in one round trip (a guide's own page)."""
        top, around = await self._store.top_and_around(BoardKey(metric, scope, period), n, member, span)
        return rank_top(top, metric, n), rank_around(around, metric, member, span)

    async def standing_of(self, metric: Metric, scope: Scope, period: Period, member: str) -> Standing | None:
        return next(iter(await self.around(metric, scope, period, member, span=0)), None)

    async def rebuild(self) -> RebuildReport:
        """Recreate every board from the stored records; the rankings come out as the live updates left them."""
        sources, totals = 0, {}  # (metric, guide, day) -> [amount, latest at]
        async for sourced in stored_facts(self.clock):
            sources += 1
            for fact in sourced.facts:
                total = totals.setdefault((fact.metric, fact.guide_userid, fact.day), [0, fact.at])
                total[0] += fact.amount
                total[1] = max(total[1], fact.at)
        seats = await self._placements.all_of({(guide, day) for _, guide, day in totals})
        boards: dict[BoardKey, dict[str, list[int]]] = defaultdict(dict)
        names: dict[Scope, dict[str, str]] = defaultdict(dict)
        for (metric, guide, day), (amount, at) in totals.items():
            at_ms = _ms(at)
            for board, member, name in await self._targets(Fact(guide, metric, day, amount, at), seats[(guide, day)]):
                row = boards[board].setdefault(member, [0, 0])
                row[0] += amount
                row[1] = max(row[1], at_ms)
                names[board.scope][member] = name
        await self._store.replace_all(boards, names)
        return RebuildReport(sources=sources, boards=len(boards))

    async def _contributions(self, sourced: SourcedFacts) -> list[Contribution]:
        contributions = []
        for fact in sourced.facts:
            placement = await self._placements.of(fact.guide_userid, fact.day)
            contributions += [
                Contribution(board, member, name, fact.amount, _ms(fact.at))
                for board, member, name in await self._targets(fact, placement)
            ]
        return contributions

    async def _targets(self, fact: Fact, placement: Placement | Seat) -> list[tuple[BoardKey, str, str]]:
        """Every (board, member, name) a fact moves: each scope the guide sat in that day × day, week, month."""
        targets = [
            (BoardKey(fact.metric, scope, period), member, name)
            for scope, member, name in members_of(placement)
            for period in Period.calendar(fact.day)
        ]
        for extra in self._extra_boards:
            targets += await extra(fact, placement)
        return targets


def _ms(at: datetime) -> int:
    return int(at.timestamp() * 1000)


def _live_message(sourced: SourcedFacts) -> dict:
    return {
        "metrics": sorted({fact.metric.value for fact in sourced.facts}),
        "day": min(fact.day for fact in sourced.facts).isoformat(),
    }
