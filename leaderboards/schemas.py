"""The HQ API's shapes for boards."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from leaderboards.metrics import Metric, Scope
from leaderboards.ranking import Standing
from tasks.schemas import Quantity

# The shape only: whether 2026-W53 or 2026-02-30 exists is a rule the view answers (422 rule_violation).
PERIOD_PATTERN = r"^(day|week|month)$|^day:\d{4}-\d{2}-\d{2}$|^week:\d{4}-W\d{2}$|^month:\d{4}-\d{2}$|^contest:\d{1,9}$"


class BoardQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    metric: Metric = Field(Metric.SALES, description="what the board ranks")
    scope: Scope = Field(Scope.GUIDE, description="whom it ranks")
    period: str = Field(
        "day",
        pattern=PERIOD_PATTERN,
        description="day, week or month (the current one, in the business time zone), "
        "or day:YYYY-MM-DD, week:YYYY-Www (ISO week-year), month:YYYY-MM, contest:ID",
    )
    n: int = Field(50, ge=1, le=500, description="how many from the top")
    around: str | None = Field(
        None, min_length=1, max_length=64, description="a member (guide userid, store/branch/region/team code)"
    )
    span: int = Field(2, ge=0, le=20, description="how many standings either side of `around`")


class StandingOut(BaseModel):
    rank: int = Field(description="ties share a rank: 1, 1, 3")
    member: str
    name: str
    value: Quantity

    @classmethod
    def of(cls, standing: Standing, metric: Metric) -> StandingOut:
        value = standing.value if metric is Metric.SALES else int(standing.value)
        return cls(rank=standing.rank, member=standing.member, name=standing.name, value=value)


class BoardOut(BaseModel):
    metric: Metric
    scope: Scope
    period: str = Field(description="the period answered, by name: day:2026-11-25 …")
    label: str = Field(description="the board's title as the page shows it: 11月25日 · 销售额 · 导购榜")
    top: list[StandingOut]
    around: list[StandingOut] | None = Field(description="`around` and its neighbours; [] when not on the board")
