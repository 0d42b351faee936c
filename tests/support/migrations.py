"""Fresh test databases get their schema from the migrations' own DDL, replayed.

Every test starts from an empty database, and tortoise's executor spends about two seconds
rebuilding its model state through the twelve migrations before it writes a line of SQL:
two thirds of a console spec's time. The first fresh database of each dialect in a session is
migrated for real, and the SQL each migration ran is kept; later fresh databases of that
dialect run the same statements, migration by migration, in the same kind of transaction,
and record them as applied. A database that is not fresh, or a migration run that is not a
plain "everything forward", goes through the real executor. `guidebot serve` in the
end-to-end specs always migrates for real.
"""

from __future__ import annotations

import asyncpg
from tortoise.migrations.executor import MigrationExecutor
from tortoise.migrations.graph import MigrationKey
from tortoise.migrations.schema_editor import BaseSchemaEditor
from tortoise.transactions import in_transaction


async def emptied(database_url: str) -> str:
    """The database, empty: PostgreSQL's schema is dropped; an in-memory SQLite database is new on every open."""
    if database_url.startswith(("postgres://", "postgresql://")):
        connection = await asyncpg.connect(database_url)
        try:
            await connection.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
        finally:
            await connection.close()
    return database_url


# dialect -> the SQL each migration ran on a fresh database, in plan order
_RECORDED: dict[str, list[tuple[MigrationKey, list[str]]]] = {}


class ReplayingMigrationExecutor(MigrationExecutor):
    _recording: list[str] | None = None

    async def migrate(self, targets=None, **options) -> None:
        if targets is not None or options:
            return await super().migrate(targets, **options)
        dialect = self.connection.capabilities.dialect
        await self.loader.build_graph()
        await self.recorder.ensure_schema(self._schema_editor(atomic=False))
        applied = set(await self.recorder.applied_migrations())
        if applied:
            return await super().migrate()
        if dialect in _RECORDED:
            return await self._replay(_RECORDED[dialect])
        plan = self._migration_plan(None, applied, self.loader.graph)
        _RECORDED[dialect] = await self._record(plan)

    async def _record(self, plan) -> list[tuple[MigrationKey, list[str]]]:
        recorded = []
        state = await self._project_state(set())
        for step in plan:
            key = MigrationKey(app_label=step.migration.app_label, name=step.migration.name)
            self._recording = []
            await self._apply(
                step.migration, lambda editor, migration=step.migration: migration.apply(state, schema_editor=editor)
            )
            recorded.append((key, self._recording))
            self._recording = None
        return recorded

    async def _replay(self, recorded: list[tuple[MigrationKey, list[str]]]) -> None:
        for key, statements in recorded:
            migration = self.loader.graph.nodes[key]

            async def run(editor: BaseSchemaEditor, statements: list[str] = statements) -> None:
                for sql in statements:
                    await editor._run_sql(sql)

            await self._apply(migration, run)

    async def _apply(self, migration, run) -> None:
        """As the real executor applies one migration: atomically where the database can, then recorded."""
        editor = self._schema_editor(atomic=migration.atomic)
        if editor.atomic_migration:
            async with in_transaction(self.connection.connection_name) as transaction:
                editor.client = transaction
                await run(editor)
        else:
            await run(editor)
        await self.recorder.record_applied(migration.app_label, migration.name)

    def _schema_editor(self, atomic: bool = True, collect_sql: bool = False) -> BaseSchemaEditor:
        editor = super()._schema_editor(atomic, collect_sql)
        recording = self._recording
        if recording is not None:
            run_sql = editor._run_sql

            async def recorded(sql: str) -> None:
                recording.append(sql)
                await run_sql(sql)

            editor._run_sql = recorded
        return editor
