"""The HQ API's task and sales shapes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, Field, PlainSerializer, WithJsonSchema, model_validator
from pydantic_core import PydanticCustomError

from org.schemas import Code, Day, Input, Instant, Int, NonBlank, Text, UserId, in_range, json_integer
from tasks.kinds import KINDS, METRICS, Counted, TaskKind, TaskMetric
from tasks.models import SaleReview, TaskStatus
from tasks.rules import FEN_PER_YUAN, MAX_REMINDER_HOURS

Url = Annotated[
    str,
    Field(max_length=400, pattern=r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?([/?#][!-~]*)?$", description="http(s) URL"),
]
MONEY_PATTERN = r"^-?[0-9]{1,7}(\.[0-9]{1,2})?$"


def _exact_money(value: Any) -> Any:
    """Money comes as an integer or a decimal string, never as a binary fraction."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float) and value.is_integer() and abs(value) < 10_000_000:
        return Decimal(int(value))
    if (
        isinstance(value, bool)
        or not isinstance(value, int | str)
        or (isinstance(value, str) and not re.fullmatch(MONEY_PATTERN, value))
    ):
        raise PydanticCustomError("money_type", 'send an integer or a decimal string with up to 2 places: "1200.50"')
    return Decimal(value)


# Money in yuan as it comes in: 1200 or "1200.50" (at most 7 digits before the point).
MoneyIn = Annotated[
    Decimal,
    BeforeValidator(_exact_money),
    Field(max_digits=9, decimal_places=2),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "integer", "minimum": -9_999_999, "maximum": 9_999_999},
                {"type": "string", "pattern": MONEY_PATTERN},
            ]
        }
    ),
]
# Money in yuan, answered as a decimal string with two places.
Money = Annotated[
    Decimal,
    PlainSerializer(lambda value: f"{value:.2f}", return_type=str, when_used="json"),
    Field(description='yuan, as a decimal string with two places: "1200.00"', json_schema_extra={"format": "decimal"}),
]
# A count (an integer) or, for the amount metric, money (a decimal string in yuan).
Quantity = Annotated[
    int | Money,
    Field(description='a count (integer); for the metric amount, yuan as a decimal string: "1200.00"'),
]


class Audience(Input):
    """Who gets the task: everyone, or any mix of org units and named guides."""

    all: bool = False
    regions: list[Code] = Field([], max_length=1000)
    branches: list[Code] = Field([], max_length=1000)
    stores: list[Code] = Field([], max_length=10_000)
    teams: list[Code] = Field([], max_length=1000)
    guides: list[UserId] = Field([], max_length=100_000)

    @classmethod
    def rules(cls, values: dict[str, Any]) -> Iterator[tuple[str, str]]:
        if not values.get("all") and not any(
            values.get(k) for k in ("regions", "branches", "stores", "teams", "guides")
        ):
            yield "", "the audience is empty: set all, or name regions, branches, stores, teams or guides"


class Material(Input):
    """What a share_post task asks guides to share."""

    text: Text = Field("", max_length=2000)
    link: Url
    image: Url | None = None


