"""Who an HQ API bearer secret stands for: the deployment's HQ_API_TOKEN, a named API token, or no one."""

from __future__ import annotations

import hmac

from staff.access import MACHINE, Principal, StaffDirectory
from staff.tokens import ApiTokens


class ApiCallers:
    """Resolved on every request, so a revoked token or a store moved out of a branch counts at once."""

    def __init__(self, machine_secret: str, tokens: ApiTokens, directory: StaffDirectory) -> None:
        self._machine_secret = machine_secret
        self._tokens = tokens
        self._directory = directory

    async def resolve(self, secret: str) -> Principal | None:
        if self._machine_secret and _same(secret, self._machine_secret):
            return MACHINE
        token = await self._tokens.active(secret)
        return None if token is None else await self._directory.for_token(token)


def _same(given: str, expected: str) -> bool:
    """Constant time; aiohttp keeps undecodable header bytes as surrogates, so compare bytes and never fail on them."""
    return hmac.compare_digest(given.encode("utf-8", "surrogateescape"), expected.encode("utf-8", "surrogateescape"))
