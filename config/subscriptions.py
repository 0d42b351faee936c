"""Who hears of which domain event: the one place that wires effects to facts.

Every effect here is idempotent under a key derived from the event (a notification key,
a unique badge, a progress source key, a board's applied-marker per record), because an
event may be dispatched again after a crash between its commit and its effects.
"""

from __future__ import annotations

from benchmarks.events import BenchmarksSelected
from benchmarks.selection import BenchmarkSelection
from contests.corrections import ContestCorrections
from contests.events import ContestCorrected, ContestDaySettled
from contests.settlement import ContestSettlement
from fans.events import FanAdded, FanLost
from fans.service import FanService
from kernel.event_bus import EventBus
from leaderboards.facts import BOARD_EVENTS
from leaderboards.service import Leaderboards
from org.roster import has_left
from rewards.badges import BadgeService, announce_badge
from rewards.events import BadgeEarned
from rewards.ports import GuideNotifier
from tasks.counting import ProgressCounter
from tasks.events import ProgressCounted, TaskCompleted


def subscribe_all(
    bus: EventBus,
    *,
    notifier: GuideNotifier,
    fans: FanService,
    progress: ProgressCounter,
    badges: BadgeService,
    leaderboards: Leaderboards | None = None,
    settlement: ContestSettlement | None = None,
    corrections: ContestCorrections | None = None,
    benchmarks: BenchmarkSelection | None = None,
) -> None:
    async def count_new_fan(event: FanAdded) -> None:
        if event.counts_as_new:
            await progress.count_new_fan(event.guide_userid, event.fan_id, event.added_at)

    async def award_fans_badge(event: FanAdded) -> None:
        if event.counts_as_new:
            await badges.after_new_fan(event.guide_userid, await fans.new_fan_count(event.guide_userid))

    async def uncount_lost_fan(event: FanLost) -> None:
        if event.counts_as_new and not event.transferred:
            await progress.uncount_lost_fan(event.guide_userid, event.fan_id, event.added_at, event.lost_at)

    async def push_badge(event: BadgeEarned) -> None:
        await announce_badge(event, notifier)

    async def congratulate(event: TaskCompleted) -> None:
        if await has_left(event.guide_userid):
            return
        await notifier.notify(
            event.guide_userid,
            f"🎉 任务「{event.title}」完成！获得 {event.coins_paid} 金币",
            key=f"task-done:{event.task_id}:{event.guide_userid}",
        )

    async def award_first_task_badge(event: TaskCompleted) -> None:
        await badges.after_task_done(event.guide_userid)

    async def award_benchmark_badge(event: BenchmarksSelected) -> None:
        for guide in event.winners:
            await badges.award(guide, "benchmark")

    async def award_streak_badge(event: ProgressCounted) -> None:
        if event.units > 0:
            days = await progress.progress_days(event.guide_userid)
            await badges.after_progress(event.guide_userid, days, event.business_day)

    bus.subscribe(FanAdded, count_new_fan, in_transaction=True)
    bus.subscribe(FanAdded, award_fans_badge, in_transaction=True)
    bus.subscribe(FanLost, uncount_lost_fan, in_transaction=True)
    bus.subscribe(ProgressCounted, award_streak_badge, in_transaction=True)
    bus.subscribe(TaskCompleted, award_first_task_badge, in_transaction=True)
    bus.subscribe(TaskCompleted, congratulate)
    bus.subscribe(BadgeEarned, push_badge)
    bus.subscribe(BenchmarksSelected, award_benchmark_badge, in_transaction=True)
    if leaderboards is not None:
        for event_type in BOARD_EVENTS:
            bus.subscribe(event_type, leaderboards.record_event)
    if settlement is not None:
        bus.subscribe(ContestDaySettled, settlement.pay_and_tell)
    if corrections is not None:  # after the boards: a late fact is on them before its day is corrected
        for event_type in BOARD_EVENTS:
            bus.subscribe(event_type, corrections.record_event)
        bus.subscribe(ContestCorrected, corrections.tell)
    if benchmarks is not None:
        bus.subscribe(BenchmarksSelected, benchmarks.announce)
