"""The audit trail: every change made through the console or the HQ API, newest first, filtered and paged."""

from __future__ import annotations

from aiohttp import web

from console.display import local_time
from console.forms import validate_query
from console.json_diff import diff
from console.pages import render, requires, services
from staff.access import Permission
from staff.audit import PAGE_SIZE, AuditFilter
from staff.schemas import AuditQuery

routes = web.RouteTableDef()
LABELS = {"actor": "操作人", "action": "操作", "target": "对象", "before_id": "翻页位置"}
ACTOR_KINDS = {"wecom": "企业微信", "local": "本地账号", "token": "API令牌", "hq-api-token": "HQ_API_TOKEN"}


@routes.get("/audit")
@requires(Permission.AUDIT)
async def audit_trail(request: web.Request) -> web.Response:
    """审计记录：谁、何时、改了什么、改前改后（变化的字段高亮）。"""
    asked = {name: request.query[name].strip() for name in LABELS if request.query.get(name, "").strip()}
    query, errors = validate_query(AuditQuery, asked, LABELS)
    entries = []
    if query is not None:
        where = AuditFilter(actor=query.actor, action=query.action, target=query.target, before_id=query.before_id)
        entries = await services(request).audit.entries(where, PAGE_SIZE)
    more = asked | ({"before_id": entries[-1].id} if entries else {})
    written = local_time(request)
    return render(
        request,
        "audit/trail.html",
        status=422 if errors else 200,
        errors=errors,
        asked=asked,
        entries=[
            (entry, written(entry.at), _actor(entry.actor), diff(entry.before, entry.after)) for entry in entries
        ],  # fmt: skip
        more=more if len(entries) == PAGE_SIZE else None,
    )


def _actor(actor: str) -> tuple[str, str]:
    """(kind, who): `wecom:zhangsan` as (企业微信, zhangsan)."""
    kind, _, who = actor.partition(":")
    return ACTOR_KINDS.get(kind, kind), who
