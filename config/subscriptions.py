"""Who hears of which domain event: the one place that wires effects to facts.

Every effect here is idempotent under a key derived from the event (a notification key,
a unique badge, a progress source key), because an event may be dispatched again after a
crash between its commit and its effects.
"""

from __future__ import annotations

from fans.events import FanAdded, FanLost
from fans.service import FanService
from kernel.event_bus import EventBus
from rewards.badges import BadgeService, announce_badge
from rewards.events import BadgeEarned
from rewards.ports import GuideNotifier
from tasks.service import TaskService


def subscribe_all(
    bus: EventBus, *, notifier: GuideNotifier, fans: FanService, tasks: TaskService, badges: BadgeService
) -> None:
    async def count_new_fan(event: FanAdded) -> None:
        if event.counts_as_new:
            await tasks.count_new_fan(event.guide_userid, event.fan_id, event.added_at)

    async def award_fans_badge(event: FanAdded) -> None:
        if event.counts_as_new:
            await badges.after_new_fan(event.guide_userid, await fans.new_fan_count(event.guide_userid))

    async def uncount_lost_fan(event: FanLost) -> None:
        if event.counts_as_new and not event.transferred:
            await tasks.uncount_lost_fan(event.guide_userid, event.fan_id, event.added_at, event.lost_at)

    async def push_badge(event: BadgeEarned) -> None:
        await announce_badge(event, notifier)

    bus.subscribe(FanAdded, count_new_fan)
    bus.subscribe(FanAdded, award_fans_badge)
    bus.subscribe(FanLost, uncount_lost_fan)
    bus.subscribe(BadgeEarned, push_badge)
