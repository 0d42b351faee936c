"""Tortoise ORM set-up: one app, native migrations, the same code on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from tortoise import Tortoise, connections
from tortoise.migrations.executor import MigrationExecutor

MODEL_MODULES = ["org.models", "fans.models", "bot.models", "tasks.models", "rewards.models"]
APP_LABEL = "guidebot"


def tortoise_config(database_url: str) -> dict:
    if database_url.startswith("postgresql://"):
        database_url = "postgres://" + database_url.removeprefix("postgresql://")
    if database_url.startswith("sqlite://") and database_url != "sqlite://:memory:":
        Path(database_url.removeprefix("sqlite://")).parent.mkdir(parents=True, exist_ok=True)
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
