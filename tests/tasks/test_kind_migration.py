"""Migration 0004 keeps every task's kind and metric: the enum values become the registry's names."""

from tortoise import Tortoise, connections
from tortoise.migrations.executor import MigrationExecutor, MigrationTarget

from config.db import close_database, tortoise_config
from tasks.kinds import kind_of, metric_of
from tasks.models import Task

BEFORE_NAMES = MigrationTarget("guidebot", "0003_inbox_retries_and_sale_review")


async def test_a_task_stored_as_enums_reads_back_as_names_from_the_registry(clean_database):
    config = tortoise_config(clean_database)
    await Tortoise.init(config=config, _enable_global_fallback=True)
    try:
        connection = connections.get("default")
        await MigrationExecutor(connection, config["apps"]).migrate([BEFORE_NAMES])
        await connection.execute_script(
            "INSERT INTO task (kind, metric, title, description, material_text, material_link, material_image,"
            " audience, start_date, end_date, target, reward_coins, bonus_per_unit, count_self_reported, status,"
            " created_at) VALUES ('share_post', 'visitors', '转发新品海报', '', '', 'https://shop.example.com/new',"
            " '', '{\"all\":true}', '2026-05-01', '2026-05-07', 3, 50, 0, FALSE, 'draft',"
            " '2026-04-30 10:00:00+00:00')"
        )

        await MigrationExecutor(connection, config["apps"]).migrate()

        task = await Task.get(title="转发新品海报")
        assert (kind_of(task).card_label, metric_of(task).name) == ("转发任务", "visitors")
    finally:
        await close_database()
