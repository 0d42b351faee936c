"""HQ API: the fan-acquisition (拉新) report per store or branch, as JSON or a CSV for Excel."""

from __future__ import annotations

from datetime import date as Date
from typing import Literal

from aiohttp import web
from pydantic import BaseModel, Field, field_validator

from fans.reports import FanReports
from fans.schemas import FanReportLine, FanReportOut, ReportPeriod, ReportScope
from kernel.api import ApiRoute, json_ok, query_params
from kernel.downloads import csv_download, csv_text
from org.schemas import QueryDay
from staff.access import Permission
from staff.views import principal

FAN_REPORTS = web.AppKey("fan_reports", FanReports)
EARLIEST_DAY, LATEST_DAY = Date(2000, 1, 1), Date(2099, 12, 31)


class FanReportQuery(BaseModel):
    period: ReportPeriod = Field(ReportPeriod.DAY, description="day, ISO week (Monday to Sunday) or month")
    date: QueryDay | None = Field(
        None,
        description="any day inside the period (YYYY-MM-DD, business days in Asia/Shanghai); "
        "default: the last complete period (yesterday, last week or last month)",
        json_schema_extra={"pattern": "^20[0-9]{2}-[0-9]{2}-[0-9]{2}$"},  # 2000 to 2099, as the check below
    )
    scope: ReportScope = Field(ReportScope.STORE, description="a line per store or per branch")
    format: Literal["json", "csv"] = Field("json", description="csv for a download (UTF-8 with a BOM, for Excel)")

    @field_validator("date")
    @classmethod
    def _in_service_years(cls, value: Date | None) -> Date | None:
        if value is not None and not EARLIEST_DAY <= value <= LATEST_DAY:
            raise ValueError(f"must be between {EARLIEST_DAY} and {LATEST_DAY}")
        return value


async def fan_report(request: web.Request) -> web.Response:
    query: FanReportQuery = query_params(request)
    who = principal(request)
    report = await request.app[FAN_REPORTS].report(
        query.period, query.scope, query.date, store_codes=who.store_codes, branch_codes=who.branch_codes
    )
    if query.format != "csv":
        return json_ok(report)
    return report_download(report)


def report_download(report: FanReportOut) -> web.Response:
    """The report as a file for Excel (the HQ API's ?format=csv and the console's download)."""
    name = f"fans-{report.period}-{report.scope}-{report.first_day}.csv"
    return csv_download(name, report_csv(report))


def report_csv(report: FanReportOut) -> str:
    """A Chinese header row (the fields' titles), then a line per store or branch; shares as percentages."""
    fields = FanReportLine.model_fields
    span = f"{report.first_day}~{report.last_day}"
    rows: list[list] = [["统计期", *(info.title for info in fields.values())]]
    for line in report.lines:
        values = line.model_dump()
        values["share"] = "" if line.share is None else f"{line.share:.1%}"
        values["lagging"] = "是" if line.lagging else ""
        rows.append([span, *(values[name] for name in fields)])
    return csv_text(rows)


def api_routes() -> list[ApiRoute]:
    return [
        ApiRoute(
            "GET", "/api/v1/reports/fans", fan_report,
            "Fan acquisition (拉新) per store or branch: new, 重粉, lost, net, target and share, for a day, week or"
            " month (default: the last complete one); JSON, or CSV with ?format=csv",
            tag="reports", permission=Permission.READ, scoped=True, query=FanReportQuery, response=FanReportOut,
            response_content_types=("application/json", "text/csv"),
        ),
    ]  # fmt: skip
