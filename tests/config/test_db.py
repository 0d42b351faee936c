"""The SQLite database `guidebot serve` ships with: WAL, synchronous=NORMAL, and what that keeps after a crash."""

import asyncio
import os
import signal
import subprocess
import sys
import textwrap

from tortoise import connections

from config.db import close_database, open_database
from config.settings import Settings
from org.models import Region


def served_database_url(tmp_path) -> str:
    """The URL `guidebot serve` opens when DATABASE_URL is unset."""
    return Settings(_env_file=None, var_dir=tmp_path).resolved_database_url


async def pragma(name: str) -> str | int:
    _, [row] = await connections.get("default").execute_query(f"PRAGMA {name}")
    return row[0]


async def test_the_served_sqlite_database_runs_in_wal_mode_with_synchronous_normal(tmp_path):
    await open_database(served_database_url(tmp_path))
    try:
        assert await pragma("journal_mode") == "wal"
        assert await pragma("synchronous") == 1  # NORMAL
    finally:
        await close_database()


async def test_a_database_url_may_ask_for_other_pragmas(tmp_path):
    await open_database(f"sqlite://{tmp_path}/strict.sqlite3?synchronous=FULL")
    try:
        assert await pragma("synchronous") == 2  # FULL
    finally:
        await close_database()


async def test_a_commit_survives_the_process_being_killed(tmp_path):
    url = served_database_url(tmp_path)
    child = textwrap.dedent(f"""
        import asyncio, os, signal
        from config.db import open_database
        from org.models import Region

        async def main():
            await open_database({url!r})
            await Region.create(code="EAST", name="华东")
            os.kill(os.getpid(), signal.SIGKILL)  # no close, no checkpoint

        asyncio.run(main())
    """)
    killed = subprocess.run([sys.executable, "-c", child], cwd=os.getcwd(), capture_output=True)
    assert killed.returncode == -signal.SIGKILL, killed.stderr.decode()

    await open_database(url)
    try:
        assert await Region.filter(code="EAST").values_list("name", flat=True) == ["华东"]
    finally:
        await close_database()


async def test_processes_started_together_on_a_fresh_database_all_migrate_it(tmp_path, clean_database):
    """`make run` and `make admin` at once, or replicas starting together: one migrates, the others wait, none crash."""
    url = served_database_url(tmp_path) if clean_database == "sqlite://:memory:" else clean_database
    child = textwrap.dedent(f"""
        import asyncio
        from config.db import close_database, open_database

        async def main():
            await open_database({url!r})
            await close_database()

        asyncio.run(main())
    """)
    starting = [
        await asyncio.create_subprocess_exec(sys.executable, "-c", child, cwd=os.getcwd(), stderr=subprocess.PIPE)
        for _ in range(3)
    ]
    errors = [(await process.communicate())[1].decode() for process in starting]

    assert [process.returncode for process in starting] == [0, 0, 0], errors
    await open_database(url)
    try:
        assert await Region.all().count() == 0  # migrated, usable
    finally:
        await close_database()
