"""Tortoise ORM set-up: one app, native migrations, the same code on SQLite and PostgreSQL."""

from __future__ import annotations

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
    # On the connection just opened, so that an in-memory SQLite database is migrated too.
    await MigrationExecutor(connections.get("default"), config["apps"]).migrate()


async def close_database() -> None:
    await Tortoise.close_connections()


# For the `tortoise` CLI that writes new migrations (`make migrations`); the service never reads it.
TORTOISE_ORM = tortoise_config("sqlite://:memory:")
