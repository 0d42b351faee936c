"""The audit trail in the console: who, when (Beijing time), what, before → after with the changed keys marked,
all named in Chinese: the API's changes by their Chinese titles, the common keys by their Chinese names."""

from datetime import UTC, datetime

from staff.audit import PAGE_SIZE
from staff.models import AuditEntry


async def an_edit(services, actor="wecom:yunying", action="修改任务", target="/console/tasks/7", **changes):
    before = {"title": "拉新冲刺", "reward_coins": 10, "audience": {"stores": ["SH01"]}}
    return await services.audit.record(actor, action, target, before, {**before, **changes})


async def test_an_entry_shows_who_when_what_and_the_changed_keys(as_operator, services):
    entry = await an_edit(services, reward_coins=20)
    await AuditEntry.filter(id=entry.id).update(at=datetime(2026, 5, 1, 1, 30, tzinfo=UTC))

    page = await (await as_operator.get("/console/audit")).text()

    assert "修改任务" in page and "yunying" in page and "/console/tasks/7" in page
    assert "2026-05-01 09:30" in page  # 01:30 UTC is 09:30 in Shanghai
    assert '<tr class="changed"><td title="reward_coins">完成奖励（金币）</td><td>10</td><td>20</td></tr>' in page
    assert '<tr><td title="title">标题</td><td>拉新冲刺</td><td>拉新冲刺</td></tr>' in page


async def test_a_nested_key_is_named_part_by_part_and_an_unknown_one_as_it_is(as_operator, services):
    await an_edit(services, audience={"stores": ["SH01", "SH02"]}, sku_code="X1")

    page = await (await as_operator.get("/console/audit")).text()

    assert '<td title="audience.stores">发给谁.门店</td>' in page
    assert '<td title="sku_code">sku_code</td>' in page


async def test_a_change_through_the_api_is_named_in_chinese(as_operator, client, hq_headers):
    sale = {"order_id": "POS-1", "guide": "zhangsan", "amount": "88.00", "sold_at": "2026-05-01T14:30:00+08:00"}
    assert (await client.post("/api/v1/sales", json=sale, headers=hq_headers)).status == 200

    page = await (await as_operator.get("/console/audit")).text()

    assert "<strong>记录销售</strong>" in page and "Record a sales line" not in page
    assert '<td title="order_id">订单号</td>' in page


async def test_a_change_through_the_api_is_found_by_its_chinese_name(as_operator, client, hq_headers, services):
    sale = {"order_id": "POS-1", "guide": "zhangsan", "amount": "88.00", "sold_at": "2026-05-01T14:30:00+08:00"}
    await client.post("/api/v1/sales", json=sale, headers=hq_headers)
    await an_edit(services)

    page = await (await as_operator.get("/console/audit", params={"action": "销售"})).text()

    assert "<strong>记录销售</strong>" in page and "修改任务" not in page


async def test_a_new_thing_shows_every_key_as_changed(as_operator, services):
    await services.audit.record("local:root", "创建API令牌", "/console/people/tokens/1", None, {"name": "pos-sync"})

    page = await (await as_operator.get("/console/audit")).text()

    assert '<tr class="changed"><td title="name">名称</td><td></td><td>pos-sync</td></tr>' in page


async def test_the_trail_filters_by_actor_action_and_target(as_operator, services):
    await an_edit(services, actor="wecom:zhangsan", target="/console/tasks/1")
    await an_edit(services, actor="token:pos-sync", action="确认销售", target="/api/v1/sales/9")

    by_actor = await (await as_operator.get("/console/audit", params={"actor": "pos-sync"})).text()
    by_target = await (await as_operator.get("/console/audit", params={"target": "/tasks/1"})).text()

    assert "确认销售" in by_actor and "/console/tasks/1" not in by_actor
    assert "/console/tasks/1" in by_target and "确认销售" not in by_target


async def test_the_trail_pages_newest_first(as_operator, services):
    for n in range(PAGE_SIZE + 1):
        await an_edit(services, target=f"/console/tasks/{n}")

    first = await (await as_operator.get("/console/audit")).text()
    oldest = (await AuditEntry.all().order_by("id").first()).id
    second = await (await as_operator.get("/console/audit", params={"before_id": oldest + 1})).text()

    assert f"/console/tasks/{PAGE_SIZE}<" in first and "/console/tasks/0<" not in first
    assert "更早的记录" in first
    assert "/console/tasks/0<" in second and "更早的记录" not in second


async def test_a_bad_page_position_is_named_in_chinese(as_operator):
    response = await as_operator.get("/console/audit", params={"before_id": "abc"})

    assert response.status == 422 and "翻页位置：请填写整数" in await response.text()


async def test_a_store_manager_may_not_read_the_audit_trail(as_store_manager, services):
    await an_edit(services)

    response = await as_store_manager.get("/console/audit")

    assert response.status == 403 and "修改任务" not in await response.text()
