"""The fan-report jobs: declared with their default times, and pushing each person's report once per slot."""

from datetime import UTC, datetime, timedelta

import pytest

from bot.models import OutboxMessage
from config.app import create_app
from config.settings import Settings
from fans.schemas import ReportPeriod
from kernel.jobs import Slot
from kernel.jobs.views import SCHEDULER
from tests.config.test_jobs import run_job
from tests.fans.test_reports import ORG
from tests.support.fans import add_fan
from tests.support.jobs import SCHEDULED_PUSHES_OFF, after_start_up_runs

ROLES = [
    {"userid": "zhangsan", "role": "store_manager", "store": "SH01"},
    {"userid": "wangwu", "role": "branch_lead", "branch": "SH"},
]


@pytest.fixture
async def started(client, hq_headers):
    await after_start_up_runs(client)
    await client.post("/api/v1/org/import", json={**ORG.model_dump(mode="json"), "roles": ROLES}, headers=hq_headers)
    return client


async def test_the_fan_report_jobs_run_daily_mondays_and_on_the_first_at_nine(aiohttp_client, settings, hq_headers):
    shipped = {name: Settings.model_fields[name].default for name in SCHEDULED_PUSHES_OFF if name.startswith("fan_")}
    client = await aiohttp_client(create_app(settings.model_copy(update=shipped)))

    jobs = {job["name"]: job for job in await (await client.get("/api/v1/jobs", headers=hq_headers)).json()}

    assert [jobs[f"fan-report-{kind}"]["schedule"] for kind in ("daily", "weekly", "monthly")] == [
        "09:00", "mon 09:00", "1st 09:00",
    ]  # fmt: skip


async def test_the_daily_job_sends_each_manager_and_lead_yesterdays_report(started, services, hq_headers, fake_wecom):
    yesterday = services.clock.business_day(datetime.now(UTC) - timedelta(minutes=30)) - timedelta(days=1)
    await add_fan("zhangsan", datetime.combine(yesterday, datetime.min.time(), tzinfo=services.clock.timezone))

    run = await run_job(started, hq_headers, "fan-report-daily")
    await services.outbox.drain()

    assert run["outcome"].endswith("queued for 2 managers and leads")
    [store] = fake_wecom.messages_to("zhangsan")
    assert store["text"]["content"].splitlines()[1] == "新增 1 · 重粉 0 · 删粉 0 · 净增 1"
    assert "上海分公司" in fake_wecom.messages_to("wangwu")[0]["text"]["content"]


async def test_a_slot_whose_work_is_done_again_after_a_crash_pushes_each_report_once(started, services, fake_wecom):
    slot = Slot("fan-report-weekly", datetime(2026, 11, 30, 1, 0, tzinfo=UTC))

    await services.fan_report_pushes.push(ReportPeriod.WEEK, slot)
    await services.fan_report_pushes.push(ReportPeriod.WEEK, slot)
    await services.outbox.drain()

    assert await OutboxMessage.filter(key__startswith=slot.key).count() == 2
    assert len(fake_wecom.messages_to("zhangsan")) == len(fake_wecom.messages_to("wangwu")) == 1


async def test_running_the_job_twice_for_one_slot_pushes_once(started, services, hq_headers, fake_wecom):
    slot = (datetime.now(UTC) - timedelta(minutes=30)).replace(second=0, microsecond=0).isoformat()

    for _ in range(2):
        await started.post("/api/v1/jobs/fan-report-monthly/run", params={"slot": slot}, headers=hq_headers)
        await started.app[SCHEDULER].runs.queue.drain()
    await services.outbox.drain()

    assert len(fake_wecom.messages_to("zhangsan")) == 1
