"""Local console accounts and the HQ roles given to WeCom members."""

from __future__ import annotations

from kernel.clock import Clock, SystemClock
from staff.models import LocalAccount, StaffGrant, StaffRole
from staff.passwords import DECOY_HASH, hash_password, verify_password

HQ_ROLES = (StaffRole.HQ_ADMIN, StaffRole.HQ_OPERATOR)


class AccountExists(ValueError):
    pass


class StaffAccounts:
    def __init__(self, clock: Clock | None = None) -> None:
        self.clock = clock or SystemClock()

    async def create_admin(self, username: str, password: str) -> LocalAccount:
        """Raises WeakPassword for a short password and AccountExists for a taken name."""
        password_hash = hash_password(password)
        account, created = await LocalAccount.get_or_create(
            username=username,
            defaults={"password_hash": password_hash, "role": StaffRole.HQ_ADMIN, "created_at": self.clock.now()},
        )
        if not created:
            raise AccountExists(f"账号 {username} 已存在")
        return account

    async def sign_in(self, username: str, password: str) -> LocalAccount | None:
        account = await LocalAccount.get_or_none(username=username)
        if account is None:
            verify_password(DECOY_HASH, password)
            return None
        return account if verify_password(account.password_hash, password) else None

    async def grant(self, userid: str, role: StaffRole, by: str) -> StaffGrant:
        if role not in HQ_ROLES:
            raise ValueError("only HQ roles are granted here; branch leads and store managers come from the org")
        grant, _ = await StaffGrant.update_or_create(
            userid=userid, defaults={"role": role, "granted_by": by, "granted_at": self.clock.now()}
        )
        return grant

    async def revoke(self, userid: str) -> bool:
        return await StaffGrant.filter(userid=userid).delete() > 0

    async def grants(self) -> list[StaffGrant]:
        return await StaffGrant.all().order_by("userid")
