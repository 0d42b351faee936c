"""The fan report as HQ reads it; each field's title is its column in the CSV download."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, Field


class ReportPeriod(StrEnum):
    DAY = "day"
    WEEK = "week"  # ISO week, Monday to Sunday
    MONTH = "month"


class ReportScope(StrEnum):
    STORE = "store"
    BRANCH = "branch"


class FanReportLine(BaseModel):
    """One store's or branch's figures; `share` is new fans over target (None without a target)."""

    code: str = Field(title="代码")
    name: str = Field(title="名称")
    branch: str | None = Field(title="所属分公司", description="a store's branch code; None on a branch's line")
    branch_name: str | None = Field(title="分公司名称", description="a store's branch name; None on a branch's line")
    guides: int = Field(title="导购数")
    new: int = Field(title="新增", description="adds that count as new fans")
    duplicates: int = Field(title="重粉", description="adds that do not: duplicates, re-adds, colleagues")
    lost: int = Field(title="删粉", description="new fans lost in the period (a transfer is no loss)")
    net: int = Field(title="净增", description="new - lost")
    target: int = Field(title="目标", description="new fans: per guide per day × guides × days")
    share: float | None = Field(title="完成率", description="new / target")
    lagging: bool = Field(title="低于预警线", description="share below FAN_REPORT_WARN_SHARE")
    rank_in_branch: int | None = Field(title="分公司内排名", description="a store's place by share among its branch's")


class FanReportOut(BaseModel):
    period: ReportPeriod
    first_day: date
    last_day: date
    scope: ReportScope
    warn_share: float
    lines: list[FanReportLine]
