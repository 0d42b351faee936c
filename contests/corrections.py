"""Late facts for a settled contest day: recorded as a correction, with any coin difference through the ledger.

A subscriber of the same domain events as the boards, after them: by the time it runs, the
fact is on the boards, so a settlement that has not happened yet will count it, and one
that has (settlement holds the same lock on the contest) is corrected here. The fact's
record key (`sale:17`) makes each correction once.
"""

from __future__ import annotations

import copy
from datetime import date

from contests.boards import team_of
from contests.book import ContestBook, Running
from contests.events import ContestCorrected
from contests.models import Contest, ContestCorrection, ContestDay
from contests.rules import DayState, GuideDay, Outcome, Terms, finish, owed, settle_day
from contests.settlement import SOURCE_TYPE
from contests.wording import day_label, figure
from kernel.clock import Clock
from kernel.event_bus import DomainEvent, EventBus
from leaderboards.facts import Fact, facts_of
from leaderboards.metrics import Metric
from leaderboards.placements import Placements
from org.roster import who_left
from rewards.ledger import CoinLedger
from rewards.ports import GuideNotifier

SOURCE_LABELS = {
    "sale": "迟到的销售",
    "fan-added": "迟到的新粉",
    "fan-lost": "迟到的删粉",
    "shared": "迟到的分享",
    "task-done": "迟到的任务完成",
}


class ContestCorrections:
    def __init__(
        self,
        book: ContestBook,
        ledger: CoinLedger,
        notifier: GuideNotifier,
        bus: EventBus,
        clock: Clock,
        placements: Placements | None = None,
    ) -> None:
        self._book = book
        self._ledger = ledger
        self._notifier = notifier
        self._bus = bus
        self._clock = clock
        self._placements = placements or Placements()

    async def record_event(self, event: DomainEvent) -> None:
        """Correct every settled contest day the event's facts count in (a day not over is never settled)."""
        sourced = facts_of(event, self._clock)
        if sourced is None:
            return
        for fact in sourced.facts:
            if fact.day >= self._clock.today():
                continue
            for running in await self._book.running_on(fact.day):
                if running.metric is not Metric(fact.metric):
                    continue
                placement = await self._placements.of(fact.guide_userid, fact.day)
                team = team_of(running, placement)
                if team is not None:
                    await self._correct(running, fact, placement.guide_name, team, sourced.source)

    async def of_contest(self, contest_id: int) -> list[ContestCorrection]:
        await self._book.get(contest_id)
        return await ContestCorrection.filter(contest_id=contest_id).order_by("id")

    async def tell(self, event: ContestCorrected) -> None:
        """Each guide on the roster whose coins changed hears why, once (a leaver's coins change all the same)."""
        correction = await ContestCorrection.get(id=event.correction_id)
        coins = [
            change
            for change in correction.changes
            if change["subject"] in ("coins", "final_coins") and change["before"] != change["after"]
        ]
        left = await who_left(change["code"] for change in coins)
        for change in coins:
            if change["code"] not in left:
                diff = change["after"] - change["before"]
                await self._notifier.notify(
                    change["code"],
                    f"{correction.summary}\n你的金币 {diff:+d}（已记入金币账户）",
                    key=f"contest-correction:{correction.id}:{change['subject']}:{change['code']}",
                )

    async def _correct(self, running: Running, fact: Fact, name: str, team: str, source: str) -> None:
        async with self._bus.transaction():
            contest = await Contest.filter(id=running.id).select_for_update().get()
            settled = await ContestDay.get_or_none(contest_id=running.id, day=fact.day)
            if settled is None or await ContestCorrection.exists(contest_id=running.id, day=fact.day, source=source):
                return
            terms = Terms.of(contest)
            before = DayState.from_json(settled.current["state"])
            after = copy.deepcopy(before)
            guide = after.guides.setdefault(fact.guide_userid, GuideDay(name, team))
            guide.figure += fact.amount
            guide.reached_at = max(guide.reached_at, int(fact.at.timestamp() * 1000))
            outcome_before, outcome_after = Outcome.from_json(settled.current["outcome"]), settle_day(after, terms)
            changes = _figures(running, before, after, fact.guide_userid, team)
            changes += _outcome(outcome_before, outcome_after, "winner", "coins")
            settled.current = {"state": after.to_json(), "outcome": outcome_after.to_json()}
            await settled.save(update_fields=["current"])
            final_changes, final_after = await self._final(running, contest, terms)
            correction = await ContestCorrection.create(
                contest_id=running.id,
                day=fact.day,
                source=source,
                summary=_summary(running, fact.day, source, changes + final_changes),
                changes=[_shown(running.metric, change) for change in changes + final_changes],
                created_at=self._clock.now(),
            )
            await self._pay_differences(running, fact.day, correction, outcome_before, outcome_after)
            if final_after is not None:
                final_before = Outcome.from_json(contest.final_current["outcome"])
                await self._pay_differences(running, None, correction, final_before, final_after)
                await Contest.filter(id=running.id).update(final_current={"outcome": final_after.to_json()})
            await self._bus.record(ContestCorrected(contest_id=running.id, correction_id=correction.id))

    async def _final(self, running: Running, contest: Contest, terms: Terms) -> tuple[list[dict], Outcome | None]:
        """The final ranking again, when the contest is finished (this day's results just changed)."""
        if contest.final_current is None:
            return [], None
        days = await ContestDay.filter(contest_id=running.id).order_by("day")
        after = finish([DayState.from_json(d.current["state"]) for d in days], terms)
        return _outcome(
            Outcome.from_json(contest.final_current["outcome"]), after, "final_winner", "final_coins"
        ), after

    async def _pay_differences(
        self, running: Running, day: date | None, correction: ContestCorrection, before: Outcome, after: Outcome
    ) -> None:
        owed_before, owed_after = owed(before.prizes), owed(after.prizes)
        when = day_label(day) if day else "总决赛"
        for guide in sorted(owed_before.keys() | owed_after.keys()):
            difference = owed_after.get(guide, 0) - owed_before.get(guide, 0)
            if difference:
                await self._ledger.post(
                    guide,
                    difference,
                    f"「{running.contest.name}」{when} 结果更正（{correction.source}）",
                    source_type=SOURCE_TYPE,
                    source_id=f"{running.id}:{day or 'final'}:correction:{correction.id}",
                    allow_partial=True,
                )


