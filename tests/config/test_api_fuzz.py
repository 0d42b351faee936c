"""The HQ API against its own OpenAPI document: schemathesis, every check, both data modes.

The app runs on a real port (in a thread with its own event loop), seeded with a small
organisation, a published task, a sale, a gift and a redemption so that generated ids
and codes sometimes exist. Every operation must answer without a server error and
exactly as its document says: documented statuses, content types and schemas; valid
input accepted; invalid input refused; 405 with `Allow`; no access without the token.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import requests
import schemathesis
from aiohttp import web
from redis.asyncio import Redis
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from config.app import create_app
from config.settings import Settings
from kernel.api import OPENAPI
from tests.conftest import HQ_TOKEN
from tests.support.migrations import emptied
from tests.support.org import SMALL_ORG
from tests.support.tasks import SHANGHAI, task_in, today

MAX_EXAMPLES = 60
AUTH = {"Authorization": f"Bearer {HQ_TOKEN}"}
# 422 answers that name a rule the document cannot state (an unknown guide, end before
# start, a balance too low, a CSV without its columns): the input had the documented
# shape, so it is not "valid input rejected". A validation_error still counts against the API.
RULE_CODES = {"rule_violation", "insufficient_coins", "unknown_reference", "bad_file"}


class LiveApp:
    """The whole app served on 127.0.0.1 from a thread, as a deployment serves it."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.runner: web.AppRunner | None = None
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LiveApp:
        self.thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self.loop).result(timeout=60)
        return self

    def __exit__(self, *exc: object) -> None:
        asyncio.run_coroutine_threadsafe(self.runner.cleanup(), self.loop).result(timeout=60)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
        self.loop.close()

    async def _start(self) -> None:
        self.runner = web.AppRunner(create_app(self.settings), handle_signals=False)
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", self.port).start()


async def _empty_stores(database_url: str, redis_url: str) -> None:
    await emptied(database_url)
    client = Redis.from_url(redis_url)
    await client.flushdb()
    await client.aclose()


def _seed(url: str) -> None:
    """Something for generated ids to find: guides, a published task, a sale, a gift, a redemption."""
    session = requests.Session()
    session.headers.update(AUTH)

    def call(method: str, path: str, **kwargs) -> dict:
        response = session.request(method, url + path, timeout=30, **kwargs)
        assert response.status_code < 300, response.text
        return response.json()

    call("POST", "/api/v1/org/import", json=SMALL_ORG.model_dump())
    task = call("POST", "/api/v1/tasks", json=task_in("sales_target", target=100).model_dump(mode="json"))
    call("POST", f"/api/v1/tasks/{task['id']}/publish")
    call("POST", "/api/v1/tasks", json=task_in("add_fans").model_dump(mode="json"))
    sale = {
        "order_id": "POS-1",
        "guide": "zhangsan",
        "store": "SH01",
        "amount": "99.50",
        "sold_at": today().isoformat(),
    }
    call("POST", "/api/v1/sales", json=sale)
    call(
        "POST", "/api/v1/coins/adjust", json={"guide": "zhangsan", "amount": 500, "reason": "种子", "request_id": "s1"}
    )
    item = call("POST", "/api/v1/rewards/items", json={"name": "保温杯", "price": 10, "stock": 50})
    asyncio.run_coroutine_threadsafe(_redeem(item["id"]), _live.loop).result(timeout=30)
    open_until = (today() + timedelta(days=30)).isoformat()
    call("PUT", f"/api/v1/rewards/items/{item['id']}", json={"name": "保温杯", "price": 10, "stock": 50,
                                                             "active_until": open_until})  # fmt: skip
    tomorrow = (today().astimezone(SHANGHAI) + timedelta(days=1)).date()
    contest = {"name": "门店PK", "metric": "orders", "start_date": tomorrow.isoformat(),
               "end_date": (tomorrow + timedelta(days=2)).isoformat(),
               "teams": {"squads": [{"code": "A", "name": "甲", "stores": ["SH01"]},
                                    {"code": "B", "name": "乙", "guides": ["lisi"]}]}}  # fmt: skip
    call("POST", "/api/v1/contests", json=contest)


async def _redeem(item_id: int) -> None:
    from config.services import SERVICES

    await _live.runner.app[SERVICES].shop.redeem("zhangsan", item_id, request_key="seed-1")


_live: LiveApp


@pytest.fixture(scope="module")
def live_url(database_url: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    global _live
    asyncio.run(_empty_stores(database_url, redis_url))
    settings = Settings(
        _env_file=None,
        var_dir=Path(tmp_path_factory.mktemp("fuzz")),
        database_url=database_url,
        redis_url=redis_url,
        hq_api_token=HQ_TOKEN,
        demo_data=False,
    )
    with LiveApp(settings) as live:
        _live = live
        _seed(live.url)
        yield live.url
    asyncio.run(_empty_stores(database_url, redis_url))


def _document() -> dict:
    """The document /api/openapi.json serves, from the same create_app (no I/O until the app starts)."""
    return create_app(Settings(_env_file=None, hq_api_token=HQ_TOKEN))[OPENAPI]


schema = schemathesis.openapi.from_dict(_document())
schema.config.update(headers=AUTH, request_timeout=30)
schema.config.generation.update(
    modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
    max_examples=MAX_EXAMPLES,
    deterministic=True,
    database="none",
)


def well_formed_input_is_accepted(ctx, response, case):
    """positive_data_acceptance, except for the rules a JSON Schema cannot state (see RULE_CODES)."""
    if response.status_code == 422:
        try:
            code = response.json()["error"]["code"]
        except (ValueError, KeyError, TypeError):
            code = None
        if code in RULE_CODES:
            return None
    return positive_data_acceptance(ctx, response, case)


def test_the_fuzzed_document_is_the_served_one(live_url: str):
    assert requests.get(f"{live_url}/api/openapi.json", timeout=30).json() == _document()


@schema.parametrize()
def test_the_api_keeps_its_documented_promises(case, live_url: str):
    case.call_and_validate(
        base_url=live_url, excluded_checks=[positive_data_acceptance], additional_checks=[well_formed_input_is_accepted]
    )
