"""HQ API: who is calling (a principal from the bearer secret), named API tokens, and the audit trail."""

from __future__ import annotations

from aiohttp import web

from kernel.api import ApiError, ApiRoute, Change, caller, json_ok, path_params, query_params, read_body
from org.models import Branch, Store
from staff.access import Permission, Principal
from staff.audit import AuditFilter, AuditTrail
from staff.bearer import ApiCallers
from staff.models import ApiToken, AuditEntry
from staff.schemas import AuditEntryOut, AuditQuery, NewTokenOut, TokenIn, TokenOut
from staff.tokens import ApiTokens, TokenNameTaken

API_CALLERS = web.AppKey("api_callers", ApiCallers)
API_TOKENS = web.AppKey("api_tokens", ApiTokens)
AUDIT_TRAIL = web.AppKey("audit_trail", AuditTrail)


def principal(request: web.Request) -> Principal:
    """Who makes this API request: what they may do and which stores they see."""
    return caller(request)


async def resolve_caller(request: web.Request, secret: str) -> Principal | None:
    return await request.app[API_CALLERS].resolve(secret)


async def record_change(request: web.Request, change: Change) -> None:
    await request.app[AUDIT_TRAIL].record(change.actor, change.action, change.target, change.before, change.after)


async def known_unit(values: dict) -> list[tuple[str, str]]:
    """A scoped token names a branch or store that exists."""
    problems = []
    for name, model in (("branch_code", Branch), ("store_code", Store)):
        code = values.get(name)
        if code is not None and not await model.exists(code=code):
            problems.append((name, f"unknown {name.removesuffix('_code')} {code!r}"))
    return problems


async def create_token(request: web.Request) -> web.Response:
    data = await read_body(request, TokenIn, check=known_unit)
    try:
        token, secret = await request.app[API_TOKENS].create(
            data.name, data.role, principal(request).actor, branch_code=data.branch_code, store_code=data.store_code
        )
    except TokenNameTaken as exc:
        raise ApiError(409, "conflict", str(exc), [{"field": "name", "message": "is taken"}]) from None
    return json_ok(NewTokenOut(**token_out(token).model_dump(), secret=secret), status=201)


async def list_tokens(request: web.Request) -> web.Response:
    return json_ok([token_out(token) for token in await request.app[API_TOKENS].listed()])


async def token_before(request: web.Request) -> TokenOut | None:
    token = await ApiToken.get_or_none(id=path_params(request)["token_id"])
    return None if token is None else token_out(token)


async def revoke_token(request: web.Request) -> web.Response:
    token = await request.app[API_TOKENS].revoke(path_params(request)["token_id"])
    if token is None:
        raise ApiError(404, "not_found", "no such token", [{"field": "token_id", "message": "does not exist"}])
    return json_ok(token_out(token))


async def list_audit(request: web.Request) -> web.Response:
    query: AuditQuery = query_params(request)
    where = AuditFilter(actor=query.actor, action=query.action, target=query.target, before_id=query.before_id)
    return json_ok([_entry_out(entry) for entry in await request.app[AUDIT_TRAIL].entries(where, query.limit)])


def token_out(token: ApiToken) -> TokenOut:
    return TokenOut(
        id=token.id, name=token.name, role=token.role, branch_code=token.branch_code, store_code=token.store_code,
        created_by=token.created_by, created_at=token.created_at, revoked_at=token.revoked_at,
    )  # fmt: skip


def _entry_out(entry: AuditEntry) -> AuditEntryOut:
    return AuditEntryOut(
        id=entry.id, at=entry.at, actor=entry.actor, action=entry.action, target=entry.target,
        before=entry.before, after=entry.after,
    )  # fmt: skip


def api_routes() -> list[ApiRoute]:
    return [
        ApiRoute("POST", "/api/v1/tokens", create_token,
                 "Create a named API token with a role and a scope; the secret is shown once",
                 title="创建API令牌", tag="staff", permission=Permission.PEOPLE, body=TokenIn, response=NewTokenOut,
                 response_status=201, errors={409: "a token has this name"}, secret_fields=("secret",)),
        ApiRoute("GET", "/api/v1/tokens", list_tokens, "Named API tokens, newest first (never their secrets)",
                 tag="staff", permission=Permission.PEOPLE, response=list[TokenOut]),
        ApiRoute("POST", "/api/v1/tokens/{token_id}/revoke", revoke_token,
                 "Revoke a named API token: refused from the next request on", title="吊销API令牌", tag="staff",
                 permission=Permission.PEOPLE, response=TokenOut, before=token_before),
        ApiRoute("GET", "/api/v1/audit", list_audit,
                 "The audit trail, newest first: who changed what through the API or the console, before and after",
                 tag="staff", permission=Permission.AUDIT, response=list[AuditEntryOut], query=AuditQuery),
    ]  # fmt: skip
