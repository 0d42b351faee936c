"""The guidebot command on an empty machine: migrate, seed the demo, import a roster."""

import asyncio
import json
import logging
import os
from datetime import UTC, datetime

import pytest
from redis.asyncio import Redis
from tortoise import Tortoise

import config.cli
from config.cli import main, public_url_warning
from config.db import open_database
from contests.book import ContestBook
from org.models import Guide
from org.service import OrgService
from tasks.models import Sale
from tests.support.clock import FakeClock
from tests.support.contests import contest_in
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


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:8181", "http://localhost:8080", "http://0.0.0.0:8080", "http://192.168.1.20:8080",
     "http://203.0.113.7:8080", "http://[::1]:8080", "http://shop-server:8080"],
)  # fmt: skip
def test_a_public_url_customers_cannot_open_is_named_in_a_warning(url):
    assert f"PUBLIC_URL={url}, which customers' phones cannot open" in public_url_warning(url)


@pytest.mark.parametrize("url", ["https://guide.example.com", "http://1.2.3.4:8080"])
def test_a_public_address_raises_no_warning(url):
    assert public_url_warning(url) is None


@pytest.fixture
def served_with(monkeypatch, workdir):
    """Runs `guidebot serve` up to the point of listening; returns the warnings it logged."""
    for name in ("PUBLIC_URL", "HOST", "PORT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(config.cli.web, "run_app", lambda app, **kwargs: None)

    def serve(caplog, **env: str) -> list[str]:
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        with caplog.at_level(logging.WARNING, logger="config.cli"):
            assert main(["serve"]) == 0
        return [r.getMessage() for r in caplog.records if r.name == "config.cli"]

    return serve


def test_serve_warns_once_when_share_links_point_at_this_machine(served_with, caplog):
    [warning] = served_with(caplog, PORT="8181")

    assert "PUBLIC_URL=http://127.0.0.1:8181" in warning


def test_serve_says_nothing_of_a_public_url_customers_can_open(served_with, caplog):
    assert served_with(caplog, PUBLIC_URL="https://guide.example.com") == []


def test_rebuild_boards_recreates_the_boards_from_the_database(workdir, capsys, monkeypatch, redis_url):
    monkeypatch.setenv("REDIS_URL", redis_url)
    assert main(["migrate"]) == 0

    async def a_sale_in_the_database_and_an_empty_redis() -> None:
        await open_database(database_url(workdir))
        try:
            await OrgService().import_org(SMALL_ORG)
            await Sale.create(
                order_id="A1", guide_userid="lisi", amount_fen=8800, orders=1,
                sold_at=datetime(2026, 11, 25, 4, 0, tzinfo=UTC), fingerprint="x", received_at=datetime.now(UTC),
            )  # fmt: skip
        finally:
            await Tortoise.close_connections()
        redis = Redis.from_url(redis_url)
        await redis.flushdb()
        await redis.aclose()

    async def the_day_board() -> list:
        redis = Redis.from_url(redis_url)
        try:
            return await redis.zrange("lb:sales:guide:day:2026-11-25", 0, -1, withscores=True)
        finally:
            await redis.flushdb()
            await redis.aclose()

    asyncio.run(a_sale_in_the_database_and_an_empty_redis())
    capsys.readouterr()

    assert main(["rebuild-boards"]) == 0
    assert "from 1 records" in capsys.readouterr().out
    assert asyncio.run(the_day_board()) == [(b"lisi", 8800.0)]


def test_rebuild_boards_recreates_the_contest_boards_too(workdir, capsys, monkeypatch, redis_url):
    monkeypatch.setenv("REDIS_URL", redis_url)
    assert main(["migrate"]) == 0
    squads = {
        "squads": [{"code": "A", "name": "甲队", "stores": ["SH01"]}, {"code": "B", "name": "乙队", "stores": ["SH02"]}]
    }

    async def a_contest_with_a_sale_and_an_empty_redis() -> int:
        await open_database(database_url(workdir))
        try:
            await OrgService().import_org(SMALL_ORG)
            eve = FakeClock(datetime(2026, 11, 24, 4, 0, tzinfo=UTC))
            running = await ContestBook(eve).create(
                contest_in(teams=squads, start_date="2026-11-25", end_date="2026-11-26")
            )
            await Sale.create(
                order_id="A1", guide_userid="lisi", amount_fen=8800, orders=1,
                sold_at=datetime(2026, 11, 25, 4, 0, tzinfo=UTC), fingerprint="x", received_at=datetime.now(UTC),
            )  # fmt: skip
        finally:
            await Tortoise.close_connections()
        redis = Redis.from_url(redis_url)
        await redis.flushdb()
        await redis.aclose()
        return running.id

    async def the_contest_board(contest_id: int) -> list:
        redis = Redis.from_url(redis_url)
        try:
            return await redis.zrange(f"lb:sales:team:contest:{contest_id}", 0, -1, withscores=True)
        finally:
            await redis.flushdb()
            await redis.aclose()

    contest_id = asyncio.run(a_contest_with_a_sale_and_an_empty_redis())

    assert main(["rebuild-boards"]) == 0
    assert asyncio.run(the_contest_board(contest_id)) == [(f"{contest_id}:B".encode(), 8800.0)]
