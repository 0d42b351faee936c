"""Badges: each once per guide, each announced with one push."""

from datetime import date, timedelta

import pytest

from kernel.clock import SystemClock
from rewards.badges import BadgeService, announce_badge
from rewards.events import BadgeEarned


class RecordingNotifier:
    def __init__(self) -> None:
        self.sent: dict[str, tuple[str, str]] = {}

    async def notify(self, userid: str, text: str, key: str) -> None:
        self.sent[key] = (userid, text)


@pytest.fixture
def notifier() -> RecordingNotifier:
    return RecordingNotifier()


@pytest.fixture
def badges(event_bus, notifier) -> BadgeService:
    event_bus.subscribe(BadgeEarned, lambda event: announce_badge(event, notifier))
    return BadgeService(event_bus, SystemClock())


TODAY = date(2026, 5, 7)


async def test_seven_days_of_progress_in_a_row_earn_the_streak_badge(badges):
    await badges.after_progress("zhangsan", {TODAY - timedelta(days=n) for n in range(7)}, TODAY)

    assert await badges.badges_of("zhangsan") == ["七日连击：连续 7 天推进任务"]


async def test_a_gap_in_the_week_earns_no_streak(badges):
    days = {TODAY - timedelta(days=n) for n in range(8)} - {TODAY - timedelta(days=3)}

    await badges.after_progress("zhangsan", days, TODAY)

    assert await badges.badges_of("zhangsan") == []


async def test_the_hundredth_net_fan_earns_the_fans_badge_once_with_one_push(badges, notifier):
    await badges.after_new_fan("zhangsan", 99)
    await badges.after_new_fan("zhangsan", 100)
    await badges.after_new_fan("zhangsan", 101)

    assert await badges.badges_of("zhangsan") == ["百粉达人：净增粉丝 100 位"]
    assert list(notifier.sent) == ["badge:zhangsan:fans_100"]
