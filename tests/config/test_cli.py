"""The guidebot command on an empty machine: migrate, seed the demo, import a roster."""

import asyncio
import json
import os

import pytest
from tortoise import Tortoise

from config.cli import main
from config.db import open_database
from org.models import Guide
from tests.support.org import SMALL_ORG


@pytest.fixture
def workdir(monkeypatch, tmp_path, clean_database):
    monkeypatch.chdir(tmp_path)
    if clean_database != "sqlite://:memory:":
        monkeypatch.setenv("DATABASE_URL", clean_database)
    return tmp_path


async def guide_count(settings_url: str) -> int:
    await open_database(settings_url)
    try:
        return await Guide.all().count()
    finally:
        await Tortoise.close_connections()


def database_url(workdir) -> str:
    return os.environ.get("DATABASE_URL") or f"sqlite://{workdir / 'var' / 'guidebot.sqlite3'}"


def test_migrate_creates_the_database(workdir, capsys):
    assert main(["migrate"]) == 0
    assert "up to date" in capsys.readouterr().out


def test_seed_demo_loads_300_guides(workdir, capsys):
    assert main(["seed-demo"]) == 0

    assert "guides: 300 created" in capsys.readouterr().out
    assert asyncio.run(guide_count(database_url(workdir))) == 300


def test_import_org_reports_then_is_idempotent(workdir, capsys):
    roster = workdir / "org.json"
    roster.write_text(json.dumps(SMALL_ORG.model_dump(), ensure_ascii=False), encoding="utf-8")

    assert main(["import-org", str(roster)]) == 0
    assert "guides: 2 created" in capsys.readouterr().out
    assert main(["import-org", str(roster)]) == 0
    assert "guides: 0 created, 0 updated, 2 unchanged" in capsys.readouterr().out


def test_import_org_of_a_broken_file_says_so_and_fails(workdir, capsys):
    roster = workdir / "org.json"
    roster.write_text('{"guides": [{"userid": "x"}]}', encoding="utf-8")

    assert main(["import-org", str(roster)]) == 1
    assert "not a valid organisation file" in capsys.readouterr().err
