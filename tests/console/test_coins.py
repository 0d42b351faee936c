"""金币 in the console: a guide's ledger with where each entry came from; HQ grants, deducts and reverses."""

from decimal import Decimal

import pytest

from rewards.models import CoinEntry, RewardItem
from staff.models import AuditEntry
from tasks.schemas import SaleIn
from tests.support.console import post_form
from tests.support.tasks import task_in, today

LEDGER = "/console/coins/zhangsan"


def grant(amount: str = "100", reason: str = "门店之星", request_id: str = "form-1", **extra) -> dict:
    return {"direction": "grant", "amount": amount, "reason": reason, "request_id": request_id, **extra}


async def test_the_ledger_names_the_source_of_each_entry_and_links_to_the_task(as_operator, services, org):
    task = await services.publishing.create_draft(task_in("sales_target", metric="orders", target=2))
    await services.publishing.publish(task.id)
    sale = SaleIn(order_id="O-1", guide="zhangsan", store="SH01", amount=Decimal("800"), orders=3, sold_at=today())
    await services.sales.record(sale)
    item = await RewardItem.create(name="保温杯", price=30, stock=5)
    redemption = await services.shop.redeem("zhangsan", item.id, "redeem-1")

    page = await (await as_operator.get(LEDGER)).text()

    assert "<strong>20</strong><span>当前余额" in page
    assert f'<a href="/console/tasks/{task.id}">「周末业绩冲刺」 · 销售单 O-1</a>' in page
    assert f"订单 #{redemption.id}" in page and "兑换礼品" in page


@pytest.mark.parametrize(
    ("source_type", "source_id", "kind"),
    [
        ("contest", "7", "PK赛"),
        ("task", "abc", "任务"),
        ("benchmark", "2026-05-01:top_sales", "标杆导购"),
        ("x", "y", "其他"),
    ],
)
async def test_a_source_the_console_cannot_look_up_still_reads_as_its_kind(
    as_operator, services, source_type, source_id, kind
):
    await services.ledger.post("zhangsan", 10, "奖励", source_type=source_type, source_id=source_id)

    response = await as_operator.get(LEDGER)

    assert response.status == 200
    assert f'<span class="badge">{kind}</span>' in await response.text()


async def test_a_grant_names_who_gave_it_and_is_audited(as_operator, services):
    response = await post_form(as_operator, f"{LEDGER}/adjust", grant(), page=LEDGER)

    assert response.status == 303
    assert await services.ledger.balance("zhangsan") == 100
    entry = await CoinEntry.get(guide_userid="zhangsan")
    assert entry.reason == "总部调整：门店之星（yunying）"
    audit = await AuditEntry.get()
    assert (audit.actor, audit.action, audit.target) == ("wecom:yunying", "调整金币", LEDGER)
    assert (audit.before, audit.after["balance"]) == ({"balance": 0}, 100)
    page = await (await as_operator.get(LEDGER)).text()
    assert "已为张三发放 100 金币，余额 100" in page
    assert "总部调整：门店之星（yunying）" in page


async def test_the_same_form_posted_twice_grants_once(as_operator, services):
    for _ in range(2):
        await post_form(as_operator, f"{LEDGER}/adjust", grant(request_id="double-click"), page=LEDGER)

    assert await services.ledger.balance("zhangsan") == 100
    assert await AuditEntry.all().count() == 1


async def test_a_deduction_larger_than_the_balance_is_refused_saying_the_balance(as_operator, services):
    await services.ledger.post("zhangsan", 40, "任务奖励", source_type="test", source_id="1")

    response = await post_form(as_operator, f"{LEDGER}/adjust", grant("50", direction="deduct"), page=LEDGER)

    assert response.status == 422
    assert "余额只有 40 金币，不够扣 50" in await response.text()
    assert await services.ledger.balance("zhangsan") == 40
    assert await AuditEntry.all().count() == 0


async def test_a_grant_with_several_wrong_fields_lists_them_all_and_changes_nothing(as_operator, services):
    response = await post_form(as_operator, f"{LEDGER}/adjust", grant(amount="0", reason="  "), page=LEDGER)

    page = await response.text()
    assert response.status == 422
    assert "请修改以下 2 处后再提交" in page
    assert "数量：不能为 0" in page and "原因：" in page
    assert await CoinEntry.all().count() == 0


async def test_reversing_an_entry_takes_the_coins_back_once(as_operator, services):
    entry = await services.ledger.post("zhangsan", 80, "误发", source_type="test", source_id="1")
    path = f"{LEDGER}/entries/{entry.id}/reverse"

    await post_form(as_operator, path, {"reason": "重复发放"}, page=LEDGER)
    again = await post_form(as_operator, path, {"reason": "重复发放"}, page=LEDGER)

    assert await services.ledger.balance("zhangsan") == 0
    assert f"记录 #{entry.id} 已经冲正过" in await again.text()
    reversal = await CoinEntry.get(source_type="reversal")
    assert reversal.reason == "总部更正：重复发放（yunying）"
    assert [a.action for a in await AuditEntry.all()] == ["冲正金币记录"]


async def test_a_reversal_cannot_itself_be_reversed(as_operator, services):
    entry = await services.ledger.post("zhangsan", 80, "误发", source_type="test", source_id="1")
    reversal = await services.ledger.reverse(entry, "收回")

    response = await post_form(as_operator, f"{LEDGER}/entries/{reversal.id}/reverse", {"reason": "再冲"}, page=LEDGER)

    assert response.status == 422
    assert "本身就是冲正，不能再冲正" in await response.text()
    assert await services.ledger.balance("zhangsan") == 0


async def test_an_entry_of_another_guide_is_404(as_operator, services):
    entry = await services.ledger.post("lisi", 80, "误发", source_type="test", source_id="1")

    response = await post_form(as_operator, f"{LEDGER}/entries/{entry.id}/reverse", {"reason": "错"}, page=LEDGER)

    assert response.status == 404
    assert await services.ledger.balance("lisi") == 80


async def test_the_search_finds_a_guide_by_name(as_operator):
    page = await (await as_operator.get("/console/coins", params={"q": "李"})).text()

    assert 'href="/console/coins/lisi"' in page and "zhangsan" not in page


async def test_a_store_manager_reads_their_guides_coins_only(as_store_manager, services):
    await services.ledger.post("lisi", 80, "任务奖励", source_type="test", source_id="1")

    search = await (await as_store_manager.get("/console/coins")).text()
    mine = await as_store_manager.get(LEDGER)
    other = await as_store_manager.get("/console/coins/lisi")

    assert "张三" in search and "李四" not in search
    assert mine.status == 200 and "发放或扣减" not in await mine.text()
    assert other.status == 404 and "80" not in await other.text()


@pytest.mark.parametrize("path", [f"{LEDGER}/adjust", "/console/coins/lisi/adjust"])
async def test_a_store_manager_may_not_grant_coins(as_store_manager, services, path):
    response = await post_form(as_store_manager, path, grant())

    assert response.status == 403
    assert await CoinEntry.all().count() == 0


async def test_an_unknown_guide_is_404(as_operator):
    assert (await as_operator.get("/console/coins/nobody")).status == 404
