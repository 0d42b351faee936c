"""The day's PK results: the standings so far in the evening, the settlement once the day has ended.

The issue asked for the settlement at 21:30. A contest day, though, counts every fact until
midnight in the business time zone, and settling it pays prizes once, for good: a day
settled at 21:30 would leave the evening's sales out of it, and each of them would come
back as a correction. So the evening gets the standings so far, marked provisional, and
the day is settled (and its benchmark guides chosen) just after it ends, at 00:05: late
enough for the last facts of the day to reach the boards, early enough that the results
are waiting when guides wake up. Settlement refuses while a fact of the day is still on
its way; the run then fails and the job retries it with back-off.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from benchmarks.selection import BenchmarkSelection
from contests.book import ContestBook
from contests.errors import NotYet
from contests.settlement import ContestSettlement
from contests.standings import ContestStandings
from digests.ports import Notice, NoticeSender
from digests.wording import evening_section, evening_text
from kernel.clock import Clock
from org.roster import who_left


class NotAllSettled(Exception):
    """Some contest day could not be settled yet; the ones that could are settled."""


@dataclass(frozen=True)
class Settled:
    contests: int
    benchmark_picks: int


class DailyResults:
    def __init__(
        self,
        notices: NoticeSender,
        contests: ContestBook,
        standings: ContestStandings,
        settlement: ContestSettlement,
        benchmarks: BenchmarkSelection,
        clock: Clock,
    ) -> None:
        self._notices = notices
        self._contests = contests
        self._standings = standings
        self._settlement = settlement
        self._benchmarks = benchmarks
        self._clock = clock

    async def send_standings_so_far(self, at: datetime, slot_key: str) -> int:
        """Tell every player of a contest running today where their team stands today so far, one message each.

        A player who has left hears nothing: their figures still count for the team.
        """
        day = self._clock.business_day(at)
        sections: dict[str, list[str]] = defaultdict(list)
        for running in await self._contests.running_on(day):
            state = await self._standings.day_state(running, day)
            today = await self._standings.of_day(running, day)
            for userid, guide in sorted(state.guides.items()):
                sections[userid].append(evening_section(running, today.teams, guide.team, guide.figure))
        for userid in await who_left(sections):
            del sections[userid]
        as_of = f"{at.astimezone(self._clock.timezone):%H:%M}"
        notices = [
            Notice(userid, evening_text(as_of, lines), f"pk-evening:{slot_key}:{userid}")
            for userid, lines in sorted(sections.items())
        ]
        await self._notices.notify_many(notices)
        return len(notices)

    async def settle(self, day: date) -> Settled:
        """Settle `day` for every contest running on it, then choose its benchmark guides; each once, whoever asks.

        Their pushes follow from the settled facts (contests.settlement, benchmarks.selection).
        Raises NotAllSettled, after doing the rest, when a contest's day still has facts on the way.
        """
        waiting = []
        running = await self._contests.running_on(day)
        for contest in running:
            try:
                await self._settlement.settle(contest.id, day)
            except NotYet as exc:
                waiting.append(f"contest {contest.id}: {exc}")
        picks = await self._benchmarks.select(day)
        if waiting:
            raise NotAllSettled("; ".join(waiting))
        return Settled(len(running), sum(pick.guide_userid is not None for pick in picks))  # a quiet day names nobody
