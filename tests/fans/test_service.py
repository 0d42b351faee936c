"""Which adds count as new fans: the anti-cheat rules from the seeds, and exactly-once under races."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from fans.models import Fan, FanVerdict, LossSource
from fans.service import FanService
from tests.fakes.contacts import FakeContactDirectory

T0 = datetime(2026, 5, 1, 2, 0, tzinfo=UTC)


@pytest.fixture
def directory() -> FakeContactDirectory:
    return FakeContactDirectory()


@pytest.fixture
def fans(event_bus, directory) -> FanService:
    return FanService(event_bus, directory, retention=timedelta(days=7))


def add(fans: FanService, guide: str, customer: str, at: datetime = T0, key: str | None = None):
    return fans.record_added(
        event_key=key or f"{guide}:{customer}:{at.isoformat()}",
        guide_userid=guide,
        external_userid=customer,
        state="store-0101",
        added_at=at,
    )


def lose(fans: FanService, guide: str, customer: str, at: datetime, source=LossSource.CUSTOMER_DELETED_GUIDE):
    return fans.record_lost(guide_userid=guide, external_userid=customer, lost_at=at, source=source)


async def test_a_first_add_is_a_new_fan(fans):
    assert (await add(fans, "zhangsan", "wm1")).verdict == FanVerdict.NEW


async def test_a_customer_another_guide_holds_is_a_duplicate_and_new_for_nobody(fans):
    await add(fans, "zhangsan", "wm1")

    second = await add(fans, "lisi", "wm1", at=T0 + timedelta(hours=1))

    assert second.verdict == FanVerdict.DUPLICATE
    assert await fans.new_fan_count("lisi") == 0
    assert await fans.new_fan_count("zhangsan") == 1


async def test_delete_and_readd_within_the_retention_window_is_not_new(fans):
    await add(fans, "zhangsan", "wm1")
    await lose(fans, "zhangsan", "wm1", T0 + timedelta(days=1))

    again = await add(fans, "zhangsan", "wm1", at=T0 + timedelta(days=3))

    assert again.verdict == FanVerdict.READDED


async def test_a_readd_after_the_retention_window_is_new_again(fans):
    await add(fans, "zhangsan", "wm1")
    await lose(fans, "zhangsan", "wm1", T0 + timedelta(days=1))

    again = await add(fans, "zhangsan", "wm1", at=T0 + timedelta(days=9))

    assert again.verdict == FanVerdict.NEW


async def test_a_customer_another_guide_lost_can_be_new_for_the_next_guide(fans):
    await add(fans, "zhangsan", "wm1")
    await lose(fans, "zhangsan", "wm1", T0 + timedelta(days=1))

    assert (await add(fans, "lisi", "wm1", at=T0 + timedelta(days=2))).verdict == FanVerdict.NEW


async def test_a_wecom_user_is_flagged_as_a_colleague(fans, directory):
    directory.types["wo1"] = 2

    assert (await add(fans, "zhangsan", "wo1")).verdict == FanVerdict.COLLEAGUE


async def test_the_same_event_twice_records_one_fan(fans):
    await add(fans, "zhangsan", "wm1", key="evt:1")
    await add(fans, "zhangsan", "wm1", key="evt:1")

    assert await Fan.all().count() == 1


async def test_a_half_add_then_a_full_add_is_one_fan(fans):
    await add(fans, "zhangsan", "wm1", key="evt:half")
    await add(fans, "zhangsan", "wm1", key="evt:full", at=T0 + timedelta(minutes=1))

    assert await Fan.all().count() == 1
    assert await fans.new_fan_count("zhangsan") == 1


async def test_two_guides_adding_one_customer_at_once_make_exactly_one_new_fan(fans):
    guides = [f"guide{n}" for n in range(8)]

    await asyncio.gather(*(add(fans, guide, "wm1", key=f"evt:{guide}") for guide in guides))

    verdicts = sorted(fan.verdict for fan in await Fan.all())
    assert verdicts.count(FanVerdict.NEW) == 1
    assert verdicts.count(FanVerdict.DUPLICATE) == 7


async def test_a_loss_marks_the_fan_with_time_and_source(fans):
    await add(fans, "zhangsan", "wm1")

    lost = await lose(fans, "zhangsan", "wm1", T0 + timedelta(days=1), source=LossSource.TRANSFERRED)

    assert (lost.lost_at, lost.loss_source) == (T0 + timedelta(days=1), LossSource.TRANSFERRED)
    assert await fans.new_fan_count("zhangsan") == 0


async def test_losing_a_customer_never_held_changes_nothing(fans):
    assert await lose(fans, "zhangsan", "wm-unknown", T0) is None
