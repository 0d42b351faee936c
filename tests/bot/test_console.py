"""`make console`: chat as a guide from a terminal, on a fresh clone, next to a running server."""

from __future__ import annotations

import asyncio
import io
import os
import subprocess
import sys
from pathlib import Path

import aiohttp
import pytest

from bot.console import chat
from bot.inbox import GAVE_UP
from config.db import close_database, open_database
from config.settings import Settings
from kernel.clock import SystemClock
from kernel.event_bus import EventBus
from org.demo import demo_org
from rewards.ledger import CoinLedger
from rewards.models import RewardItem
from tests.support.budget import PUSH_BUDGET_OFF
from tests.support.embedded_redis import answers, socket_in
from tests.support.server import free_port

FIRST, SECOND = demo_org().guides[:2]
STORE_NAMES = {store.code: store.name for store in demo_org().stores}


@pytest.fixture
def console_settings(tmp_path: Path, clean_database: str, redis_url: str) -> Settings:
    """What `make console` reads on a fresh clone: nothing set, so the demo organisation is loaded."""
    file_or_server = "" if clean_database == "sqlite://:memory:" else clean_database  # kept between runs
    return Settings(
        _env_file=None, var_dir=tmp_path, database_url=file_or_server, redis_url=redis_url, **PUSH_BUDGET_OFF
    )


async def run_console(settings: Settings, *lines: str, userid: str | None = None) -> list[str]:
    out = io.StringIO()
    await chat(settings, userid, io.StringIO("".join(f"{line}\n" for line in lines)), out)
    return out.getvalue().splitlines()


async def test_with_no_arguments_it_speaks_as_a_demo_guide_and_says_who_and_where(console_settings):
    greeting, _, coins = await run_console(console_settings, "金币")

    assert greeting.startswith(
        f"你现在是导购 {FIRST.name}（{FIRST.userid}），{STORE_NAMES[FIRST.store]}（{FIRST.store}）"
    )
    assert coins == "金币余额：0"


async def test_as_picks_the_guide(console_settings):
    greeting, *_ = await run_console(console_settings, userid=SECOND.userid)

    assert f"{SECOND.name}（{SECOND.userid}）" in greeting


async def test_a_userid_outside_the_directory_is_warned_and_shown_who_is_in_it(console_settings):
    greeting, _, reply = await run_console(console_settings, "金币", userid="lisi")

    assert "lisi 不在导购名单中" in greeting and FIRST.userid in greeting
    assert reply.startswith("你还不在导购名单中")


async def test_a_message_that_fails_is_answered_with_please_resend_and_the_console_goes_on(
    console_settings, monkeypatch
):
    async def broken(self, guide_userid, limit=5):
        raise ConnectionError("database went away")

    monkeypatch.setattr(CoinLedger, "recent", broken)

    _, _, failed, helped, *_ = await run_console(console_settings, "金币", "帮助")

    assert failed == GAVE_UP
    assert helped.startswith("我是导购助手")


async def test_a_guide_without_coins_is_not_told_of_another_guides_redemption_from_an_earlier_run(console_settings):
    await open_database(console_settings.resolved_database_url)
    try:
        await run_console(console_settings)  # loads the demo organisation
        await open_database(console_settings.resolved_database_url)
        item = await RewardItem.create(name="保温杯", price=200, stock=5)
        await CoinLedger(EventBus(SystemClock()), SystemClock()).post(
            FIRST.userid, 500, "测试", source_type="test", source_id="1"
        )
    finally:
        await close_database()

    *_, first_run = await run_console(console_settings, f"兑换 {item.id}", userid=FIRST.userid)
    *_, second_run = await run_console(console_settings, f"兑换 {item.id}", userid=SECOND.userid)

    assert first_run.startswith("兑换成功")
    assert second_run == "金币不够：需要 200，你有 0。"


# --- the console next to a running `guidebot serve` -------------------------------------------------


@pytest.fixture
def env(tmp_path: Path, clean_database: str) -> dict[str, str]:
    """A fresh clone's environment: embedded Redis and (unless testing on PostgreSQL) SQLite under VAR_DIR."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("WECOM_", "REDIS_", "DATABASE_", "PUBLIC_"))}
    database = "" if clean_database == "sqlite://:memory:" else clean_database
    return {**base, "VAR_DIR": str(tmp_path), "HOST": "127.0.0.1", "PORT": str(free_port()), "DATABASE_URL": database}


async def healthz(env: dict[str, str]) -> int:
    try:
        async with aiohttp.ClientSession() as session, session.get(f"http://127.0.0.1:{env['PORT']}/healthz") as r:
            return r.status
    except aiohttp.ClientError:
        return 0


async def start_server(env: dict[str, str]) -> subprocess.Popen:
    server = subprocess.Popen(
        [sys.executable, "-m", "config", "serve"], env=env, cwd=env["VAR_DIR"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    for _ in range(200):
        if await healthz(env) == 200:
            return server
        await asyncio.sleep(0.1)
    server.kill()
    pytest.fail(server.communicate()[0].decode())


async def start_console(env: dict[str, str]) -> asyncio.subprocess.Process:
    """A console waiting for input, after it has said who you are."""
    console = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.console", env=env, cwd=env["VAR_DIR"],
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    greeting = await asyncio.wait_for(console.stdout.readline(), 60)
    assert greeting.decode().startswith("你现在是导购"), greeting.decode() + (await console.stdout.read()).decode()
    return console


async def quit_console(console: asyncio.subprocess.Process, *lines: str) -> str:
    output, _ = await asyncio.wait_for(console.communicate("".join(f"{x}\n" for x in lines).encode()), 60)
    assert console.returncode == 0, output.decode()
    return output.decode()


async def stop(server: subprocess.Popen) -> str:
    """Stop the server as Ctrl-C or a service manager would; its log."""
    server.terminate()
    return (await asyncio.to_thread(server.communicate, timeout=30))[0].decode()


async def test_quitting_the_console_leaves_the_running_servers_redis_alone(env):
    server = await start_server(env)
    try:
        output = await quit_console(await start_console(env), "金币")

        assert "金币余额：0" in output
        assert await healthz(env) == 200
        socket_file = socket_in(Path(env["VAR_DIR"]))
        assert await answers(socket_file)
    finally:
        log = await stop(server)
    assert not await answers(socket_file), f"the server stops the Redis it started; its log:\n{log}"


async def test_a_server_started_after_the_console_keeps_redis_when_the_console_quits(env):
    console = await start_console(env)
    server = await start_server(env)
    try:
        await quit_console(console, "金币")

        assert await healthz(env) == 200
        socket_file = socket_in(Path(env["VAR_DIR"]))
    finally:
        log = await stop(server)
    assert not await answers(socket_file), f"the last one out stops the embedded Redis; its log:\n{log}"
