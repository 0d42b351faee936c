"""The HQ API's benchmark shapes."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from org.schemas import QueryDay
from tasks.schemas import Quantity

MAX_HISTORY_DAYS = 366


class SelectQuery(BaseModel):
    day: QueryDay | None = Field(None, description="a business day that has ended (Asia/Shanghai); absent: yesterday")


class HistoryQuery(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    from_: QueryDay | None = Field(None, alias="from", description="first day; absent: 30 days before `to`")
    to: QueryDay | None = Field(
        None, description=f"last day, at most {MAX_HISTORY_DAYS} days after `from`; absent: today"
    )


class BenchmarkOut(BaseModel):
    day: date
    title: str = Field(description="the title's code, e.g. most_orders")
    title_name: str = Field(description="e.g. 开单达人")
    guide: str | None = Field(description="None: nobody reached the title's bar that day")
    name: str
    store: str = Field(description="the store's name on that day")
    figure: Quantity = Field(description="orders, or yuan for a sales title")
    coins: int
    tip: str = Field(description="the winner's 心得, as typed (escape it when showing it)")
    tip_at: datetime | None
