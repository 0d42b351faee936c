"""The HQ API's coin and shop shapes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, Field
from pydantic_core import PydanticCustomError

from org.schemas import Input, Instant, Int, NonBlank, UserId, in_range
from rewards.models import RedemptionStatus

# A gift's picture ends up as an <img> (the console, whatever shows HQ's shop), so only an https:// address with a
# host will do (no javascript:, data: or plain http), or "" for none. The API document states the same pattern.
PICTURE_URL = r"^(https://[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*(:[0-9]{1,5})?([/?#][^\x00-\x20\x7f]*)?)?$"


def _https_or_empty(value: str) -> str:
    if not re.fullmatch(PICTURE_URL, value):
        raise PydanticCustomError("picture_url", "must be an https:// address with a host, or empty")
    return value


PictureUrl = Annotated[
    str,
    Field(max_length=500, json_schema_extra={"pattern": PICTURE_URL}, description="https:// image address, or empty"),
    AfterValidator(_https_or_empty),
]


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
    picture_url: PictureUrl = ""
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
