"""The HQ API's task and sales shapes."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, model_validator

from tasks.models import TaskKind, TaskMetric, TaskStatus
from tasks.rules import FEN_PER_YUAN

DEFAULT_METRIC = {
    TaskKind.ADD_FANS: TaskMetric.FANS,
    TaskKind.SHARE_POST: TaskMetric.SHARES,
    TaskKind.SALES_TARGET: TaskMetric.AMOUNT,
}
METRICS = {
    TaskKind.ADD_FANS: {TaskMetric.FANS},
    TaskKind.SHARE_POST: {TaskMetric.SHARES, TaskMetric.VISITORS},
    TaskKind.SALES_TARGET: {TaskMetric.AMOUNT, TaskMetric.ORDERS},
}


class Audience(BaseModel):
    """Who gets the task: everyone, or any mix of org units and named guides."""

    model_config = ConfigDict(extra="forbid")

    all: bool = False
    regions: list[str] = []
    branches: list[str] = []
    stores: list[str] = []
    teams: list[str] = []
    guides: list[str] = []

    @model_validator(mode="after")
    def _not_empty(self) -> Audience:
        if not self.all and not any((self.regions, self.branches, self.stores, self.teams, self.guides)):
            raise ValueError("the audience is empty: set all, or name regions, branches, stores, teams or guides")
        return self


class Material(BaseModel):
    """What a share_post task asks guides to share."""

    text: str = Field("", max_length=2000)
    link: HttpUrl
    image: HttpUrl | None = None


class TaskIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    kind: TaskKind
    metric: TaskMetric | None = Field(None, description="default: fans / shares / amount by kind")
    title: str = Field(min_length=1, max_length=64)
    description: str = Field("", max_length=2000)
    material: Material | None = None
    audience: Audience
    start_date: date = Field(description="first business day (Asia/Shanghai)")
    end_date: date = Field(description="last business day, inclusive")
    target: Decimal = Field(gt=0, description="per guide; yuan for metric amount")
    reward_coins: int = Field(ge=0, le=100_000)
    bonus_per_unit: int = Field(0, ge=0, le=10_000, description="coins per unit above target (per yuan for amount)")
    bonus_cap: int | None = Field(None, ge=0)
    count_self_reported: bool = Field(False, description="sales_target: count guides' own chat reports")

    @model_validator(mode="after")
    def _consistent(self) -> TaskIn:
        self.metric = self.metric or DEFAULT_METRIC[self.kind]
        if self.metric not in METRICS[self.kind]:
            raise ValueError(f"metric: {self.kind} counts {', '.join(sorted(METRICS[self.kind]))}")
        if self.end_date < self.start_date:
            raise ValueError("end_date: is before start_date")
        if self.kind == TaskKind.SHARE_POST and self.material is None:
            raise ValueError("material: a share_post task needs the material to share")
        if self.metric != TaskMetric.AMOUNT and self.target != self.target.to_integral_value():
            raise ValueError("target: must be a whole number")
        return self

    @property
    def target_units(self) -> int:
        """The target in stored units (fen for amount)."""
        return int(self.target * FEN_PER_YUAN) if self.metric == TaskMetric.AMOUNT else int(self.target)


class TaskOut(BaseModel):
    id: int
    kind: TaskKind
    metric: TaskMetric
    title: str
    status: TaskStatus
    start_date: date
    end_date: date
    target: Decimal
    reward_coins: int
    assigned: int = 0
    completed: int = 0
    completion_rate: float = 0.0


class GuideProgressOut(BaseModel):
    guide: str
    name: str
    store: str
    branch: str
    progress: Decimal
    target: Decimal
    done: bool
    coins: int
    shared: bool
    visitors: int


class RollupOut(BaseModel):
    code: str
    name: str
    assigned: int
    completed: int
    completion_rate: float


class SaleIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    order_id: str = Field(min_length=1, max_length=64)
    guide: str = Field(min_length=1, max_length=64)
    store: str = Field("", max_length=32)
    amount: Decimal = Field(description="yuan; negative for a refund", max_digits=12, decimal_places=2)
    orders: int = Field(1, ge=-1000, le=1000)
    channel: str = Field("", max_length=32)
    sold_at: datetime
    refund_of: str | None = Field(None, max_length=64, description="the order a refund line is against")

    @model_validator(mode="after")
    def _refund_is_negative(self) -> SaleIn:
        if self.refund_of and self.amount > 0:
            raise ValueError("amount: a refund must be negative")
        if not self.refund_of and self.amount < 0:
            raise ValueError("refund_of: a negative amount is a refund and must name its order")
        if self.sold_at.tzinfo is None:
            raise ValueError("sold_at: needs a time zone, e.g. 2026-05-01T14:30:00+08:00")
        return self


class SaleOut(BaseModel):
    order_id: str
    guide: str
    amount: Decimal
    orders: int
    self_reported: bool
    counted_in_tasks: list[int]
