"""The page's live stream (/leaderboard/stream): a change published on Redis reaches the open page within 2 s."""

import asyncio
import json

import pytest

from config.app import create_app
from leaderboards.store import LIVE_CHANNEL
from leaderboards.views import BOARD_FEED, OPEN_STREAMS
from tests.support.sse import next_event


def change(day, *metrics: str) -> str:
    return json.dumps({"metrics": list(metrics), "day": day.isoformat()})


@pytest.fixture
async def open_stream(client):
    """Opens the page's stream for a query, and reads up to its `ready`."""
    opened = []

    async def open_(query: str):
        response = await client.get(f"/leaderboard/stream?{query}")
        opened.append(response)
        assert await next_event(response, timeout=5) == ("ready", "live")
        return response

    yield open_
    for response in opened:
        response.close()


async def test_the_stream_is_server_sent_events(client):
    response = await client.get("/leaderboard/stream")

    assert response.status == 200
    assert response.headers["Content-Type"] == "text/event-stream"
    response.close()


async def test_the_stream_tells_the_browser_to_reconnect_within_two_seconds(client):
    response = await client.get("/leaderboard/stream")

    raw = await asyncio.wait_for(response.content.readuntil(b"\r\n\r\n"), 5)

    assert b"retry: 2000" in raw
    response.close()


async def test_a_sale_on_todays_board_reaches_the_open_page(open_stream, redis, services):
    stream = await open_stream("metric=sales&scope=guide&period=day")

    await redis.publish(LIVE_CHANNEL, change(services.clock.today(), "sales", "orders"))

    assert await next_event(stream) == ("board", '["orders", "sales"]')


async def test_a_change_of_another_metric_does_not_disturb_the_page(open_stream, redis, services):
    stream = await open_stream("metric=fans&scope=store&period=week")
    today = services.clock.today()

    await redis.publish(LIVE_CHANNEL, change(today, "sales"))
    await redis.publish(LIVE_CHANNEL, change(today, "fans"))

    assert await next_event(stream) == ("board", '["fans"]')


async def test_every_open_page_of_the_board_hears_the_change(open_stream, redis, services):
    pages = [await open_stream("metric=sales&period=month") for _ in range(3)]

    await redis.publish(LIVE_CHANNEL, change(services.clock.today(), "sales"))

    for page in pages:
        assert (await next_event(page))[0] == "board"


async def test_a_page_closed_in_the_browser_is_forgotten(client, open_stream):
    stream = await open_stream("metric=sales")

    stream.close()

    async def forgotten():
        while client.app[OPEN_STREAMS] or client.app[BOARD_FEED].listening:
            await asyncio.sleep(0.02)

    await asyncio.wait_for(forgotten(), 2)


async def test_shutting_the_app_down_ends_open_streams_at_once(aiohttp_client, settings):
    client = await aiohttp_client(create_app(settings))
    await asyncio.wait_for(client.app[BOARD_FEED].subscribed.wait(), 5)
    response = await client.get("/leaderboard/stream")
    assert (await next_event(response, timeout=5))[0] == "ready"

    await asyncio.wait_for(client.close(), 5)

    assert client.app[OPEN_STREAMS] == set()
