"""People and tokens (HQ admins only): HQ roles for WeCom members, the roster's branch leads and store managers,
and named HQ API tokens, whose secret is shown once, at creation, and never stored or audited."""

from __future__ import annotations

from typing import Literal

from aiohttp import web

from console.display import local_time
from console.forms import validate, validate_checked
from console.pages import not_found, principal, record_change, render, requires, see_other, services
from org.models import OrgRole
from org.schemas import Input, UserId
from staff.access import ROLE_NAMES, Permission
from staff.models import ApiToken, StaffGrant, StaffRole
from staff.schemas import TokenIn
from staff.tokens import TokenNameTaken
from staff.views import known_unit, token_out

routes = web.RouteTableDef()
PAGE = "/console/people"
HQ_ROLES = [
    (StaffRole.HQ_OPERATOR, ROLE_NAMES[StaffRole.HQ_OPERATOR]),
    (StaffRole.HQ_ADMIN, ROLE_NAMES[StaffRole.HQ_ADMIN]),
]
TOKEN_ROLES = [(role, ROLE_NAMES[role]) for role in StaffRole]
GRANT_LABELS = {"userid": "企业微信 UserID", "role": "角色"}
TOKEN_LABELS = {"name": "令牌名称", "role": "角色", "branch_code": "分公司代码", "store_code": "门店代码"}


class GrantIn(Input):
    """An HQ role for a WeCom member; branch leads and store managers come from the roster instead."""

    userid: UserId
    role: Literal["hq_admin", "hq_operator"]


@routes.get("/people")
@requires(Permission.PEOPLE)
async def people_page(request: web.Request) -> web.Response:
    return await _page(request, notice=_NOTICES.get(request.query.get("done", ""), ""))


@routes.post("/people/grants")
@requires(Permission.PEOPLE)
async def grant_role(request: web.Request) -> web.Response:
    """授予企业微信成员总部角色（已有角色则改为新角色）。"""
    form = await request.post()
    grant, errors = validate(GrantIn, _fields(form, GRANT_LABELS), GRANT_LABELS)
    if grant is None:
        return await _page(request, grant_form=form, grant_errors=errors, status=422)
    if grant.userid == _own_userid(request):
        return await _page(request, grant_form=form, grant_errors={"userid": "不能修改自己的角色"}, status=422)
    before = await StaffGrant.get_or_none(userid=grant.userid)
    granted = await services(request).accounts.grant(grant.userid, StaffRole(grant.role), by=principal(request).actor)
    await record_change(request, "授予总部角色", _grant_target(grant.userid), _grant(before), _grant(granted))
    raise see_other(f"{PAGE}?done=granted")


@routes.post(r"/people/grants/{userid:[A-Za-z0-9_.@\-]{1,64}}/revoke")
@requires(Permission.PEOPLE)
async def revoke_role(request: web.Request) -> web.Response:
    userid = request.match_info["userid"]
    if userid == _own_userid(request):
        return await _page(request, error="不能撤销自己的角色：请让另一位总部管理员操作", status=422)
    before = await StaffGrant.get_or_none(userid=userid)
    if before is None or not await services(request).accounts.revoke(userid):
        raise not_found("没有这个授权，或已经撤销")
    await record_change(request, "撤销总部角色", _grant_target(userid), _grant(before), None)
    raise see_other(f"{PAGE}?done=revoked")


@routes.post("/people/tokens")
@requires(Permission.PEOPLE)
async def create_token(request: web.Request) -> web.Response:
    """新建 API 令牌：密钥只在这一页显示一次，之后只保存它的摘要。"""
    form = await request.post()
    data, errors = await validate_checked(TokenIn, _fields(form, TOKEN_LABELS), TOKEN_LABELS, known_unit)
    if data is None:
        return await _page(request, token_form=form, token_errors=errors, status=422)
    try:
        token, secret = await services(request).api_tokens.create(
            data.name, data.role, principal(request).actor, branch_code=data.branch_code, store_code=data.store_code
        )
    except TokenNameTaken:
        errors = {"name": f"令牌名称：已有名为 {data.name} 的令牌，请换一个名称"}
        return await _page(request, token_form=form, token_errors=errors, status=422)
    created = token_out(token).model_dump(mode="json")  # the secret is not in it: the trail never holds one
    await record_change(request, "创建API令牌", _token_target(token.id), None, created)
    response = await _page(request, new_token=token, secret=secret)
    response.headers["Cache-Control"] = "no-store"  # the secret must not stay in a cache
    return response


@routes.post(r"/people/tokens/{token_id:\d{1,9}}/revoke")
@requires(Permission.PEOPLE)
async def revoke_token(request: web.Request) -> web.Response:
    token_id = int(request.match_info["token_id"])
    before = await ApiToken.get_or_none(id=token_id)
    if before is None:
        raise not_found("没有这个令牌")
    if before.revoked_at is not None:
        raise see_other(f"{PAGE}?done=token-revoked")
    revoked = await services(request).api_tokens.revoke(token_id)
    await record_change(
        request,
        "吊销API令牌",
        _token_target(token_id),
        token_out(before).model_dump(mode="json"),
        token_out(revoked).model_dump(mode="json"),
    )
    raise see_other(f"{PAGE}?done=token-revoked")


_NOTICES = {
    "granted": "已授予角色：对方用企业微信扫码即可登录后台。",
    "revoked": "已撤销角色：对方下次打开页面时即失去权限。",
    "token-revoked": "令牌已吊销：使用它的请求从现在起会被拒绝。",
}


async def _page(request: web.Request, status: int = 200, **context) -> web.Response:
    grants = await StaffGrant.all().order_by("userid")
    tokens = await services(request).api_tokens.listed()
    roles = await OrgRole.all().prefetch_related("store", "branch").order_by("role", "userid")
    userids = {g.userid for g in grants} | {r.userid for r in roles}
    org = services(request).org
    names = await org.unit_names("guide", userids)
    context = {
        "grant_form": {},
        "grant_errors": {},
        "token_form": {},
        "token_errors": {},
        "notice": "",
        "error": "",
        "new_token": None,
        "secret": "",
    } | context
    return render(
        request,
        "people/people.html",
        status=status,
        grants=grants,
        org_roles=roles,
        tokens=tokens,
        scope_names={
            "branch": await org.unit_names("branch", [t.branch_code for t in tokens if t.branch_code]),
            "store": await org.unit_names("store", [t.store_code for t in tokens if t.store_code]),
        },
        names=names,
        me_userid=_own_userid(request),
        hq_roles=HQ_ROLES,
        token_roles=TOKEN_ROLES,
        role_names=ROLE_NAMES,
        local_time=local_time(request),
        **context,
    )


def _fields(form, labels) -> dict[str, str]:
    """The form's text fields the model knows; a blank one is left out, as the API leaves it out."""
    return {name: str(form[name]).strip() for name in labels if str(form.get(name, "")).strip()}


def _own_userid(request: web.Request) -> str:
    kind, _, userid = principal(request).actor.partition(":")
    return userid if kind == "wecom" else ""


def _grant(grant: StaffGrant | None) -> dict | None:
    return None if grant is None else {"userid": grant.userid, "role": str(grant.role), "granted_by": grant.granted_by}


def _grant_target(userid: str) -> str:
    return f"{PAGE}/grants/{userid}"


def _token_target(token_id: int) -> str:
    return f"{PAGE}/tokens/{token_id}"
