"""Principals: what each role may do and which stores it sees, whether it signs in through WeCom or holds a token."""

import pytest

from org.schemas import OrgImport
from org.service import OrgService
from staff.access import MACHINE, Forbidden, Permission, Principal, StaffDirectory
from staff.models import ApiToken, StaffGrant, StaffRole
from tests.support.staff import TWO_BRANCHES

ALL_STORES = {"SH01", "SH02", "HZ01"}


def token(role: StaffRole, **scope: str) -> ApiToken:
    return ApiToken(name="pos-sync", role=role, **scope)


async def with_roles(*roles: dict) -> None:
    await OrgService().import_org(OrgImport.model_validate(TWO_BRANCHES.model_dump() | {"roles": list(roles)}))


def test_the_machine_token_may_do_everything_everywhere():
    assert all(MACHINE.can(permission) for permission in Permission)
    assert MACHINE.is_hq and all(MACHINE.sees_store(code) for code in ALL_STORES)


async def test_an_hq_operator_token_may_do_all_but_people(two_branches):
    principal = await StaffDirectory().for_token(token(StaffRole.HQ_OPERATOR))

    assert {p for p in Permission if principal.can(p)} == set(Permission) - {Permission.PEOPLE}
    assert principal.store_codes is None


async def test_a_branch_lead_token_sees_the_stores_of_its_branch(two_branches):
    principal = await StaffDirectory().for_token(token(StaffRole.BRANCH_LEAD, branch_code="SH"))

    assert (principal.store_codes, principal.branch_codes) == ({"SH01", "SH02"}, {"SH"})
    assert principal.actor == "token:pos-sync"


async def test_a_store_manager_token_sees_its_store_and_no_branch(two_branches):
    principal = await StaffDirectory().for_token(token(StaffRole.STORE_MANAGER, store_code="SH01"))

    assert (principal.store_codes, principal.branch_codes) == ({"SH01"}, frozenset())
    assert principal.can(Permission.SALES_REVIEW) and not principal.can(Permission.COINS)


async def test_a_branch_lead_may_post_only_where_hq_allows_it(two_branches):
    lead = token(StaffRole.BRANCH_LEAD, branch_code="SH")

    assert not (await StaffDirectory().for_token(lead)).can(Permission.TASKS)
    assert (await StaffDirectory(branch_leads_may_post=True).for_token(lead)).can(Permission.TASKS)


async def test_a_member_granted_an_hq_role_sees_every_store(two_branches, clock):
    await StaffGrant.create(userid="boss", role=StaffRole.HQ_ADMIN, granted_by="test", granted_at=clock.now())

    principal = await StaffDirectory().for_member("boss", "老板")

    assert (principal.actor, principal.role, principal.is_hq) == ("wecom:boss", StaffRole.HQ_ADMIN, True)


async def test_a_store_manager_in_the_org_signs_in_with_their_store(db):
    await with_roles({"userid": "zhangsan", "role": "store_manager", "store": "SH01"})

    principal = await StaffDirectory().for_member("zhangsan")

    assert (principal.role, principal.store_codes) == (StaffRole.STORE_MANAGER, {"SH01"})


async def test_a_guide_without_a_role_cannot_sign_in(two_branches):
    assert await StaffDirectory().for_member("lisi") is None


def test_a_refusal_names_the_role_in_chinese():
    lead = Principal(actor="wecom:lead", name="lead", role=StaffRole.BRANCH_LEAD, permissions=frozenset())

    with pytest.raises(Forbidden, match="^分公司负责人无权进行此操作$"):
        lead.require(Permission.COINS)
