"""Live board changes: one Redis subscription per process, every open page told, nothing dropped."""

import asyncio
import json
from datetime import date

import pytest

from leaderboards.live import EVERYTHING, MAX_PENDING, BoardChange, BoardFeed
from leaderboards.metrics import Metric
from leaderboards.periods import Period
from leaderboards.store import LIVE_CHANNEL

DAY = date(2026, 11, 25)  # a Wednesday of 2026-W48


def change(*metrics: str, day: str = DAY.isoformat()) -> str:
    return json.dumps({"metrics": list(metrics), "day": day})


@pytest.fixture
async def feed(redis):
    async with BoardFeed(redis).running() as feed:
        await asyncio.wait_for(feed.subscribed.wait(), 5)
        yield feed


async def next_batch(listener) -> list[BoardChange]:
    return await asyncio.wait_for(anext(listener), 2)


async def test_a_published_change_reaches_every_open_page(feed, redis):
    with feed.listen() as one, feed.listen() as other:
        await redis.publish(LIVE_CHANNEL, change("sales", "orders"))

        expected = [BoardChange(frozenset({Metric.SALES, Metric.ORDERS}), DAY)]
        assert await next_batch(one) == expected
        assert await next_batch(other) == expected


async def test_the_process_subscribes_once_however_many_pages_are_open(feed, redis):
    with feed.listen(), feed.listen(), feed.listen():
        assert await redis.pubsub_numsub(LIVE_CHANNEL) == [(LIVE_CHANNEL.encode(), 1)]


async def test_an_unreadable_message_is_skipped_and_the_feed_goes_on(feed, redis):
    with feed.listen() as page:
        for junk in ("not json", "[]", '{"metrics": "sales", "day": "2026-11-25"}', change("sales", day="soon")):
            await redis.publish(LIVE_CHANNEL, junk)
        await redis.publish(LIVE_CHANNEL, change("fans"))

        assert await next_batch(page) == [BoardChange(frozenset({Metric.FANS}), DAY)]


async def test_changes_that_come_while_a_page_is_busy_arrive_together(feed):
    with feed.listen(min_gap=0) as page:
        feed.fan_out(BoardChange(frozenset({Metric.SALES}), DAY))
        feed.fan_out(BoardChange(frozenset({Metric.FANS}), DAY))

        assert len(await next_batch(page)) == 2


async def test_a_page_far_behind_refetches_everything_once(feed):
    with feed.listen(min_gap=0) as page:
        for _ in range(MAX_PENDING + 5):
            feed.fan_out(BoardChange(frozenset({Metric.SALES}), DAY))

        assert await next_batch(page) == [EVERYTHING]


async def test_a_page_hears_at_most_once_per_gap(feed):
    with feed.listen(min_gap=0.3) as page:
        feed.fan_out(BoardChange(frozenset({Metric.SALES}), DAY))
        await next_batch(page)
        feed.fan_out(BoardChange(frozenset({Metric.SALES}), DAY))

        started = asyncio.get_running_loop().time()
        await next_batch(page)

        assert asyncio.get_running_loop().time() - started >= 0.25


async def test_stopping_the_feed_ends_every_open_page(redis):
    async with BoardFeed(redis).running() as feed:
        listening = feed.listen()
        page = listening.__enter__()
    batches = [batch async for batch in page]

    assert batches == []
    listening.__exit__(None, None, None)


@pytest.mark.parametrize(
    ("metric", "period", "concerned"),
    [
        (Metric.SALES, Period.day(DAY), True),
        (Metric.SALES, Period.day(date(2026, 11, 24)), False),
        (Metric.SALES, Period.week(date(2026, 11, 23)), True),
        (Metric.SALES, Period.week(date(2026, 11, 30)), False),
        (Metric.SALES, Period.month(date(2026, 11, 1)), True),
        (Metric.SALES, Period.month(date(2026, 12, 1)), False),
        (Metric.SALES, Period.contest(7), True),
        (Metric.FANS, Period.day(DAY), False),
    ],
)
def test_a_change_concerns_the_boards_of_its_metrics_whose_period_holds_its_day(metric, period, concerned):
    assert BoardChange(frozenset({Metric.SALES}), DAY).concerns(metric, period) is concerned


def test_a_change_of_unknown_day_concerns_every_period_of_its_metric():
    assert EVERYTHING.concerns(Metric.TASKS, Period.day(date(2020, 1, 1)))


async def test_after_losing_redis_the_feed_subscribes_again_and_every_page_refetches(feed, redis):
    with feed.listen(min_gap=0) as page:
        await redis.client_kill_filter(_type="pubsub")

        assert await asyncio.wait_for(anext(page), 5) == [EVERYTHING]
        await asyncio.wait_for(feed.subscribed.wait(), 5)
        await redis.publish(LIVE_CHANNEL, change("sales"))
        assert await next_batch(page) == [BoardChange(frozenset({Metric.SALES}), DAY)]
