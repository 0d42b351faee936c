"""HQ API: named API tokens (create, list, revoke) and the audit trail of every change made through the API."""

from decimal import Decimal

import pytest

from staff.models import AuditEntry, StaffRole
from tasks.schemas import SaleIn
from tests.support.staff import TWO_BRANCHES, bearer
from tests.support.tasks import today

ITEM = {"name": "保温杯", "price": 10, "stock": 50}


@pytest.fixture
async def org(services):
    await services.org.import_org(TWO_BRANCHES)


async def create_token(client, hq_headers, **body) -> tuple[int, dict]:
    response = await client.post("/api/v1/tokens", json={"name": "pos-sync", "role": "hq_operator", **body},
                                 headers=hq_headers)  # fmt: skip
    return response.status, await response.json()


async def audit(client, hq_headers, **params) -> list[dict]:
    return await (await client.get("/api/v1/audit", params=params, headers=hq_headers)).json()


# --- named tokens -------------------------------------------------------------------------


async def test_a_new_token_answers_its_secret_once(client, hq_headers):
    status, token = await create_token(client, hq_headers)

    assert status == 201
    assert (token["name"], token["role"], token["created_by"]) == ("pos-sync", "hq_operator", "hq-api-token")
    assert token["secret"].startswith("gbt_")


async def test_the_new_secret_opens_the_api_with_its_role(client, hq_headers):
    _, token = await create_token(client, hq_headers)
    headers = {"Authorization": f"Bearer {token['secret']}"}

    assert (await client.get("/api/v1/tasks", headers=headers)).status == 200
    assert (await client.get("/api/v1/tokens", headers=headers)).status == 403


async def test_the_token_list_never_shows_a_secret(client, hq_headers):
    await create_token(client, hq_headers)

    listed = await (await client.get("/api/v1/tokens", headers=hq_headers)).json()

    assert [token["name"] for token in listed] == ["pos-sync"]
    assert "secret" not in listed[0]


async def test_a_store_manager_token_names_an_existing_store(client, hq_headers, org):
    status, token = await create_token(client, hq_headers, role="store_manager", store_code="SH01")

    assert (status, token["store_code"], token["branch_code"]) == (201, "SH01", None)


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"role": "store_manager"}, {"store_code": "is required for the store_manager role"}),
        ({"role": "store_manager", "store_code": "NOPE"}, {"store_code": "unknown store 'NOPE'"}),
        ({"role": "store_manager", "store_code": "SH01", "branch_code": "SH"},
         {"branch_code": "must be empty for the store_manager role"}),
        ({"role": "branch_lead", "branch_code": "SH01"}, {"branch_code": "unknown branch 'SH01'"}),
        ({"role": "hq_admin", "store_code": "SH01"}, {"store_code": "must be empty for the hq_admin role"}),
    ],
)  # fmt: skip
async def test_a_token_scope_that_does_not_fit_its_role_is_a_422_naming_the_field(
    client, hq_headers, org, body, fields
):
    status, answer = await create_token(client, hq_headers, **body)

    assert status == 422
    assert {f["field"]: f["message"] for f in answer["error"]["fields"]} == fields


async def test_a_taken_name_is_a_409(client, hq_headers):
    await create_token(client, hq_headers)

    status, answer = await create_token(client, hq_headers)

    assert (status, answer["error"]["fields"]) == (409, [{"field": "name", "message": "is taken"}])


async def test_a_revoked_token_is_refused_from_the_next_request_on(client, hq_headers):
    _, token = await create_token(client, hq_headers)
    headers = {"Authorization": f"Bearer {token['secret']}"}
    assert (await client.get("/api/v1/tasks", headers=headers)).status == 200

    await client.post(f"/api/v1/tokens/{token['id']}/revoke", headers=hq_headers)

    assert (await client.get("/api/v1/tasks", headers=headers)).status == 401


async def test_revoking_twice_answers_the_same_revocation(client, hq_headers):
    _, token = await create_token(client, hq_headers)

    first, second = [await client.post(f"/api/v1/tokens/{token['id']}/revoke", headers=hq_headers) for _ in "12"]

    assert first.status == second.status == 200
    assert (await first.json())["revoked_at"] == (await second.json())["revoked_at"] is not None


