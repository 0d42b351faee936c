"""The committed migrations match the models, so `guidebot migrate` builds the schema the code expects."""

from tortoise import Tortoise
from tortoise.migrations.autodetector import MigrationAutodetector

from config.db import tortoise_config


async def test_the_models_have_no_changes_missing_from_the_migrations(db):
    config = tortoise_config("sqlite://:memory:")
    detector = MigrationAutodetector(Tortoise.apps, config["apps"])

    assert await detector.changes() == []


async def test_the_migrated_fan_table_has_the_indexes_the_fan_reports_count_on(db, database_url):
    """A later migration must not drop them (tortoise rebuilds a SQLite table to alter a column, without its indexes)."""
    if database_url.startswith("sqlite"):
        sql = (
            "SELECT sql AS definition FROM sqlite_master WHERE type = 'index' AND tbl_name = 'fan' AND sql IS NOT NULL"
        )
    else:
        sql = "SELECT indexdef AS definition FROM pg_indexes WHERE tablename = 'fan'"
    rows = await Tortoise.get_connection("default").execute_query_dict(sql)

    columns = {row["definition"].rsplit("(", 1)[1].rstrip(")").replace('"', "") for row in rows}
    assert {"guide_userid", "guide_userid, added_at", "added_at", "lost_at"} <= columns
