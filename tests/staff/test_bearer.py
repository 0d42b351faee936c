"""Who a bearer secret stands for: HQ_API_TOKEN is the machine; a named token its role and scope; else no one."""

import pytest

from staff.access import MACHINE, StaffDirectory
from staff.bearer import ApiCallers
from staff.models import StaffRole
from staff.tokens import ApiTokens

MACHINE_SECRET = "hq-secret"


@pytest.fixture
def tokens(two_branches, clock) -> ApiTokens:
    return ApiTokens(clock)


@pytest.fixture
def callers(tokens) -> ApiCallers:
    return ApiCallers(MACHINE_SECRET, tokens, StaffDirectory())


async def test_the_deployments_token_is_the_machine(callers):
    assert await callers.resolve(MACHINE_SECRET) is MACHINE


async def test_a_named_token_is_its_role_and_scope(callers, tokens):
    _, secret = await tokens.create("sh01", StaffRole.STORE_MANAGER, by="test", store_code="SH01")

    principal = await callers.resolve(secret)

    assert (principal.actor, principal.role, principal.store_codes) == ("token:sh01", "store_manager", {"SH01"})


@pytest.mark.parametrize("secret", ["", "hq-secre", "hq-secret ", "\udcff"])
async def test_anything_else_is_no_one(callers, secret):
    assert await callers.resolve(secret) is None


async def test_without_a_deployment_token_an_empty_secret_is_no_one(tokens):
    assert await ApiCallers("", tokens, StaffDirectory()).resolve("") is None
