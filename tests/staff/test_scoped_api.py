"""Scope on the server: a store manager (of SH01) and a branch lead (of SH) see and change only their stores.

Something out of scope answers exactly as something that does not exist, so nothing leaks.
"""

from decimal import Decimal

import pytest

from config.app import create_app
from config.services import SERVICES
from staff.models import StaffRole
from tasks.models import Sale, SaleReview
from tasks.schemas import SaleIn
from tests.support.fans import add_fan, shanghai
from tests.support.staff import TWO_BRANCHES, bearer
from tests.support.tasks import task_in, today


@pytest.fixture
async def org(services):
    await services.org.import_org(TWO_BRANCHES)


@pytest.fixture
async def manager(services, org) -> dict[str, str]:
    return await bearer(services.api_tokens, StaffRole.STORE_MANAGER, store_code="SH01")


@pytest.fixture
async def lead(services, org) -> dict[str, str]:
    return await bearer(services.api_tokens, StaffRole.BRANCH_LEAD, branch_code="SH")


async def read(client, path: str, headers: dict[str, str], **params):
    response = await client.get(path, params=params, headers=headers)
    assert response.status == 200
    return await response.json()


async def self_report(services, guide: str, store: str) -> int:
    data = SaleIn(order_id=f"chat:{guide}", guide=guide, store=store, amount=Decimal("300"), orders=1,
                  channel="chat", sold_at=today())  # fmt: skip
    sale, _ = await services.sales.record(data, self_reported=True)
    return sale.id


async def published_task(services, **audience) -> int:
    task = await services.publishing.create_draft(task_in(**({"audience": audience} if audience else {})))
    await services.publishing.publish(task.id)
    return task.id


async def test_a_store_manager_lists_only_the_guides_of_their_store(client, manager):
    guides = await read(client, "/api/v1/guides", manager)

    assert [guide["userid"] for guide in guides] == ["zhangsan"]


async def test_a_store_manager_asking_for_another_stores_guides_gets_none(client, manager):
    guides = await read(client, "/api/v1/guides", manager, store="SH02")

    assert guides == []


async def test_a_branch_lead_lists_the_stores_of_their_branch(client, lead):
    stores = await read(client, "/api/v1/stores", lead)

    assert [store["code"] for store in stores] == ["SH01", "SH02"]


async def test_a_scoped_caller_sees_the_teams_with_their_guides_and_only_those_members(client, manager):
    teams = await read(client, "/api/v1/teams", manager)

    assert [(team["code"], team["members"]) for team in teams] == [("TEAM-SH", ["zhangsan"])]


async def test_a_store_manager_reads_the_coins_of_a_guide_in_their_store(client, manager):
    coins = await read(client, "/api/v1/guides/zhangsan/coins", manager)

    assert coins["guide"] == "zhangsan"


@pytest.mark.parametrize("what", ["coins", "pushes"])
async def test_another_stores_guide_is_a_404_like_an_unknown_guide(client, manager, what):
    other = await client.get(f"/api/v1/guides/lisi/{what}", headers=manager)
    unknown = await client.get(f"/api/v1/guides/nobody/{what}", headers=manager)

    assert other.status == unknown.status == 404
    assert (await other.json())["error"] == {**(await unknown.json())["error"], "message": "no guide lisi"}


async def test_a_store_manager_lists_only_their_stores_sales(client, services, manager):
    mine = await self_report(services, "zhangsan", "SH01")
    await self_report(services, "lisi", "SH02")

    sales = await read(client, "/api/v1/sales", manager, review="pending")

    assert [sale["id"] for sale in sales] == [mine]


async def test_a_store_manager_confirms_a_self_report_of_their_store(client, services, manager):
    sale_id = await self_report(services, "zhangsan", "SH01")

    response = await client.post(f"/api/v1/sales/{sale_id}/confirm", headers=manager)

    assert (response.status, (await response.json())["review"]) == (200, "confirmed")


@pytest.mark.parametrize("decision", ["confirm", "reject"])
async def test_deciding_another_stores_sale_is_a_404_and_changes_nothing(client, services, manager, decision):
    sale_id = await self_report(services, "lisi", "SH02")

    response = await client.post(f"/api/v1/sales/{sale_id}/{decision}", headers=manager)

    assert response.status == 404
    assert (await Sale.get(id=sale_id)).review is SaleReview.PENDING


async def test_a_store_manager_sees_only_their_stores_line_of_the_fan_report(client, manager):
    await add_fan("lisi", shanghai(2026, 11, 25))
    await add_fan("zhangsan", shanghai(2026, 11, 25))

    report = await read(client, "/api/v1/reports/fans", manager, date="2026-11-25")

    assert [(line["code"], line["new"]) for line in report["lines"]] == [("SH01", 1)]


async def test_a_store_manager_sees_no_branch_lines(client, manager):
    report = await read(client, "/api/v1/reports/fans", manager, date="2026-11-25", scope="branch")

    assert report["lines"] == []


async def test_a_branch_lead_sees_their_branch_line_and_its_stores(client, lead):
    stores = (await read(client, "/api/v1/reports/fans", lead, date="2026-11-25"))["lines"]
    branches = (await read(client, "/api/v1/reports/fans", lead, date="2026-11-25", scope="branch"))["lines"]

    assert [line["code"] for line in stores + branches] == ["SH01", "SH02", "SH"]


async def test_a_store_manager_follows_a_task_over_their_guides_only(client, services, manager):
    task_id = await published_task(services)

    [task] = await read(client, "/api/v1/tasks", manager)
    progress = await read(client, f"/api/v1/tasks/{task_id}/progress", manager)
    rollup = await read(client, f"/api/v1/tasks/{task_id}/rollup", manager, by="branch")

    assert (task["id"], task["assigned"]) == (task_id, 1)
    assert [row["guide"] for row in progress] == ["zhangsan"]
    assert [(line["code"], line["assigned"]) for line in rollup] == [("SH", 1)]


async def test_a_task_that_reaches_none_of_their_guides_is_not_listed(client, services, manager):
    await published_task(services, stores=["HZ01"])

    assert (await read(client, "/api/v1/tasks", manager)) == []


async def test_a_route_that_keeps_no_scope_stays_closed_to_a_branch_lead_allowed_to_post(aiohttp_client, settings):
    client = await aiohttp_client(create_app(settings.model_copy(update={"branch_leads_may_post": True})))
    await client.app[SERVICES].org.import_org(TWO_BRANCHES)
    lead = await bearer(client.app[SERVICES].api_tokens, StaffRole.BRANCH_LEAD, branch_code="SH")

    response = await client.post("/api/v1/tasks", json=task_in().model_dump(mode="json"), headers=lead)

    assert response.status == 403
    assert (await response.json())["error"][
        "message"
    ] == "role branch_lead lacks the 'tasks' permission for every store"
