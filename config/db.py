"""Tortoise ORM set-up: one app, native migrations, the same code on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import fcntl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

from tortoise import Tortoise, connections
from tortoise.migrations.executor import MigrationExecutor

MODEL_MODULES = [
    "kernel.models",
    "org.models",
    "fans.models",
    "bot.models",
    "tasks.models",
    "rewards.models",
    "leaderboards.models",
    "contests.models",
    "benchmarks.models",
    "pushes.models",
    "staff.models",
]
APP_LABEL = "guidebot"

# What a SQLite file database runs with, unless its URL says otherwise (`?synchronous=FULL`).
# WAL: a commit is a write to the -wal file, so a process crash loses nothing that was
# committed (an acknowledged callback is in its inbox row). synchronous=NORMAL syncs the WAL
# at checkpoints rather than on every commit: a power loss or an OS crash may roll back the
# last transactions before the checkpoint, but never corrupts the file.
SQLITE_PRAGMAS = {"journal_mode": "WAL", "synchronous": "NORMAL"}
# pg_advisory_lock's key for "migrating guidebot's schema" (any constant, the same in every process)
MIGRATION_LOCK_KEY = 0x6775696465626F74


def tortoise_config(database_url: str) -> dict:
    if database_url.startswith("postgresql://"):
        database_url = "postgres://" + database_url.removeprefix("postgresql://")
    if database_url.startswith("sqlite://") and not database_url.startswith("sqlite://:memory:"):
        path, _, query = database_url.removeprefix("sqlite://").partition("?")
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        database_url = f"sqlite://{path}?{urlencode(SQLITE_PRAGMAS | dict(parse_qsl(query)))}"
    return {
        "connections": {"default": database_url},
        "apps": {
            APP_LABEL: {
                "models": MODEL_MODULES,
                "migrations": "config.migrations",
                "default_connection": "default",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


async def open_database(database_url: str) -> None:
    """Connect and bring the schema up to the newest committed migration."""
    config = tortoise_config(database_url)
    # The global fallback lets aiohttp's request, background and cleanup tasks all find this context.
    await Tortoise.init(config=config, _enable_global_fallback=True)
    async with migration_lock(database_url):
        # On the connection just opened, so that an in-memory SQLite database is migrated too.
        await MigrationExecutor(connections.get("default"), config["apps"]).migrate()


@asynccontextmanager
async def migration_lock(database_url: str) -> AsyncIterator[None]:
    """One process migrates at a time: `make run` and `make admin` (or two replicas) started together on a fresh
    database would otherwise both create the first table, and one of them would crash on "already exists".

    PostgreSQL: a session advisory lock, held on a pooled connection of its own. SQLite file: an exclusive
    lock on a file beside the database. In-memory SQLite belongs to one process: no lock.
    """
    if database_url.startswith(("postgres://", "postgresql://")):
        async with connections.get("default").acquire_connection() as connection:
            await connection.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK_KEY)
            try:
                yield
            finally:
                await connection.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK_KEY)
    elif database_url.startswith("sqlite://") and not database_url.startswith("sqlite://:memory:"):
        path = Path(database_url.removeprefix("sqlite://").partition("?")[0])
        with open(path.with_name(path.name + ".migrating"), "w") as lock_file:
            await asyncio.to_thread(fcntl.flock, lock_file, fcntl.LOCK_EX)
            yield  # closing the file lets the lock go
    else:
        yield


async def close_database() -> None:
    await Tortoise.close_connections()


# For the `tortoise` CLI that writes new migrations (`make migrations`); the service never reads it.
TORTOISE_ORM = tortoise_config("sqlite://:memory:")
