"""The organisation import format (JSON; CSV rows map onto it) and its report."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Annotated, Any, ClassVar, Literal

from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field, Strict, model_validator
from pydantic_core import PydanticCustomError

# Input strings, shared by every HQ API schema. None holds a NUL character.
Text = Annotated[str, Field(pattern=r"^[^\x00]*$")]
NonBlank = Annotated[str, Field(min_length=1, pattern=r"^[^\x00]*[^\x00 \t\r\n][^\x00]*$")]
Code = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_.\-]+$")]
UserId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.@\-]+$", description="WeCom UserID")]
Name = Annotated[NonBlank, Field(max_length=64)]


def json_integer(value: Any) -> int:
    """What JSON Schema calls an integer: 3 or 3.0, never true or "3"."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise PydanticCustomError("int_type", "Input should be a valid integer")


Int = Annotated[int, BeforeValidator(json_integer)]
# Bounds before the validator, so that the document states them even where the value may be null.
DailyFanTarget = Annotated[int, Field(ge=0, le=1000), BeforeValidator(json_integer)]
# Times are RFC 3339 strings with an offset; a number is not a time.
Instant = Annotated[AwareDatetime, Strict()]
Day = Annotated[date, Strict()]


def _iso_day(value: Any) -> Any:
    """A query string's day is written YYYY-MM-DD: not a timestamp, not 20260501."""
    if isinstance(value, str) and not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        raise PydanticCustomError("date_format", "write the day as YYYY-MM-DD")
    return value


# A day in a query string (parsed from text, where Day's strictness cannot apply).
QueryDay = Annotated[date, BeforeValidator(_iso_day)]
EARLIEST, LATEST = datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC)


def in_range(at: datetime) -> bool:
    """Stored times stay in years a database and a time-zone conversion both handle."""
    return EARLIEST <= at < LATEST


class Input(BaseModel):
    """An HQ API input. `rules` are the checks between fields that a JSON Schema cannot state.

    The API validates JSON strictly (no "1" for 1, no true for 1, no number for a time) and
    reports the rules together with the field errors, on the fields that are valid; a
    model built in code runs them too.
    """

    model_config = ConfigDict(extra="forbid")

    @classmethod
    def rules(cls, values: dict[str, Any]) -> Iterator[tuple[str, str]]:
        """(field, message) for each rule the values break; field "" is the model itself."""
        return iter(())

    @model_validator(mode="after")
    def _follows_rules(self) -> Input:
        for name, message in type(self).rules(dict(self)):
            raise ValueError(f"{name}: {message}" if name else message)
        return self


class _Row(Input):
    pass


class RegionIn(_Row):
    code: Code
    name: Name


class BranchIn(_Row):
    code: Code
    name: Name
    region: Code = Field(description="region code")


class StoreIn(_Row):
    code: Code
    name: Name
    branch: Code = Field(description="branch code")
    fan_target_per_guide_daily: DailyFanTarget | None = Field(
        None, description="拉新目标: new fans per guide per day here; unset: FAN_TARGET_PER_GUIDE_DAILY"
    )


class GuideIn(_Row):
    userid: UserId
    name: Name
    store: Code = Field(description="store code")


class TeamIn(_Row):
    code: Code
    name: Name
    members: list[UserId] = Field(default_factory=list, description="guide UserIDs: the team's whole membership")


class StoreManagerIn(_Row):
    """店长: manages `store`."""

    userid: UserId = Field(description="a guide's UserID")
    role: Literal["store_manager"]
    store: Code = Field(description="store code")
    branch: ClassVar[None] = None


class BranchLeadIn(_Row):
    """分公司负责人: leads `branch`."""

    userid: UserId = Field(description="a guide's UserID")
    role: Literal["branch_lead"]
    branch: Code = Field(description="branch code")
    store: ClassVar[None] = None


RoleIn = Annotated[StoreManagerIn | BranchLeadIn, Field(discriminator="role")]


class OrgImport(_Row):
    """Regions, branches, stores, guides and teams; rows are matched by code / UserID and upserted.

    A guide listed who had left has rejoined. `complete` says the file is HR's whole roster
    (the CSV always is): every guide it does not list has left. A partial import (the
    default for JSON) changes only the rows it lists.
    """

    regions: list[RegionIn] = Field(default_factory=list)
    branches: list[BranchIn] = Field(default_factory=list)
    stores: list[StoreIn] = Field(default_factory=list)
    guides: list[GuideIn] = Field(default_factory=list)
    teams: list[TeamIn] = Field(default_factory=list)
    roles: list[RoleIn] | None = Field(
        None, description="店长 and 分公司负责人: the whole list, replacing every role held; absent: roles unchanged"
    )
    complete: bool = Field(
        False, description="the whole roster: every guide not listed has left (离职); false: only listed rows change"
    )

    @classmethod
    def rules(cls, values: dict[str, Any]) -> Iterator[tuple[str, str]]:
        if values.get("complete") and not values.get("guides"):
            yield "guides", "完整名册至少要有一位导购，否则所有导购都会记为离职 (a complete roster lists guides)"


class KindReport(BaseModel):
    created: int = 0
    updated: int = 0
    unchanged: int = 0


class ImportReport(BaseModel):
    regions: KindReport = Field(default_factory=KindReport)
    branches: KindReport = Field(default_factory=KindReport)
    stores: KindReport = Field(default_factory=KindReport)
    guides: KindReport = Field(default_factory=KindReport)
    teams: KindReport = Field(default_factory=KindReport)
    team_members_added: int = 0
    team_members_removed: int = 0
    roles_added: int = 0
    roles_removed: int = 0
    guides_left: int = Field(0, description="guides a complete roster no longer lists, now marked as left")
    guides_rejoined: int = Field(0, description="guides who had left and are listed again")

    def summary(self) -> str:
        parts = [
            f"{kind}: {r.created} created, {r.updated} updated, {r.unchanged} unchanged"
            for kind in ("regions", "branches", "stores", "guides", "teams")
            for r in [getattr(self, kind)]
        ]
        parts.append(f"team members: {self.team_members_added} added, {self.team_members_removed} removed")
        parts.append(f"roles: {self.roles_added} added, {self.roles_removed} removed")
        parts.append(f"guides who left: {self.guides_left}, rejoined: {self.guides_rejoined}")
        return "\n".join(parts)


class GuideOut(BaseModel):
    userid: str
    name: str
    store: str
    store_name: str
    left_at: datetime | None = Field(
        None, description="when an HR roster stopped listing them (离职); null: on the roster"
    )


class StoreOut(BaseModel):
    code: str
    name: str
    branch: str = Field(description="branch code")
    branch_name: str = Field(description="branch name (分公司), as HQ reads it")
    region: str = Field(description="region code")
    region_name: str = Field(description="region name (大区)")
    guides: int


class TeamOut(BaseModel):
    code: str
    name: str
    members: list[str]
