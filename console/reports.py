"""Reports: fan acquisition (拉新) by store or branch with a chart and the lagging stores, a guide's push log.

The fan report is FanReports.report under the HQ API's own query model, kept to the person's
stores in the service's query; the CSV is the API's.
"""

from __future__ import annotations

from aiohttp import web
from pydantic import TypeAdapter, ValidationError

from console.charts import lowest_share_first, share_vs_target
from console.display import local_time
from console.forms import validate_query
from console.pages import not_found, principal, render, requires, services
from fans.schemas import ReportPeriod, ReportScope
from fans.views import FanReportQuery, report_download
from org.schemas import UserId
from pushes.models import HOLD_REASON_LABELS
from pushes.views import push_log
from staff.access import Permission

routes = web.RouteTableDef()

QUERY_LABELS = {"period": "统计周期", "date": "日期", "scope": "按", "format": "格式"}
PERIODS = [(ReportPeriod.DAY, "日"), (ReportPeriod.WEEK, "周"), (ReportPeriod.MONTH, "月")]
SCOPES = [(ReportScope.STORE, "门店"), (ReportScope.BRANCH, "分公司")]
PUSH_LOG_ENTRIES = 200
USERID = TypeAdapter(UserId)
OUTCOMES = {
    "sent": ("已发送", "ok"),
    "deferred": ("已推迟", "warn"),
    "merged": ("已合并", ""),
    "failed": ("失败", "bad"),
}
REASONS = {"urgent": "紧急，不受限额"} | {reason.value: label for reason, label in HOLD_REASON_LABELS.items()}


@routes.get("/reports")
@requires(Permission.READ)
async def fan_report(request: web.Request) -> web.Response:
    """拉新报表：新增、重粉、删粉、净增，完成率（新增÷目标）从低到高，落后门店标红；可下载 CSV。"""
    query, errors = validate_query(FanReportQuery, _asked(request.query), QUERY_LABELS)
    if query is None:
        return render(request, "reports/fans.html", status=422, errors=errors, report=None, asked=request.query,
                      periods=PERIODS, scopes=SCOPES)  # fmt: skip
    me = principal(request)
    report = await services(request).fan_reports.report(
        query.period, query.scope, query.date, store_codes=me.store_codes, branch_codes=me.branch_codes
    )
    if query.format == "csv":
        return report_download(report)
    lines = lowest_share_first(report.lines)
    return render(
        request,
        "reports/fans.html",
        errors={},
        report=report,
        asked={"period": query.period, "scope": query.scope, "date": query.date.isoformat() if query.date else ""},
        lines=lines,
        lagging=[line for line in lines if line.lagging],
        chart=share_vs_target(lines),
        periods=PERIODS,
        scopes=SCOPES,
    )


@routes.get("/reports/pushes")
@requires(Permission.READ)
async def guide_push_log(request: web.Request) -> web.Response:
    """导购的推送记录：发了什么、为何推迟、何时补发；只能查自己管理的导购。"""
    userid = request.query.get("userid", "").strip()
    if not userid:
        return render(request, "reports/pushes.html", userid="", log=None)
    guide = await services(request).org.guide(userid) if _is_userid(userid) else None
    if guide is None or not principal(request).sees_store(guide.store.code):
        raise not_found("没有这名导购，或不在你的管理范围内")
    log = await push_log(services(request).pushes, guide.userid, PUSH_LOG_ENTRIES)
    return render(
        request,
        "reports/pushes.html",
        userid=userid,
        guide=guide,
        log=log,
        outcomes=OUTCOMES,
        reasons=REASONS,
        local_time=local_time(request),
    )


def _is_userid(text: str) -> bool:
    """A WeCom UserID as the API's path parameter takes it; anything else names no guide (and never reaches SQL)."""
    try:
        USERID.validate_python(text)
    except ValidationError:
        return False
    return True


def _asked(query) -> dict[str, str]:
    """The query's fields as the API's model reads them; an empty box means the default."""
    return {name: str(query[name]).strip() for name in QUERY_LABELS if str(query.get(name, "")).strip()}
