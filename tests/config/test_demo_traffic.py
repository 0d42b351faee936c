"""`guidebot demo-traffic` against a real `guidebot serve`: fans and sales appear, refusals are clear."""

import asyncio
import os
import sys

import aiohttp
import pytest

from config.cli import main
from config.demo_mode import demo_credentials, read_demo_credentials
from config.demo_traffic import FrontDoors
from fans.models import FanVerdict
from kernel.clock import SystemClock
from tests.conftest import HQ_TOKEN
from tests.support.org import import_small_org
from tests.support.server import ServedGuidebot, free_port
from tests.support.tasks import SHANGHAI, task_in

SHORT_RUN = ["--rate", "20", "--minutes", "0.05"]  # 60 items in 3 s: every kind, three times over
AUTH = {"Authorization": f"Bearer {HQ_TOKEN}"}


async def demo_traffic(served: ServedGuidebot, *args: str) -> tuple[int, str, str]:
    """Run `guidebot demo-traffic` as a user would, in the served app's environment (its VAR_DIR, HOST, PORT)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "config", "demo-traffic", *args, env=served.env, cwd=served.var_dir,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(process.communicate(), timeout=120)
    return process.returncode, out.decode(), err.decode()


@pytest.fixture
def workdir(monkeypatch, tmp_path):
    """An empty working directory with no WeCom credential in the environment: demo mode."""
    monkeypatch.chdir(tmp_path)
    for name in [name for name in os.environ if name.startswith(("WECOM_", "HQ_API_TOKEN"))]:
        monkeypatch.delenv(name)
    return tmp_path


def test_with_real_wecom_credentials_set_it_refuses_and_names_force(workdir, monkeypatch, capsys):
    for name, value in {"WECOM_CORP_ID": "ww-real", "WECOM_AGENT_ID": "1000002", "WECOM_SECRET": "s3cr3t"}.items():
        monkeypatch.setenv(name, value)

    assert main(["demo-traffic"]) == 2

    err = capsys.readouterr().err
    assert "已设置真实的企业微信凭据" in err
    assert "Add --force if you mean it" in err


def test_without_a_running_service_it_says_to_start_one_with_make_run(workdir, monkeypatch, capsys):
    demo_credentials(workdir / "var")
    monkeypatch.setenv("PORT", str(free_port()))

    assert main(["demo-traffic", "--minutes", "0.01"]) == 1

    err = capsys.readouterr().err
    assert "连不上 http://127.0.0.1:" in err
    assert "start the service first with `make run`" in err


def test_before_the_service_ever_ran_in_demo_mode_it_says_to_start_it(workdir, capsys):
    assert main(["demo-traffic"]) == 1

    assert "demo-callback.json does not exist: start the service in demo mode first (make run)" in (
        capsys.readouterr().err
    )


async def test_card_taps_go_to_the_guides_of_the_published_tasks_running_today(client, settings):
    await import_small_org()
    yesterday = task_in().start_date
    tasks = {
        "running": task_in("share_post"),
        "ended": task_in("add_fans", start_date=yesterday, end_date=yesterday),
        "draft": task_in("sales_target"),
    }
    ids = {}
    for name, task in tasks.items():
        ids[name] = (
            await (await client.post("/api/v1/tasks", json=task.model_dump(mode="json"), headers=AUTH)).json()
        )["id"]
        if name != "draft":
            assert (await client.post(f"/api/v1/tasks/{ids[name]}/publish", headers=AUTH)).status == 200
    clock = SystemClock(SHANGHAI)

    async with aiohttp.ClientSession() as session:
        doors = FrontDoors(session, str(client.make_url("")).rstrip("/"), settings, clock)
        open_tasks = await doors.open_tasks(clock.today())

    assert [(task.id, task.kind, sorted(task.guides)) for task in open_tasks] == [
        (ids["running"], "share_post", ["lisi", "zhangsan"])
    ]


@pytest.fixture
async def session():
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
async def served_in_demo_mode(tmp_path, clean_database, redis_url, redis, session):
    """Its Redis is flushed before and after (`redis`), as the served app caches there."""
    served = ServedGuidebot(tmp_path, clean_database, redis_url, wecom_api_base=None)
    await served.start(session)
    yield served
    served.close()


async def test_a_short_run_answers_everything_without_an_error(served_in_demo_mode):
    status, out, err = await demo_traffic(served_in_demo_mode, *SHORT_RUN)
    await served_in_demo_mode.stop()

    assert (status, err) == (0, "")
    assert "sent 60, answered 60, errors 0" in out
    assert "Card taps skipped: no task is open today" in out


async def test_a_short_run_makes_new_and_duplicate_fans(served_in_demo_mode):
    await demo_traffic(served_in_demo_mode, *SHORT_RUN)
    await served_in_demo_mode.stop()

    verdicts = {fan.verdict for fan in await served_in_demo_mode.fans()}
    assert {FanVerdict.NEW, FanVerdict.DUPLICATE} <= verdicts


async def test_a_short_run_posts_store_sales_and_guides_report_theirs_in_chat(served_in_demo_mode, session):
    await demo_traffic(served_in_demo_mode, *SHORT_RUN)
    token = read_demo_credentials(served_in_demo_mode.var_dir).hq_api_token.get_secret_value()

    async with session.get(
        f"{served_in_demo_mode.base_url}/api/v1/sales", headers={"Authorization": f"Bearer {token}"}
    ) as answer:
        sales = await answer.json()

    from_stores = [sale for sale in sales if not sale["self_reported"]]
    assert from_stores and all(sale["order_id"].startswith("demo-") for sale in from_stores)
    assert [sale for sale in sales if sale["self_reported"] and sale["review"] == "pending"]
    assert [sale for sale in from_stores if sale["amount"].startswith("-")]  # refunds


async def test_forced_it_drives_a_service_with_real_credentials_signing_with_them(
    tmp_path, clean_database, redis_url, redis, fake_wecom, session
):
    # `redis` flushes the access token this app caches, which the next test's fake WeCom would not know.
    served = ServedGuidebot(tmp_path, clean_database, redis_url, fake_wecom.base_url)
    served.env["HQ_API_TOKEN"] = HQ_TOKEN
    await served.start(session)
    try:
        status, out, _ = await demo_traffic(served, "--force", *SHORT_RUN)
        await served.stop()
    finally:
        served.close()

    assert status == 0
    assert "errors 0" in out
    assert await served.fans()
