"""Closing a contest day: winners and prizes decided once, paid once, each participant told once."""

from __future__ import annotations

from datetime import date, timedelta

from tortoise.exceptions import IntegrityError

from contests.book import ContestBook, Running
from contests.errors import DayOutsideContest, NotYet
from contests.events import ContestDaySettled
from contests.models import Contest, ContestDay
from contests.rules import DayState, Outcome, Terms, day_standings, finish, settle_day
from contests.standings import ContestStandings
from contests.wording import day_label, prize_reason, result_message
from kernel.clock import Clock
from kernel.event_bus import DomainEvent, EventBus
from kernel.models import EventRecord
from kernel.retry_queue import DEAD, PENDING, PROCESSING
from leaderboards.facts import BOARD_EVENTS, facts_of
from leaderboards.metrics import Metric
from org.roster import who_left
from rewards.ledger import CoinLedger
from rewards.ports import GuideNotifier

SOURCE_TYPE = "contest"


class ContestSettlement:
    """Settles a contest day once, whoever asks and however often.

    The day's outcome is decided under a lock on the contest row and stored as one row per
    contest and day (the unique key is what makes it once); the ContestDaySettled event
    committed with it pays the prizes (ledger source `<contest>:<day>:<prize>`, once per
    guide) and sends each participant one message (key `contest:<contest>:<day>:<guide>`),
    after commit and again after a crash until done. When the last unsettled day is
    settled, the final ranking is decided in the same transaction and paid the same way.

    The lock is the one late-fact corrections take, and the day's facts must all have
    reached the boards (none still being dispatched, none a dead letter): a fact is then
    either in the settled results or corrects them afterwards, never both, never neither.
    """

    def __init__(
        self,
        book: ContestBook,
        standings: ContestStandings,
        ledger: CoinLedger,
        notifier: GuideNotifier,
        bus: EventBus,
        clock: Clock,
    ) -> None:
        self._book = book
        self._standings = standings
        self._ledger = ledger
        self._notifier = notifier
        self._bus = bus
        self._clock = clock

    async def settle(self, contest_id: int, day: date | None = None) -> ContestDay:
        """Settle `day` (yesterday when not given, the usual call just after midnight); once."""
        day = day or self._clock.today() - timedelta(days=1)
        running = await self._book.get(contest_id)
        self._check_day(running, day)
        settled = await ContestDay.get_or_none(contest_id=contest_id, day=day)
        if settled is not None:
            return settled
        try:
            async with self._bus.transaction():
                await Contest.filter(id=contest_id).select_for_update().get()
                settled = await ContestDay.get_or_none(contest_id=contest_id, day=day)
                if settled is not None:
                    return settled
                state = await self._standings.day_state(running, day)
                await self._check_counted(running, day)
                return await self._record(running, day, state)
        except IntegrityError:  # settled by another process in the meantime
            return await ContestDay.get(contest_id=contest_id, day=day)

    async def results(self, contest_id: int) -> tuple[Running, list[ContestDay]]:
        running = await self._book.get(contest_id)
        return running, await ContestDay.filter(contest_id=contest_id).order_by("day")

    async def pay_and_tell(self, event: ContestDaySettled) -> None:
        """Pay the day's prizes (and the final's) as settled, then tell each participant on the roster; every step once.

        A participant who has left is paid what they won but not pushed to.
        """
        running = await self._book.get(event.contest_id)
        settled = await ContestDay.get(contest_id=event.contest_id, day=event.day)
        state, outcome = DayState.from_json(settled.settled["state"]), Outcome.from_json(settled.settled["outcome"])
        final = Outcome.from_json(running.contest.final_settled["outcome"]) if event.finished else None
        for prize in outcome.prizes:
            await self._pay(running, event.day, prize.guide, prize.coins, prize.code)
        for prize in final.prizes if final else []:
            await self._pay(running, None, prize.guide, prize.coins, prize.code)
        standings = day_standings(state, Terms.of(running.contest))
        left = await who_left(state.guides)
        for userid, guide in sorted(state.guides.items()):
            if userid in left:
                continue
            mine = [p for p in outcome.prizes + (final.prizes if final else []) if p.guide == userid]
            text = result_message(
                running, event.day, standings, outcome.winner, guide.team, guide.figure, mine,
                final_winner=final.winner if final else None,
            )  # fmt: skip
            await self._notifier.notify(userid, text, key=f"contest:{running.id}:{event.day}:{userid}")

    async def _pay(self, running: Running, day: date | None, guide: str, coins: int, code: str) -> None:
        await self._ledger.post(
            guide,
            coins,
            prize_reason(running, day, code),
            source_type=SOURCE_TYPE,
            source_id=f"{running.id}:{day or 'final'}:{code}",
        )

    async def _record(self, running: Running, day: date, state: DayState) -> ContestDay:
        terms = Terms.of(running.contest)
        result = {"state": state.to_json(), "outcome": settle_day(state, terms).to_json()}
        settled = await ContestDay.create(
            contest_id=running.id, day=day, settled=result, current=result, settled_at=self._clock.now()
        )
        finished = await ContestDay.filter(contest_id=running.id).count() == len(running.days())
        if finished:
            days = await ContestDay.filter(contest_id=running.id).order_by("day")
            final = {"outcome": finish([DayState.from_json(d.current["state"]) for d in days], terms).to_json()}
            await Contest.filter(id=running.id).update(final_settled=final, final_current=final)
        await self._bus.record(ContestDaySettled(contest_id=running.id, day=day, finished=finished))
        return settled

    def _check_day(self, running: Running, day: date) -> None:
        contest = running.contest
        if not contest.start_date <= day <= contest.end_date:
            raise DayOutsideContest(f"{day} is not a day of the contest ({contest.start_date} to {contest.end_date})")
        if day >= self._clock.today():
            raise NotYet(
                f"{day_label(day)} ({day}) has not ended yet in {self._clock.timezone.key}: settle it from "
                f"{day.fromordinal(day.toordinal() + 1)} on",
                ["day"],
            )

    async def _check_counted(self, running: Running, day: date) -> None:
        """Refuse while a fact of the day is still on its way to the boards, or failed on the way."""
        waiting = await EventRecord.filter(
            status__in=[PENDING, PROCESSING, DEAD], name__in=[event.__name__ for event in BOARD_EVENTS]
        )
        late = [row for row in waiting if _moves(DomainEvent.from_record(row), running.metric, day, self._clock)]
        if any(row.status == DEAD for row in late):
            raise NotYet(
                f"{len(late)} facts of {day} failed to reach the boards: replay them "
                "(/api/v1/events/dead-letters) before settling",
                ["day"],
            )
        if late:
            raise NotYet(f"{len(late)} facts of {day} are still being counted: settle again in a moment", ["day"])


def _moves(event: DomainEvent, metric: Metric, day: date, clock: Clock) -> bool:
    sourced = facts_of(event, clock)
    return sourced is not None and any(f.metric is metric and f.day == day for f in sourced.facts)
