"""The embedded Redis is shared: whoever is done leaves it to the others, and the last one out stops it."""

import pytest
from redis.asyncio import Redis

from config.redis import open_redis
from tests.support.embedded_redis import answers


def socket_of(client: Redis) -> str:
    return client.connection_pool.connection_kwargs["path"]


async def test_a_process_that_attached_leaves_the_server_running(tmp_path):
    async with open_redis("", tmp_path) as first:
        async with open_redis("", tmp_path) as second:
            assert socket_of(second) == socket_of(first)

        assert await first.ping()


async def test_the_starter_leaves_the_server_running_while_another_client_uses_it(tmp_path):
    async with open_redis("", tmp_path) as first:
        socket_file = socket_of(first)
        second = open_redis("", tmp_path)
        attached = await second.__aenter__()

    try:
        assert await attached.ping()
    finally:
        await second.__aexit__(None, None, None)
    assert not await answers(socket_file)


async def test_the_last_one_out_stops_the_server_and_its_data_is_there_next_time(tmp_path):
    async with open_redis("", tmp_path) as client:
        socket_file = socket_of(client)
        await client.set("greeting", "你好")

    assert not await answers(socket_file)
    async with open_redis("", tmp_path) as client:
        assert await client.get("greeting") == "你好".encode()


@pytest.mark.parametrize("url", ["", "shared"])
async def test_redis_url_decides_between_a_server_and_the_embedded_one(tmp_path, redis_url, url):
    async with open_redis(redis_url if url else "", tmp_path) as client:
        assert await client.ping()
    assert (tmp_path / "redis.db").exists() == (not url)