def _figures(running: Running, before: DayState, after: DayState, userid: str, team: str) -> list[dict]:
    """The team's and the guide's figures of the day, before → after (board units)."""

    def team_total(state: DayState) -> int:
        return sum(g.figure for g in state.guides.values() if g.team == team)

    old = before.guides.get(userid)
    return [
        {"subject": "team", "code": team, "before": team_total(before), "after": team_total(after)},
        {"subject": "guide", "code": userid, "before": old.figure if old else 0, "after": after.guides[userid].figure},
    ]


def _shown(metric: Metric, change: dict) -> dict:
    """A change as the API shows it: figures in yuan for sales."""
    if change["subject"] in ("team", "guide") and metric is Metric.SALES:
        return {**change, "before": f"{change['before'] / 100:.2f}", "after": f"{change['after'] / 100:.2f}"}
    return change


def _outcome(before: Outcome, after: Outcome, winner: str, coins: str) -> list[dict]:
    changes = []
    if before.winner != after.winner:
        changes.append({"subject": winner, "code": "", "before": before.winner, "after": after.winner})
    owed_before, owed_after = owed(before.prizes), owed(after.prizes)
    for guide in sorted(owed_before.keys() | owed_after.keys()):
        if owed_before.get(guide, 0) != owed_after.get(guide, 0):
            changes.append({"subject": coins, "code": guide, "before": owed_before.get(guide, 0),
                            "after": owed_after.get(guide, 0)})  # fmt: skip
    return changes


def _summary(running: Running, day: date, source: str, changes: list[dict]) -> str:
    label = SOURCE_LABELS.get(source.partition(":")[0], "迟到的记录")
    names = running.lineup.teams
    parts = []
    for change in changes:
        if change["subject"] == "team":
            before, after = (figure(running.metric, change[side]) for side in ("before", "after"))
            parts.append(f"{names[change['code']].name} {before} → {after}")
        elif change["subject"] in ("winner", "final_winner"):
            what = "获胜战队" if change["subject"] == "winner" else "总冠军"
            before, after = (names[c].name if c else "无" for c in (change["before"], change["after"]))
            parts.append(f"{what} {before} → {after}")
    return f"「{running.contest.name}」{day_label(day)} 结果更正（{label} {source}）：" + "；".join(parts)
