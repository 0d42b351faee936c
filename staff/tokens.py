"""Named HQ API tokens: HQ creates one per machine or partner with a role and a scope, and can revoke it.

The secret is shown once, at creation; only its SHA-256 is stored (a random 256-bit
secret needs no slow hash), so a leaked database holds no usable token.
"""

from __future__ import annotations

import hashlib
import secrets

from kernel.clock import Clock, SystemClock
from staff.models import ApiToken, StaffRole

TOKEN_PREFIX = "gbt_"


class TokenNameTaken(ValueError):
    pass


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogateescape")).hexdigest()


class ApiTokens:
    def __init__(self, clock: Clock | None = None) -> None:
        self.clock = clock or SystemClock()

    async def create(
        self, name: str, role: StaffRole, by: str, branch_code: str | None = None, store_code: str | None = None
    ) -> tuple[ApiToken, str]:
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token, created = await ApiToken.get_or_create(
            name=name,
            defaults={
                "secret_sha256": _digest(secret),
                "role": role,
                "branch_code": branch_code,
                "store_code": store_code,
                "created_by": by,
                "created_at": self.clock.now(),
            },
        )
        if not created:
            raise TokenNameTaken(f"已有名为 {name} 的令牌")
        return token, secret

    async def revoke(self, token_id: int) -> ApiToken | None:
        token = await ApiToken.get_or_none(id=token_id)
        if token is None:
            return None
        if token.revoked_at is None:
            await ApiToken.filter(id=token_id, revoked_at=None).update(revoked_at=self.clock.now())
            await token.refresh_from_db()
        return token

    async def active(self, secret: str) -> ApiToken | None:
        if not secret.startswith(TOKEN_PREFIX):
            return None
        return await ApiToken.get_or_none(secret_sha256=_digest(secret), revoked_at=None)

    async def listed(self) -> list[ApiToken]:
        return await ApiToken.all().order_by("-id")