class TaskIn(Input):
    kind: TaskKind
    metric: TaskMetric | None = Field(
        None, description="default by kind: " + ", ".join(f"{k} {s.default_metric.name}" for k, s in KINDS.items())
    )
    title: NonBlank = Field(max_length=64)
    description: Text = Field("", max_length=2000)
    material: Material | None = None
    audience: Audience
    start_date: Day = Field(description="first business day (Asia/Shanghai)")
    end_date: Day = Field(description="last business day, inclusive, at most 366 days after start_date")
    target: MoneyIn = Field(
        description="per guide, more than 0; yuan for metric amount, 1 for shares and attendance (the tap counts once), else a whole count"
    )
    reward_coins: Int = Field(ge=0, le=100_000)
    bonus_per_unit: Int = Field(0, ge=0, le=10_000, description="coins per unit above target (per yuan for amount)")
    bonus_cap: Annotated[int, Field(ge=0, le=10_000_000), BeforeValidator(json_integer)] | None = None
    count_self_reported: bool = Field(False, description="sales_target: count guides' own chat reports")
    reminder_hours: list[Int] | None = Field(
        None,
        max_length=5,
        description="hours before the task ends to remind the guides who have not completed it; null: 24 and 2; []: none",
    )

    @classmethod
    def rules(cls, values: dict[str, Any]) -> Iterator[tuple[str, str]]:
        hours = values.get("reminder_hours") or []
        if any(not 1 <= h <= MAX_REMINDER_HOURS for h in hours):
            yield "reminder_hours", f"each must be 1 to {MAX_REMINDER_HOURS} (hours before the end)"
        elif len(set(hours)) != len(hours):
            yield "reminder_hours", "names an hour twice"
        spec, target = KINDS.get(values.get("kind", "")), values.get("target")
        metric = values.get("metric") or (spec.default_metric.name if spec else None)
        if spec and metric and spec.metric(metric) is None:
            yield "metric", f"{spec.name} counts {', '.join(sorted(m.name for m in spec.metrics))}"
        start, end = values.get("start_date"), values.get("end_date")
        if start and end and end < start:
            yield "end_date", "is before start_date"
        elif start and end and (end - start).days > 366:
            yield "end_date", "is more than 366 days after start_date"
        if spec and spec.shares_material and "material" in values and values["material"] is None:
            yield "material", f"a {spec.name} task needs the material to share"
        if target is not None and target <= 0:
            yield "target", "must be more than 0"
        elif metric and target is not None and not METRICS[metric].money and target != target.to_integral_value():
            yield "target", "must be a whole number"
        elif metric and target is not None and METRICS[metric].counted_by is Counted.DONE_BUTTON and target != 1:
            yield "target", "must be 1: the guide's tap on the card counts once"

    @model_validator(mode="after")
    def _default_metric(self) -> TaskIn:
        self.metric = self.metric or TaskMetric(KINDS[self.kind].default_metric.name)
        return self

    @property
    def target_units(self) -> int:
        """The target in stored units (fen for amount)."""
        if METRICS[self.metric].money:
            return int(self.target * FEN_PER_YUAN)
        return int(self.target)


class TaskOut(BaseModel):
    id: int
    kind: TaskKind
    metric: TaskMetric
    title: str
    status: TaskStatus
    start_date: date
    end_date: date
    target: Quantity
    reward_coins: int
    reminder_hours: list[int] = Field(description="when its reminders go, in hours before the end")
    assigned: int = 0
    completed: int = 0
    completion_rate: float = 0.0


class GuideProgressOut(BaseModel):
    """One guide's progress; each field's title is its column in the CSV download."""

    guide: str = Field(title="导购账号")
    name: str = Field(title="姓名")
    store: str = Field(title="门店")
    branch: str = Field(title="分公司")
    progress: Quantity = Field(title="进度")
    target: Quantity = Field(title="目标")
    done: bool = Field(title="已完成")
    coins: int = Field(title="已得金币")
    shared: bool = Field(title="已转发")
    visitors: int = Field(title="访客")


class RollupOut(BaseModel):
    code: str
    name: str
    assigned: int
    completed: int
    completion_rate: float


class SaleIn(Input):
    order_id: NonBlank = Field(max_length=64)
    guide: UserId
    store: Text = Field("", max_length=32)
    amount: MoneyIn = Field(description="yuan; negative for a refund")
    orders: Int = Field(1, ge=-1000, le=1000)
    channel: Text = Field("", max_length=32)
    sold_at: Instant = Field(description="RFC 3339 with an offset, e.g. 2026-05-01T14:30:00+08:00")
    refund_of: NonBlank | None = Field(None, max_length=64, description="the order a refund line is against")

    @classmethod
    def rules(cls, values: dict[str, Any]) -> Iterator[tuple[str, str]]:
        amount, refund_of = values.get("amount"), values.get("refund_of")
        if amount is not None and "refund_of" in values:
            if refund_of and amount > 0:
                yield "amount", "a refund must be negative"
            if not refund_of and amount < 0:
                yield "refund_of", "a negative amount is a refund and must name its order"
        if values.get("sold_at") and not in_range(values["sold_at"]):
            yield "sold_at", "must be in the years 2000 to 2099"


class SaleOut(BaseModel):
    id: int
    order_id: str
    guide: str
    amount: Money
    orders: int
    self_reported: bool
    review: SaleReview
    counted_in_tasks: list[int]
