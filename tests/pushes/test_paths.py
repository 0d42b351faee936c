"""Every push path goes through the push budget: with zhangsan muted (免打扰), each path's push to him waits.

The specs use the mute rather than the night so they hold whatever the wall clock says; the
quiet hours and caps hold through the same gate (tests/pushes/test_budget.py).
"""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from fans.schemas import ReportPeriod
from kernel.jobs import Slot
from org.schemas import OrgImport
from pushes.budget import push_kind
from pushes.models import DeferredPush
from tasks.schemas import SaleIn
from tests.support.contests import PK_ORG, import_pk_org
from tests.support.tasks import SHANGHAI, task_in


@pytest.fixture(autouse=True)
async def zhangsan_muted(services):
    await import_pk_org()
    await services.pushes.mute("zhangsan")


async def held_for(userid: str) -> set[str]:
    return {push_kind(key) for key in await DeferredPush.filter(userid=userid).values_list("source_key", flat=True)}


async def delivered(services, fake_wecom, userid: str) -> list[dict]:
    await services.outbox.drain()
    return fake_wecom.messages_to(userid)


async def publish(services, kind: str = "add_fans", **overrides):
    task = await services.publishing.create_draft(task_in(kind, audience={"stores": ["SH01", "SH02"]}, **overrides))
    return await services.publishing.publish(task.id)


async def test_task_cards_wait_for_the_muted_guide_and_reach_the_others(services, fake_wecom):
    await publish(services)

    assert await delivered(services, fake_wecom, "zhangsan") == []
    assert len(await delivered(services, fake_wecom, "lisi")) == 1
    assert await held_for("zhangsan") == {"task-card"}


async def test_a_cancellation_waits(services, fake_wecom):
    task = await publish(services)

    await services.publishing.cancel(task.id)

    assert await delivered(services, fake_wecom, "zhangsan") == []
    assert "task-cancelled" in await held_for("zhangsan")


async def test_the_congratulation_and_the_badge_on_a_completed_task_wait(services, fake_wecom):
    await publish(services, "sales_target", target=100)

    await services.sales.record(
        SaleIn(order_id="A-1", guide="zhangsan", amount=Decimal(150), sold_at=datetime.now(UTC))
    )

    assert await delivered(services, fake_wecom, "zhangsan") == []
    assert {"task-done", "badge"} <= await held_for("zhangsan")


async def test_the_confirmation_of_a_self_reported_sale_waits(services, fake_wecom):
    sale, _ = await services.sales.record(
        SaleIn(order_id="S-1", guide="zhangsan", amount=Decimal(80), sold_at=datetime.now(UTC)), self_reported=True
    )

    await services.sales.confirm(sale.id)

    assert await delivered(services, fake_wecom, "zhangsan") == []
    assert "sale-confirmed" in await held_for("zhangsan")


async def test_the_benchmark_announcement_waits_for_the_muted_guide_only(services, fake_wecom):
    yesterday = datetime.now(UTC).astimezone(SHANGHAI).date() - timedelta(days=1)
    noon = datetime.combine(yesterday, datetime.min.time(), tzinfo=SHANGHAI) + timedelta(hours=12)
    await services.sales.record(SaleIn(order_id="L-1", guide="lisi", amount=Decimal(888), orders=3, sold_at=noon))

    await services.benchmarks.select(yesterday)

    assert await delivered(services, fake_wecom, "zhangsan") == []
    assert len(await delivered(services, fake_wecom, "wangwu")) == 1
    assert "benchmark" in await held_for("zhangsan")


async def test_the_morning_digest_waits(services, fake_wecom):
    await publish(services)
    await services.outbox.drain()

    await services.digests.send(datetime.now(UTC).astimezone(SHANGHAI).date(), "morning-digest@now")

    assert await delivered(services, fake_wecom, "zhangsan") == []
    assert len(await delivered(services, fake_wecom, "lisi")) == 2  # the card, then the digest
    assert "digest" in await held_for("zhangsan")


async def test_a_task_reminder_waits(services, fake_wecom):
    task = await publish(services)
    await services.outbox.drain()
    ends = datetime.combine(task.end_date + timedelta(days=1), datetime.min.time(), tzinfo=SHANGHAI)

    await services.reminders.send(ends - timedelta(hours=2))

    assert await delivered(services, fake_wecom, "zhangsan") == []
    assert "task-reminder" in await held_for("zhangsan")


async def test_the_fan_report_to_a_store_manager_waits(services, fake_wecom):
    await services.org.import_org(OrgImport.model_validate({**PK_ORG.model_dump(mode="json"), "roles": [
        {"userid": "zhangsan", "role": "store_manager", "store": "SH01"},
        {"userid": "wangwu", "role": "branch_lead", "branch": "BJ"},
    ]}))  # fmt: skip

    await services.fan_report_pushes.push(ReportPeriod.DAY, Slot("fan-report-daily", datetime.now(UTC)))

    assert await delivered(services, fake_wecom, "zhangsan") == []
    assert len(await delivered(services, fake_wecom, "wangwu")) == 1
    assert "fan-report-daily@" in " ".join(
        await DeferredPush.filter(userid="zhangsan").values_list("source_key", flat=True)
    )


async def test_what_waited_arrives_as_one_message_after_resume(services, fake_wecom):
    task = await publish(services)
    await services.publishing.cancel(task.id)
    await services.outbox.drain()

    await services.pushes.unmute("zhangsan")
    await services.pushes.release_due(services.outbox)

    [merged] = await delivered(services, fake_wecom, "zhangsan")
    assert "合并了 2 条消息" in merged["text"]["content"]
