"""The app as `make run` ships it (SQLite and embedded Redis in a temp dir) on a test server, beside the fake WeCom API."""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from aiohttp.test_utils import TestClient, TestServer

from config.app import create_app
from tests.fakes.wecom_api import FakeWeCom
from tests.support import wecom


@asynccontextmanager
async def shipped_app(**settings: object) -> AsyncIterator[tuple[TestClient, FakeWeCom]]:
    """(a client of the app, the fake WeCom it sends to); `settings` override the test credentials' defaults."""
    fake = FakeWeCom(wecom.CORP_ID, wecom.SECRET, accept_unissued_codes=True)
    async with TestServer(fake.app()) as fake_server:
        fake.base_url = str(fake_server.make_url("")).rstrip("/")
        with tempfile.TemporaryDirectory() as var_dir:
            app_settings = wecom.app_settings(
                fake.base_url,
                var_dir=Path(var_dir),
                database_url="",  # what `guidebot serve` uses: SQLite under var_dir, the shipped pragmas
                demo_data=False,
                **settings,
            )
            async with TestClient(TestServer(create_app(app_settings))) as client:
                yield client, fake
