"""Local console accounts (the first administrator) and HQ roles granted to WeCom members."""

import pytest

from staff.accounts import AccountExists, StaffAccounts
from staff.models import StaffGrant, StaffRole

PASSWORD = "correct horse battery"


@pytest.fixture
def accounts(db, clock) -> StaffAccounts:
    return StaffAccounts(clock)


async def test_the_first_administrator_signs_in_with_their_password(accounts):
    await accounts.create_admin("admin", PASSWORD)

    account = await accounts.sign_in("admin", PASSWORD)

    assert (account.username, account.role) == ("admin", StaffRole.HQ_ADMIN)


@pytest.mark.parametrize(("username", "password"), [("admin", "wrong password!"), ("nobody", PASSWORD)])
async def test_a_wrong_password_or_name_signs_no_one_in(accounts, username, password):
    await accounts.create_admin("admin", PASSWORD)

    assert await accounts.sign_in(username, password) is None


async def test_a_taken_username_is_refused(accounts):
    await accounts.create_admin("admin", PASSWORD)

    with pytest.raises(AccountExists):
        await accounts.create_admin("admin", "another long password")


async def test_granting_again_changes_the_role(accounts):
    await accounts.grant("boss", StaffRole.HQ_OPERATOR, by="local:admin")
    await accounts.grant("boss", StaffRole.HQ_ADMIN, by="local:admin")

    assert [(g.userid, g.role) for g in await accounts.grants()] == [("boss", StaffRole.HQ_ADMIN)]


async def test_only_hq_roles_are_granted(accounts):
    with pytest.raises(ValueError):
        await accounts.grant("zhangsan", StaffRole.STORE_MANAGER, by="local:admin")


async def test_a_revoked_grant_is_gone(accounts):
    await accounts.grant("boss", StaffRole.HQ_OPERATOR, by="local:admin")

    assert await accounts.revoke("boss") is True
    assert not await StaffGrant.exists(userid="boss")
