"""The HQ API's shapes for named API tokens and the audit trail."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field

from org.schemas import Code, Input, Name, Text
from staff.audit import PAGE_SIZE
from staff.models import StaffRole


class TokenIn(Input):
    """A token for one machine or partner: an HQ role sees every store; a branch lead or store manager one unit."""

    name: Name = Field(description="unique; the audit trail names the token's changes `token:<name>`")
    role: StaffRole
    branch_code: Code | None = Field(None, description="the branch a branch_lead token sees")
    store_code: Code | None = Field(None, description="the store a store_manager token sees")

    @classmethod
    def rules(cls, values: dict[str, Any]) -> Iterator[tuple[str, str]]:
        role = values.get("role")
        if role is None:
            return
        wanted = {StaffRole.BRANCH_LEAD: "branch_code", StaffRole.STORE_MANAGER: "store_code"}.get(role)
        for name in ("branch_code", "store_code"):
            if name == wanted and values.get(name) is None:
                yield name, f"is required for the {role} role"
            elif name != wanted and values.get(name) is not None:
                yield name, f"must be empty for the {role} role"


class TokenOut(BaseModel):
    id: int
    name: str
    role: StaffRole
    branch_code: str | None
    store_code: str | None
    created_by: str
    created_at: datetime
    revoked_at: datetime | None


class NewTokenOut(TokenOut):
    secret: str = Field(description="the bearer secret, shown this once: only its SHA-256 is kept")


AuditText = Annotated[Text, Field(max_length=255)]


class AuditQuery(BaseModel):
    actor: AuditText = Field("", description="entries whose actor contains this (`token:pos-sync`, `wecom:zhangsan`)")
    action: AuditText = Field("", description="entries whose action contains this")
    target: AuditText = Field("", description="entries whose target path contains this (`/api/v1/tasks/12`)")
    before_id: int | None = Field(None, ge=1, le=2**31 - 1, description="the next page: entries older than this id")
    limit: int = Field(PAGE_SIZE, ge=1, le=500)


class AuditEntryOut(BaseModel):
    id: int
    at: datetime
    actor: str
    action: str
    target: str
    before: Any = Field(description="the resource's state before the change; null for a new one")
    after: Any = Field(description="what the API answered")
