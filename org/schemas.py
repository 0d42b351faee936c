"""The organisation import format (JSON; CSV rows map onto it) and its report."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

Code = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_.\-]+$")
Name = Field(min_length=1, max_length=64)


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class RegionIn(_Row):
    code: str = Code
    name: str = Name


class BranchIn(_Row):
    code: str = Code
    name: str = Name
    region: str = Field(description="region code")


class StoreIn(_Row):
    code: str = Code
    name: str = Name
    branch: str = Field(description="branch code")


class GuideIn(_Row):
    userid: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.@\-]+$", description="WeCom UserID")
    name: str = Name
    store: str = Field(description="store code")


class TeamIn(_Row):
    code: str = Code
    name: str = Name
    members: list[str] = Field(default_factory=list, description="guide UserIDs: the team's whole membership")


class OrgImport(_Row):
    """Regions, branches, stores, guides and teams; rows are matched by code / UserID and upserted."""

    regions: list[RegionIn] = Field(default_factory=list)
    branches: list[BranchIn] = Field(default_factory=list)
    stores: list[StoreIn] = Field(default_factory=list)
    guides: list[GuideIn] = Field(default_factory=list)
    teams: list[TeamIn] = Field(default_factory=list)


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

    def summary(self) -> str:
        parts = [
            f"{kind}: {r.created} created, {r.updated} updated, {r.unchanged} unchanged"
            for kind in ("regions", "branches", "stores", "guides", "teams")
            for r in [getattr(self, kind)]
        ]
        parts.append(f"team members: {self.team_members_added} added, {self.team_members_removed} removed")
        return "\n".join(parts)


class GuideOut(BaseModel):
    userid: str
    name: str
    store: str
    store_name: str


class StoreOut(BaseModel):
    code: str
    name: str
    branch: str
    region: str
    guides: int


class TeamOut(BaseModel):
    code: str
    name: str
    members: list[str]
