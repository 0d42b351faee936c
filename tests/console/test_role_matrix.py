"""Every console page × every role, and for the scoped roles every page about one store, guide or task in and out
of their scope. The tables must name every page: a new page without a row fails here until someone decides who
may open it.
"""

import re

import pytest

from console.app import PAGE_MODULES
from org.models import Branch, OrgRole, Role
from staff.models import StaffRole
from tests.support.console import sign_in_with_password, sign_in_with_wecom
from tests.support.tasks import task_in

ADMIN, OPERATOR, BRANCH_LEAD, STORE_MANAGER = "hq_admin", "hq_operator", "branch_lead", "store_manager"
EVERYONE = {ADMIN, OPERATOR, BRANCH_LEAD, STORE_MANAGER}
HQ = {ADMIN, OPERATOR}
# The pages without a parameter, and who may open them (the others get 403).
PAGES = {
    "/": EVERYONE,
    "/tasks": EVERYONE,
    "/tasks/new": HQ,
    "/shop": HQ,
    "/shop/items/new": HQ,
    "/shop/redemptions": HQ,
    "/coins": EVERYONE,
    "/sales": HQ | {STORE_MANAGER},
    "/contests": EVERYONE,
    "/contests/new": HQ,
    "/contests/benchmarks": EVERYONE,
    "/org": EVERYONE,
    "/reports": EVERYONE,
    "/reports/pushes": EVERYONE,
    "/reports/dead-letters": HQ,
    "/audit": HQ,
    "/people": {ADMIN},
}
SIGNING_IN = {"/login", "/login/wecom", "/login/wecom/done"}
# Pages about one thing: (in the store manager's store SH01, in SH02); a scoped person gets 404 for the second.
SCOPED_PAGES = [
    ("/org/stores/SH01", "/org/stores/SH02"),
    ("/coins/zhangsan", "/coins/lisi"),
    ("/reports/pushes?userid=zhangsan", "/reports/pushes?userid=lisi"),
    ("/tasks/{sh01_task}", "/tasks/{sh02_task}"),
    (
        "/tasks/audience/stores/SH01",
        "/tasks/audience/stores/SH02",
    ),  # a store's guides, as the task form's picker opens it
]


def test_the_tables_name_every_console_page():
    pages = {route.path for module in PAGE_MODULES for route in module.routes if route.method == "GET"}
    with_parameter = {path for path in pages if "{" in path}
    scoped = {re.sub(r"[^/]*$", "", inside.split("?")[0]) for inside, _ in SCOPED_PAGES}

    assert pages - with_parameter - SIGNING_IN == set(PAGES)
    assert {re.sub(r"\{.*", "", path) for path in with_parameter} <= scoped | {
        "/shop/items/",  # HQ only, as /shop
        "/contests/",  # a contest: see test_contests
    }


@pytest.fixture
async def sign_in(client, services, fake_wecom, org):
    await OrgRole.create(userid="lead-sh", role=Role.BRANCH_LEAD, branch=await Branch.get(code="SH"))
    await services.accounts.grant("yunying", StaffRole.HQ_OPERATOR, by="test")
    await services.accounts.create_admin("root", "a long admin password")
    members = {OPERATOR: "yunying", BRANCH_LEAD: "lead-sh", STORE_MANAGER: "wangdian"}

    async def as_role(role: str):
        if role == ADMIN:
            await sign_in_with_password(client, "root", "a long admin password")
        else:
            await sign_in_with_wecom(client, fake_wecom, members[role])
        return client

    return as_role


@pytest.mark.parametrize("role", sorted(EVERYONE))
async def test_each_role_opens_exactly_the_pages_it_may(sign_in, role):
    client = await sign_in(role)

    statuses = {path: (await client.get(f"/console{path}", allow_redirects=False)).status for path in PAGES}

    assert statuses == {path: 200 if role in allowed else 403 for path, allowed in PAGES.items()}


async def test_a_store_manager_opens_their_stores_pages_and_no_other_stores(sign_in, services):
    tasks = {
        "sh01_task": (await services.publishing.create_draft(task_in(audience={"stores": ["SH01"]}))).id,
        "sh02_task": (await services.publishing.create_draft(task_in(audience={"stores": ["SH02"]}))).id,
    }
    for task_id in tasks.values():
        await services.publishing.publish(task_id)
    client = await sign_in(STORE_MANAGER)

    statuses = {
        (inside, outside): (
            (await client.get(f"/console{inside.format(**tasks)}")).status,
            (await client.get(f"/console{outside.format(**tasks)}")).status,
        )
        for inside, outside in SCOPED_PAGES
    }

    assert statuses == {pair: (200, 404) for pair in SCOPED_PAGES}


async def test_hq_opens_every_stores_pages(sign_in, services):
    task = await services.publishing.create_draft(task_in(audience={"stores": ["SH02"]}))
    client = await sign_in(OPERATOR)

    statuses = [
        (await client.get(f"/console{outside.format(sh02_task=task.id)}")).status for _, outside in SCOPED_PAGES
    ]

    assert statuses == [200] * len(SCOPED_PAGES)
