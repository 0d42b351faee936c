"""Badges (徽章): each awarded once; the BadgeEarned event brings the guide one push (see `announce_badge`)."""

from __future__ import annotations

from datetime import date, timedelta

from tortoise.exceptions import IntegrityError

from kernel.clock import Clock
from kernel.event_bus import EventBus
from org.roster import has_left
from rewards.events import BadgeEarned
from rewards.models import Badge
from rewards.ports import GuideNotifier

BADGES = {
    "first_task": "首战告捷：完成第一个任务",
    "streak_7": "七日连击：连续 7 天推进任务",
    "fans_100": "百粉达人：净增粉丝 100 位",
    "benchmark": "标杆导购：当选每日标杆",
}
STREAK_DAYS = 7
FANS_FOR_BADGE = 100


class BadgeService:
    """Badges a guide earns by what they do; each is unique per guide, so awarding twice changes nothing."""

    def __init__(self, bus: EventBus, clock: Clock) -> None:
        self._bus = bus
        self._clock = clock

    async def award(self, guide_userid: str, code: str) -> bool:
        """True when the guide got the badge now; False when they already had it."""
        try:
            async with self._bus.transaction():
                await Badge.create(guide_userid=guide_userid, code=code, awarded_at=self._clock.now())
                await self._bus.record(BadgeEarned(guide_userid=guide_userid, code=code, title=BADGES[code]))
        except IntegrityError:
            return False
        return True

    async def badges_of(self, guide_userid: str) -> list[str]:
        codes = await Badge.filter(guide_userid=guide_userid).order_by("awarded_at").values_list("code", flat=True)
        return [BADGES[code] for code in codes]

    async def after_task_done(self, guide_userid: str) -> None:
        await self.award(guide_userid, "first_task")

    async def after_progress(self, guide_userid: str, progress_days: set[date], today: date) -> None:
        if all(today - timedelta(days=n) in progress_days for n in range(STREAK_DAYS)):
            await self.award(guide_userid, "streak_7")

    async def after_new_fan(self, guide_userid: str, net_fans: int) -> None:
        if net_fans >= FANS_FOR_BADGE:
            await self.award(guide_userid, "fans_100")


async def announce_badge(event: BadgeEarned, notifier: GuideNotifier) -> None:
    """The guide hears of a new badge once (the key is the badge's); one who left keeps it unheard."""
    if await has_left(event.guide_userid):
        return
    await notifier.notify(
        event.guide_userid, f"🏅 获得徽章「{event.title}」", key=f"badge:{event.guide_userid}:{event.code}"
    )
