"""Choosing each day's benchmark guides once, paying and announcing them, and keeping the winners' tips."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.functions import Max, Sum

from benchmarks.events import BenchmarksSelected
from benchmarks.models import BenchmarkPick
from benchmarks.ports import GuideBroadcaster
from benchmarks.rules import Candidate, winner
from benchmarks.titles import BenchmarkTitle
from benchmarks.wording import announcement, congratulation, day_label
from kernel.clock import Clock
from kernel.event_bus import EventBus
from leaderboards.models import Placement
from org.models import Guide
from org.roster import who_left
from org.schemas import EARLIEST, LATEST
from rewards.ledger import CoinLedger
from rewards.ports import GuideNotifier
from tasks.models import Sale, SaleReview

SOURCE_TYPE = "benchmark"
MAX_TIP_CHARS = 200


class DayNotOver(Exception):
    """A day is judged once it has ended in the business time zone."""


class DayOutOfRange(ValueError):
    """Sales are stored for the years 2000 to 2099: no other day has any."""


class BenchmarkSelection:
    """Names each title's guide for a day that has ended, exactly once per day and title, however often asked.

    The day's picks are rows unique per day and title, written in one transaction with the
    winners' coins (ledger source `<day>:<title>`); the BenchmarksSelected event committed
    with them brings the badge and the announcement (once per day) after commit. Figures
    are the day's counted sales lines (a self-report once HQ confirmed it), as the boards
    count them.
    """

    def __init__(
        self,
        titles: Sequence[BenchmarkTitle],
        ledger: CoinLedger,
        notifier: GuideNotifier,
        broadcaster: GuideBroadcaster,
        bus: EventBus,
        clock: Clock,
    ) -> None:
        self._titles = list(titles)
        self._ledger = ledger
        self._notifier = notifier
        self._broadcaster = broadcaster
        self._bus = bus
        self._clock = clock

    async def select(self, day: date | None = None) -> list[BenchmarkPick]:
        """The day's picks (yesterday's when not given), choosing the titles not chosen yet."""
        day = day or self._clock.today() - timedelta(days=1)
        if not EARLIEST.date() <= day < LATEST.date():
            raise DayOutOfRange(f"{day} is not in the years 2000 to 2099")
        if day >= self._clock.today():
            raise DayNotOver(f"{day} has not ended yet in {self._clock.timezone.key}: select it from the next day on")
        chosen = {pick.title for pick in await self.picks(day)}
        missing = [(title, await self._winner(title, day)) for title in self._titles if title.code not in chosen]
        if missing:
            try:
                async with self._bus.transaction():
                    for title, candidate in missing:
                        await self._name(day, title, candidate)
                    winners = [candidate.guide_userid for _, candidate in missing if candidate]
                    if winners:
                        await self._bus.record(BenchmarksSelected(day=day, winners=winners))
            except IntegrityError:
                pass  # chosen by another call in the meantime: its picks are the day's
        return await self.picks(day)

    def today(self) -> date:
        return self._clock.today()

    async def picks(self, day: date) -> list[BenchmarkPick]:
        order = {title.code: n for n, title in enumerate(self._titles)}
        return sorted(await BenchmarkPick.filter(day=day), key=lambda p: (order.get(p.title, len(order)), p.title))

    async def history(self, first: date, last: date) -> list[BenchmarkPick]:
        """The 标杆专区: every day's picks in the span, the latest day first."""
        picks = await BenchmarkPick.filter(day__gte=first, day__lte=last)
        order = {title.code: n for n, title in enumerate(self._titles)}
        return sorted(picks, key=lambda p: (-p.day.toordinal(), order.get(p.title, len(order)), p.title))

    async def add_tip(self, guide_userid: str, text: str) -> list[BenchmarkPick]:
        """A winner's 心得, shown with their wins of yesterday or today; [] when they have none that recent."""
        recent = BenchmarkPick.filter(guide_userid=guide_userid, day__gte=self._clock.today() - timedelta(days=1))
        await recent.update(tip=text.strip()[:MAX_TIP_CHARS], tip_at=self._clock.now())
        return await recent

    async def announce(self, event: BenchmarksSelected) -> None:
        """Every guide on the roster hears the day's benchmark guides once; each winner is congratulated once per title.

        A winner who has left since is still named (the day was theirs) but not pushed to.
        """
        picks = await self.picks(event.day)
        everyone = await Guide.on_roster().order_by("userid").values_list("userid", flat=True)
        await self._broadcaster.broadcast(list(everyone), announcement(event.day, picks), key=f"benchmark:{event.day}")
        left = await who_left(pick.guide_userid for pick in picks if pick.guide_userid)
        for pick in picks:
            if pick.guide_userid and pick.guide_userid not in left:
                await self._notifier.notify(
                    pick.guide_userid, congratulation(pick), key=f"benchmark-won:{event.day}:{pick.title}"
                )

    async def _name(self, day: date, title: BenchmarkTitle, candidate: Candidate | None) -> None:
        name, store = await _seat(candidate.guide_userid, day) if candidate else ("", "")
        await BenchmarkPick.create(
            day=day,
            title=title.code,
            title_name=title.name,
            measure=title.measure,
            guide_userid=candidate.guide_userid if candidate else None,
            guide_name=name,
            store_name=store,
            figure=candidate.figure if candidate else 0,
            reached_at=candidate.reached_at if candidate else None,
            coins=title.coins if candidate else 0,
            selected_at=self._clock.now(),
        )
        if candidate and title.coins:
            await self._ledger.post(
                candidate.guide_userid,
                title.coins,
                f"{day_label(day)} 标杆导购「{title.name}」",
                source_type=SOURCE_TYPE,
                source_id=f"{day}:{title.code}",
            )

    async def _winner(self, title: BenchmarkTitle, day: date) -> Candidate | None:
        start = datetime.combine(day, time(0), tzinfo=self._clock.timezone).astimezone(UTC)  # stored as UTC text
        lines = Sale.filter(
            Q(self_reported=False) | Q(review=SaleReview.CONFIRMED),
            sold_at__gte=start,
            sold_at__lt=start + timedelta(days=1),
        )
        if title.channels:
            lines = lines.filter(channel__in=title.channels)
        rows = (
            await lines.annotate(orders_sum=Sum("orders"), fen=Sum("amount_fen"), last=Max("sold_at"))
            .group_by("guide_userid")
            .values("guide_userid", "orders_sum", "fen", "last")
        )
        measure = "orders_sum" if title.measure == "orders" else "fen"
        candidates = [Candidate(row["guide_userid"], int(row[measure] or 0), row["last"]) for row in rows]
        return winner(candidates, title.minimum_units)


async def _seat(guide_userid: str, day: date) -> tuple[str, str]:
    """The guide's name and store on the day (their Placement), or as the org has them now."""
    placement = await Placement.get_or_none(guide_userid=guide_userid, day=day)
    if placement is not None:
        return placement.guide_name, placement.store_name
    guide = await Guide.get_or_none(userid=guide_userid).select_related("store")
    return (guide.name, guide.store.name) if guide else (guide_userid, "")
