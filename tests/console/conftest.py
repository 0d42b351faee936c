"""The console over the whole app: the small org, a store manager, an HQ operator granted to a WeCom member."""

import pytest

from org.models import OrgRole, Role, Store
from staff.models import StaffRole
from tests.support.console import sign_in_with_password, sign_in_with_wecom
from tests.support.org import import_small_org

ADMIN_PASSWORD = "a long admin password"


@pytest.fixture
async def org(client):
    await import_small_org()
    await OrgRole.create(userid="wangdian", role=Role.STORE_MANAGER, store=await Store.get(code="SH01"))


@pytest.fixture
async def as_operator(client, services, fake_wecom, org):
    """The client, signed in with WeCom as an HQ operator."""
    await services.accounts.grant("yunying", StaffRole.HQ_OPERATOR, by="test")
    await sign_in_with_wecom(client, fake_wecom, "yunying")
    return client


@pytest.fixture
async def as_store_manager(client, fake_wecom, org):
    """The client, signed in with WeCom as the manager of SH01 (南京东路店)."""
    await sign_in_with_wecom(client, fake_wecom, "wangdian")
    return client


@pytest.fixture
async def as_admin(client, services, org):
    """The client, signed in with the local administrator's password."""
    await services.accounts.create_admin("root", ADMIN_PASSWORD)
    await sign_in_with_password(client, "root", ADMIN_PASSWORD)
    return client
