"""The HQ API's coin and shop shapes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from org.schemas import Input, Instant, Int, NonBlank, Text, UserId, in_range
from rewards.models import RedemptionStatus


class CoinAdjustIn(Input):
    """HQ grants (positive) or deducts (negative) coins; request_id makes a retry harmless."""

    guide: UserId
    amount: Int = Field(ge=-100_000, le=100_000, json_schema_extra={"not": {"const": 0}}, description="not 0")
    reason: NonBlank = Field(max_length=100)
    request_id: NonBlank = Field(max_length=64)

    @classmethod
    def rules(cls, values: dict[str, Any]) -> Iterator[tuple[str, str]]:
        if values.get("amount") == 0:
            yield "amount", "must not be 0"


class ReversalIn(Input):
    reason: NonBlank = Field(max_length=100)


class CoinEntryOut(BaseModel):
    amount: int
    reason: str
    source: str
    created_at: datetime


class CoinsOut(BaseModel):
    guide: str
    balance: int
    entries: list[CoinEntryOut]


class RewardItemIn(Input):
    name: NonBlank = Field(max_length=64)
    picture_url: Text = Field("", max_length=500)
    price: Int = Field(gt=0, le=1_000_000)
    stock: Int = Field(ge=0, le=1_000_000)
    active_from: Instant | None = None
    active_until: Instant | None = None

    @classmethod
    def rules(cls, values: dict[str, Any]) -> Iterator[tuple[str, str]]:
        for name in ("active_from", "active_until"):
            if values.get(name) and not in_range(values[name]):
                yield name, "must be in the years 2000 to 2099"
        start, end = values.get("active_from"), values.get("active_until")
        if start and end and end <= start:
            yield "active_until", "is not after active_from"


class RewardItemOut(BaseModel):
    id: int
    name: str
    picture_url: str
    price: Int
    stock: Int
    active_from: datetime | None
    active_until: datetime | None


class RedemptionOut(BaseModel):
    id: int
    guide: str
    item: str
    price: Int
    status: RedemptionStatus
    created_at: datetime


class RedemptionQuery(BaseModel):
    status: RedemptionStatus | None = Field(None, description="only orders in this state")
