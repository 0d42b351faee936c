"""Named API tokens: a secret shown once and kept only as its SHA-256, found while not revoked."""

import hashlib

import pytest

from staff.models import ApiToken, StaffRole
from staff.tokens import ApiTokens, TokenNameTaken


@pytest.fixture
def tokens(db, clock) -> ApiTokens:
    return ApiTokens(clock)


async def test_only_the_secrets_sha256_is_stored(tokens):
    token, secret = await tokens.create("pos-sync", StaffRole.HQ_OPERATOR, by="local:admin")

    stored = await ApiToken.get(id=token.id)
    assert secret.startswith("gbt_")
    assert stored.secret_sha256 == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(await ApiToken.filter(id=token.id).values())


async def test_the_secret_finds_its_token(tokens):
    token, secret = await tokens.create("pos-sync", StaffRole.HQ_OPERATOR, by="local:admin")

    assert (await tokens.active(secret)).id == token.id


@pytest.mark.parametrize("secret", ["", "gbt_", "gbt_wrong", "not-a-token", "gbt_\udcff"])
async def test_a_wrong_secret_finds_nothing(tokens, secret):
    await tokens.create("pos-sync", StaffRole.HQ_OPERATOR, by="local:admin")

    assert await tokens.active(secret) is None


async def test_a_revoked_token_is_found_no_more(tokens, clock):
    token, secret = await tokens.create("pos-sync", StaffRole.HQ_OPERATOR, by="local:admin")

    revoked = await tokens.revoke(token.id)

    assert revoked.revoked_at == clock.now()
    assert await tokens.active(secret) is None


async def test_revoking_again_keeps_the_first_revocation(tokens, clock):
    token, _ = await tokens.create("pos-sync", StaffRole.HQ_OPERATOR, by="local:admin")
    first = (await tokens.revoke(token.id)).revoked_at
    clock.advance(hours=1)

    assert (await tokens.revoke(token.id)).revoked_at == first


async def test_revoking_an_unknown_token_answers_none(tokens):
    assert await tokens.revoke(404) is None


async def test_two_tokens_cannot_share_a_name(tokens):
    await tokens.create("pos-sync", StaffRole.HQ_OPERATOR, by="local:admin")

    with pytest.raises(TokenNameTaken):
        await tokens.create("pos-sync", StaffRole.HQ_ADMIN, by="local:admin")


async def test_tokens_are_listed_newest_first(tokens):
    for name in ("first", "second"):
        await tokens.create(name, StaffRole.HQ_OPERATOR, by="local:admin")

    assert [token.name for token in await tokens.listed()] == ["second", "first"]
