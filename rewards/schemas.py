"""The HQ API's coin and shop shapes."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from rewards.models import RedemptionStatus


class CoinAdjustIn(BaseModel):
    """HQ grants (positive) or deducts (negative) coins; request_id makes a retry harmless."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    guide: str = Field(min_length=1, max_length=64)
    amount: int = Field(ge=-100_000, le=100_000)
    reason: str = Field(min_length=1, max_length=100)
    request_id: str = Field(min_length=1, max_length=64)

    @field_validator("amount")
    @classmethod
    def _not_zero(cls, value: int) -> int:
        if value == 0:
            raise ValueError("must not be 0")
        return value


class ReversalIn(BaseModel):
    reason: str = Field(min_length=1, max_length=100)


class CoinEntryOut(BaseModel):
    amount: int
    reason: str
    source: str
    created_at: datetime


class CoinsOut(BaseModel):
    guide: str
    balance: int
    entries: list[CoinEntryOut]


class RewardItemIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=64)
    picture_url: str = Field("", max_length=500)
    price: int = Field(gt=0, le=1_000_000)
    stock: int = Field(ge=0, le=1_000_000)
    active_from: datetime | None = None
    active_until: datetime | None = None


class RewardItemOut(RewardItemIn):
    id: int


class RedemptionOut(BaseModel):
    id: int
    guide: str
    item: str
    price: int
    status: RedemptionStatus
    created_at: datetime
