"""The committed migrations match the models, so `guidebot migrate` builds the schema the code expects."""

from tortoise import Tortoise
from tortoise.migrations.autodetector import MigrationAutodetector

from config.db import tortoise_config


async def test_the_models_have_no_changes_missing_from_the_migrations(db):
    config = tortoise_config("sqlite://:memory:")
    detector = MigrationAutodetector(Tortoise.apps, config["apps"])

    assert await detector.changes() == []