async def test_revoking_an_unknown_token_is_a_404(client, hq_headers):
    assert (await client.post("/api/v1/tokens/999/revoke", headers=hq_headers)).status == 404


# --- the audit trail ----------------------------------------------------------------------


async def test_a_change_is_audited_with_the_state_before_and_the_answer_after(client, hq_headers):
    item = await (await client.post("/api/v1/rewards/items", json=ITEM, headers=hq_headers)).json()

    await client.put(f"/api/v1/rewards/items/{item['id']}", json={**ITEM, "stock": 20}, headers=hq_headers)

    [entry, _created] = await audit(client, hq_headers)
    assert (entry["actor"], entry["action"], entry["target"]) == (
        "hq-api-token", "Change a gift (price, stock, window)", f"/api/v1/rewards/items/{item['id']}",
    )  # fmt: skip
    assert (entry["before"]["stock"], entry["after"]["stock"]) == (50, 20)


async def test_a_new_resource_is_audited_with_nothing_before(client, hq_headers):
    await client.post("/api/v1/rewards/items", json=ITEM, headers=hq_headers)

    [entry] = await audit(client, hq_headers)
    assert (entry["target"], entry["before"], entry["after"]["name"]) == ("/api/v1/rewards/items", None, "保温杯")


async def test_a_refused_change_is_not_audited(client, hq_headers):
    response = await client.post("/api/v1/rewards/items", json={**ITEM, "price": 0}, headers=hq_headers)

    assert response.status == 422
    assert await AuditEntry.all().count() == 0


async def test_reading_is_not_audited(client, hq_headers):
    await client.get("/api/v1/rewards/items", headers=hq_headers)

    assert await AuditEntry.all().count() == 0


async def test_a_named_tokens_change_is_audited_under_its_name(client, services, hq_headers, org):
    manager = await bearer(services.api_tokens, StaffRole.STORE_MANAGER, name="sh01-manager", store_code="SH01")
    sale, _ = await services.sales.record(SaleIn(order_id="chat:1", guide="zhangsan", store="SH01",
                                                 amount=Decimal("300"), sold_at=today()), self_reported=True)  # fmt: skip

    await client.post(f"/api/v1/sales/{sale.id}/confirm", headers=manager)

    [entry] = await audit(client, hq_headers)
    assert (entry["actor"], entry["before"]["review"], entry["after"]["review"]) == (
        "token:sh01-manager", "pending", "confirmed",
    )  # fmt: skip


async def test_a_new_tokens_secret_never_reaches_the_audit_trail(client, hq_headers):
    _, token = await create_token(client, hq_headers)

    [entry] = await audit(client, hq_headers)
    assert entry["after"]["name"] == "pos-sync"
    assert token["secret"] not in str(entry)


async def test_a_revocation_is_audited_with_the_token_as_it_was(client, hq_headers):
    _, token = await create_token(client, hq_headers)

    await client.post(f"/api/v1/tokens/{token['id']}/revoke", headers=hq_headers)

    [entry, _created] = await audit(client, hq_headers)
    assert (entry["before"]["revoked_at"], entry["after"]["revoked_at"] is not None) == (None, True)


async def test_the_audit_trail_filters_by_actor(client, services, hq_headers):
    await create_token(client, hq_headers, role="hq_admin")
    admin = await bearer(services.api_tokens, StaffRole.HQ_ADMIN, name="ops-admin")
    await client.post("/api/v1/rewards/items", json=ITEM, headers=admin)

    entries = await audit(client, hq_headers, actor="ops-admin")

    assert [(e["actor"], e["target"]) for e in entries] == [("token:ops-admin", "/api/v1/rewards/items")]


async def test_the_audit_trail_pages_newest_first(client, hq_headers):
    for stock in (1, 2, 3):
        await client.post("/api/v1/rewards/items", json={**ITEM, "stock": stock}, headers=hq_headers)

    first = await audit(client, hq_headers, limit=2)
    rest = await audit(client, hq_headers, limit=2, before_id=first[-1]["id"])

    assert [e["after"]["stock"] for e in first + rest] == [3, 2, 1]
