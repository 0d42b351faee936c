"""The committed migrations match the models, so `guidebot migrate` builds the schema the code expects."""

from tortoise import Tortoise, connections
from tortoise.migrations.autodetector import MigrationAutodetector
from tortoise.migrations.executor import MigrationExecutor

from config.db import close_database, open_database, tortoise_config
from tests.support.migrations import emptied


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


SCHEMA_QUERIES = {
    "sqlite": ["SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name"],
    "postgres": [
        "SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns"
        " WHERE table_schema = 'public' ORDER BY table_name, column_name",
        "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname",
        "SELECT conname, pg_get_constraintdef(oid) AS definition FROM pg_constraint"
        " WHERE connamespace = 'public'::regnamespace ORDER BY conname",
    ],
}


async def schema_and_migrations(database_url: str) -> tuple[list[dict], list[str]]:
    connection = Tortoise.get_connection("default")
    schema = []
    for query in SCHEMA_QUERIES["sqlite" if database_url.startswith("sqlite") else "postgres"]:
        schema += await connection.execute_query_dict(query)
    applied = await connection.execute_query_dict("SELECT name FROM tortoise_migrations ORDER BY name")
    return schema, [row["name"] for row in applied]


async def test_the_replayed_schema_of_the_test_databases_is_the_one_the_migrations_build(clean_database):
    """The suite's fresh databases replay the migrations' SQL (tests/support/migrations.py); tortoise's own
    executor must build exactly that, tables, columns, indexes, constraints and the record of applied migrations."""
    await open_database(clean_database)
    try:
        replayed = await schema_and_migrations(clean_database)
    finally:
        await close_database()
    await emptied(clean_database)
    await Tortoise.init(config=tortoise_config(clean_database), _enable_global_fallback=True)
    try:
        await MigrationExecutor(connections.get("default"), tortoise_config(clean_database)["apps"]).migrate()
        migrated = await schema_and_migrations(clean_database)
    finally:
        await close_database()

    assert replayed == migrated
