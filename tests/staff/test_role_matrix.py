"""The role matrix: which roles may call each HQ API route, with a named token per role (and HQ_API_TOKEN).

The table is written out by hand, so it says what we mean; the first spec fails when a
route is added without a row. "Allowed" means anything but 403: the calls carry no body
and ids that do not exist, so an allowed one ends in 404, 409, 415 or 422 and changes nothing.
"""

import re

import pytest

from kernel.api import API_ROUTES
from staff.models import StaffRole
from tests.conftest import HQ_TOKEN
from tests.support.staff import TWO_BRANCHES, bearer

ADMIN, OPERATOR, LEAD, MANAGER = (
    StaffRole.HQ_ADMIN, StaffRole.HQ_OPERATOR, StaffRole.BRANCH_LEAD, StaffRole.STORE_MANAGER,
)  # fmt: skip
MACHINE = "HQ_API_TOKEN"
ROLES = [ADMIN, OPERATOR, LEAD, MANAGER, MACHINE]
EVERYONE = frozenset(ROLES)
HQ = frozenset({ADMIN, OPERATOR, MACHINE})
PEOPLE = frozenset({ADMIN, MACHINE})
REVIEWERS = HQ | {MANAGER}

MATRIX = {
    ("POST", "/api/v1/org/import"): PEOPLE,
    ("POST", "/api/v1/org/import/preview"): PEOPLE,
    ("GET", "/api/v1/guides"): EVERYONE,
    ("GET", "/api/v1/stores"): EVERYONE,
    ("GET", "/api/v1/teams"): EVERYONE,
    ("POST", "/api/v1/tasks"): HQ,
    ("GET", "/api/v1/tasks"): EVERYONE,
    ("PUT", "/api/v1/tasks/{task_id}"): HQ,
    ("POST", "/api/v1/tasks/{task_id}/publish"): HQ,
    ("POST", "/api/v1/tasks/{task_id}/cancel"): HQ,
    ("GET", "/api/v1/tasks/{task_id}/progress"): EVERYONE,
    ("GET", "/api/v1/tasks/{task_id}/rollup"): EVERYONE,
    ("POST", "/api/v1/sales"): HQ,
    ("GET", "/api/v1/sales"): EVERYONE,
    ("POST", "/api/v1/sales/{sale_id}/confirm"): REVIEWERS,
    ("POST", "/api/v1/sales/{sale_id}/reject"): REVIEWERS,
    ("POST", "/api/v1/coins/adjust"): HQ,
    ("POST", "/api/v1/coins/entries/{entry_id}/reverse"): HQ,
    ("GET", "/api/v1/guides/{userid}/coins"): EVERYONE,
    ("POST", "/api/v1/rewards/items"): HQ,
    ("GET", "/api/v1/rewards/items"): HQ,
    ("PUT", "/api/v1/rewards/items/{item_id}"): HQ,
    ("GET", "/api/v1/redemptions"): HQ,
    ("POST", "/api/v1/redemptions/{redemption_id}/{action}"): HQ,
    ("GET", "/api/v1/inbox/dead-letters"): HQ,
    ("POST", "/api/v1/inbox/dead-letters/{row_id}/replay"): HQ,
    ("GET", "/api/v1/events/dead-letters"): HQ,
    ("POST", "/api/v1/events/dead-letters/{row_id}/replay"): HQ,
    ("GET", "/api/v1/outbox/dead-letters"): HQ,
    ("POST", "/api/v1/outbox/dead-letters/{row_id}/replay"): HQ,
    ("GET", "/api/v1/boards"): EVERYONE,
    ("POST", "/api/v1/contests"): HQ,
    ("GET", "/api/v1/contests"): HQ,
    ("GET", "/api/v1/contests/{contest_id}/standing"): HQ,
    ("POST", "/api/v1/contests/{contest_id}/settle"): HQ,
    ("GET", "/api/v1/contests/{contest_id}/results"): HQ,
    ("GET", "/api/v1/contests/{contest_id}/corrections"): HQ,
    ("POST", "/api/v1/benchmarks/select"): HQ,
    ("GET", "/api/v1/benchmarks"): EVERYONE,
    ("GET", "/api/v1/guides/{userid}/pushes"): EVERYONE,
    ("GET", "/api/v1/jobs"): HQ,
    ("GET", "/api/v1/jobs/{name}/runs"): HQ,
    ("POST", "/api/v1/jobs/{name}/run"): HQ,
    ("GET", "/api/v1/reports/fans"): EVERYONE,
    ("POST", "/api/v1/tokens"): PEOPLE,
    ("GET", "/api/v1/tokens"): PEOPLE,
    ("POST", "/api/v1/tokens/{token_id}/revoke"): PEOPLE,
    ("GET", "/api/v1/audit"): HQ,
}


@pytest.fixture
async def headers(services) -> dict[str, dict[str, str]]:
    await services.org.import_org(TWO_BRANCHES)
    roles = {role: await bearer(services.api_tokens, role) for role in ROLES if role != MACHINE}
    return roles | {MACHINE: {"Authorization": f"Bearer {HQ_TOKEN}"}}


def test_every_api_route_has_a_row_in_the_matrix(client):
    assert {(route.method, route.path) for route in client.app[API_ROUTES]} == set(MATRIX)


@pytest.mark.parametrize("role", ROLES)
async def test_a_role_may_call_exactly_its_routes(client, headers, role):
    answers = {}
    for method, path in MATRIX:
        response = await client.request(method, re.sub(r"\{\w+\}", "999999", path), headers=headers[role])
        answers[method, path] = response.status
    allowed = {route for route, status in answers.items() if status != 403}

    assert allowed == {route for route, roles in MATRIX.items() if role in roles}
    assert {route: status for route, status in answers.items() if status >= 500} == {}


async def test_a_refusal_names_the_role_and_the_permission_it_lacks(client, headers):
    response = await client.post("/api/v1/coins/adjust", json={}, headers=headers[MANAGER])

    assert response.status == 403
    assert (await response.json())["error"] == {
        "code": "forbidden",
        "message": "role store_manager lacks the 'coins' permission",
        "fields": [],
    }
