"""The audit trail: every change made through the console or the HQ API, newest first, filtered and paged.

HQ staff read it in Chinese. The console names its own changes in Chinese when it records
them; the API records a route's English summary (what API readers filter on), so the page
shows the route's Chinese title instead, and finds those entries by it.
"""

from __future__ import annotations

from aiohttp import web

from console.display import local_time
from console.forms import validate_query
from console.json_diff import diff
from console.pages import render, requires, services
from kernel.api import API_ROUTES, audited_titles
from staff.access import Permission
from staff.audit import PAGE_SIZE, AuditFilter
from staff.schemas import AuditQuery

routes = web.RouteTableDef()
LABELS = {"actor": "操作人", "action": "操作", "target": "对象", "before_id": "翻页位置"}
ACTOR_KINDS = {"wecom": "企业微信", "local": "本地账号", "token": "API令牌", "hq-api-token": "HQ_API_TOKEN"}
# The keys the trail's before → after holds most often (tasks, gifts, coins, sales, contests, tokens, jobs, the
# roster); a nested key is looked up whole, then part by part, and a key not here is shown as it is.
FIELD_LABELS = {
    "id": "编号",
    "status": "状态",
    "kind": "类型",
    "metric": "指标",
    "title": "标题",
    "description": "说明",
    "name": "名称",
    "code": "代码",
    "target": "目标",
    "reward_coins": "完成奖励（金币）",
    "bonus_per_unit": "超额奖励（每单位金币）",
    "bonus_cap": "超额奖励上限",
    "count_self_reported": "计入导购自报业绩",
    "reminder_hours": "提醒时间（结束前几小时）",
    "start_date": "开始日期",
    "end_date": "结束日期",
    "material": "转发素材",
    "material.text": "素材文案",
    "material.link": "素材链接",
    "material.image": "素材图片",
    "audience": "发给谁",
    "audience.all": "全体导购",
    "assigned": "已分配",
    "completed": "已完成",
    "completion_rate": "完成率",
    "balance": "余额",
    "amount": "数额",
    "entry": "金币记录",
    "reason": "原因",
    "source": "来源",
    "guide": "导购",
    "item": "礼品",
    "price": "价格（金币）",
    "stock": "库存",
    "picture_url": "图片地址",
    "active_from": "上架时间",
    "active_until": "下架时间",
    "refunded_coins": "退还金币",
    "review": "审核",
    "order_id": "订单号",
    "orders": "单数",
    "sold_at": "成交时间",
    "refund_of": "退款原单",
    "self_reported": "导购自报",
    "counted_in_tasks": "计入的任务",
    "role": "角色",
    "userid": "企业微信账号",
    "granted_by": "授予人",
    "branch_code": "分公司代码",
    "store_code": "门店代码",
    "created_at": "创建时间",
    "created_by": "创建人",
    "revoked_at": "吊销时间",
    "replayed": "已重放",
    "attempts": "尝试次数",
    "error": "错误",
    "run": "运行",
    "job": "定时任务",
    "slot": "时段",
    "trigger": "触发方式",
    "started": "已开始",
    "started_at": "开始时间",
    "finished_at": "结束时间",
    "outcome": "结果",
    "runner": "运行进程",
    "on_roster": "在职导购",
    "left": "已离职",
    "report": "导入结果",
    "created": "新增",
    "updated": "更新",
    "unchanged": "未变",
    "guides_left": "离职导购",
    "guides_rejoined": "回归导购",
    "regions": "大区",
    "branches": "分公司",
    "stores": "门店",
    "teams": "战队",
    "guides": "导购",
    "members": "成员",
    "ranking": "排名方式",
    "individual": "个人PK",
    "private": "私密赛事",
    "daily_team_target": "战队每日目标",
    "personal_daily_target": "个人每日目标",
    "prizes": "奖励",
    "prizes.winning_team": "每日获胜战队奖励",
    "prizes.personal_target": "个人达标奖励",
    "prizes.final_teams": "战队总排名奖励",
    "prizes.final_guides": "个人总排名奖励",
    "settled_days": "已结算的比赛日",
    "finished": "已结束",
    "day": "比赛日",
    "winner": "获胜战队",
}


@routes.get("/audit")
@requires(Permission.AUDIT)
async def audit_trail(request: web.Request) -> web.Response:
    """审计记录：谁、何时、改了什么、改前改后（变化的字段高亮）。"""
    asked = {name: request.query[name].strip() for name in LABELS if request.query.get(name, "").strip()}
    query, errors = validate_query(AuditQuery, asked, LABELS)
    titles = audited_titles(request.config_dict[API_ROUTES])
    entries = []
    if query is not None:
        where = AuditFilter(
            actor=query.actor,
            action=query.action,
            target=query.target,
            before_id=query.before_id,
            or_actions=tuple(summary for summary, title in titles.items() if query.action in title),
        )
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
            (
                entry,
                titles.get(entry.action, entry.action),
                written(entry.at),
                _actor(entry.actor),
                diff(entry.before, entry.after),
            )
            for entry in entries
        ],  # fmt: skip
        field_label=field_label,
        more=more if len(entries) == PAGE_SIZE else None,
    )


def _actor(actor: str) -> tuple[str, str]:
    """(kind, who): `wecom:zhangsan` as (企业微信, zhangsan)."""
    kind, _, who = actor.partition(":")
    return ACTOR_KINDS.get(kind, kind), who


def field_label(key: str) -> str:
    """`reward_coins` as 完成奖励（金币）, `report.guides.created` as 导入结果.导购.新增; an unknown part as it is."""
    return FIELD_LABELS.get(key) or ".".join(FIELD_LABELS.get(part, part) for part in key.split("."))
