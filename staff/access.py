"""What each role may do, and over which stores: the one place the console and the HQ API ask.

A `Principal` is whoever makes a request: a console user, a named API token, or the
machine token. Its scope is resolved once, when it is made, to the store codes it may
see (None: every store), so every check after that is a set lookup.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from org.models import OrgRole, Role, Store
from staff.models import ApiToken, LocalAccount, StaffGrant, StaffRole


class Permission(StrEnum):
    READ = "read"  # what is in scope: guides, stores, progress, reports, ledgers, push logs
    TASKS = "tasks"  # create, edit, publish, cancel tasks
    CONTESTS = "contests"  # PK contests, corrections, benchmark selection
    SHOP = "shop"  # gifts and the redemption queue
    COINS = "coins"  # grants, deductions, reversals
    SALES_REVIEW = "sales_review"  # confirm or reject self-reported sales
    OPERATIONS = "operations"  # jobs, dead letters and their replay
    AUDIT = "audit"  # read the audit trail
    PEOPLE = "people"  # the org roster, HQ roles, API tokens


HQ_WORK = frozenset(Permission) - {Permission.PEOPLE}
ROLE_PERMISSIONS: dict[StaffRole, frozenset[Permission]] = {
    StaffRole.HQ_ADMIN: frozenset(Permission),
    StaffRole.HQ_OPERATOR: HQ_WORK,
    StaffRole.BRANCH_LEAD: frozenset({Permission.READ}),
    StaffRole.STORE_MANAGER: frozenset({Permission.READ, Permission.SALES_REVIEW}),
}
# What HQ may let branch leads do in their branch (the BRANCH_LEADS_MAY_POST setting).
BRANCH_POSTING = frozenset({Permission.TASKS, Permission.CONTESTS})

ROLE_NAMES = {
    StaffRole.HQ_ADMIN: "总部管理员",
    StaffRole.HQ_OPERATOR: "总部运营",
    StaffRole.BRANCH_LEAD: "分公司负责人",
    StaffRole.STORE_MANAGER: "店长",
}


SCOPE_NAMES = {StaffRole.BRANCH_LEAD: "its branch's stores", StaffRole.STORE_MANAGER: "its store"}


def roles_and_permissions() -> str:
    """The role table, for readers of the HQ API document."""
    lines = ["", "| role | permissions | sees |", "|---|---|---|"]
    for role, permissions in ROLE_PERMISSIONS.items():
        sees = SCOPE_NAMES.get(role, "every store")
        lines.append(f"| `{role}` {ROLE_NAMES[role]} | {', '.join(sorted(permissions))} | {sees} |")
    return "\n".join(lines) + "\n"


class Forbidden(Exception):
    """The principal's role does not allow the action, or the thing is outside its scope."""


@dataclass(frozen=True)
class Principal:
    actor: str  # who, as the audit trail names them: "wecom:zhangsan", "local:admin", "token:pos-sync"
    name: str
    role: StaffRole
    permissions: frozenset[Permission]
    store_codes: frozenset[str] | None = None  # None: every store
    branch_codes: frozenset[str] | None = None  # None: every branch; a store manager leads none

    @property
    def role_name(self) -> str:
        return ROLE_NAMES[self.role]

    @property
    def is_hq(self) -> bool:
        return self.store_codes is None

    def can(self, permission: Permission | str) -> bool:
        return permission in self.permissions

    def sees_store(self, store_code: str) -> bool:
        return self.store_codes is None or store_code in self.store_codes

    def sees_branch(self, branch_code: str) -> bool:
        return self.branch_codes is None or branch_code in self.branch_codes

    def require(self, permission: Permission) -> None:
        if not self.can(permission):
            raise Forbidden(f"{self.role_name}无权进行此操作")

    def require_store(self, store_code: str) -> None:
        if not self.sees_store(store_code):
            raise Forbidden("不在你的管理范围内")


MACHINE = Principal(
    actor="hq-api-token", name="HQ_API_TOKEN", role=StaffRole.HQ_ADMIN, permissions=ROLE_PERMISSIONS[StaffRole.HQ_ADMIN]
)


class StaffDirectory:
    """Makes principals: from a WeCom member's roles, a local account, or a named API token."""

    def __init__(self, branch_leads_may_post: bool = False) -> None:
        self.branch_leads_may_post = branch_leads_may_post

    async def for_member(self, userid: str, name: str = "") -> Principal | None:
        """None for a member who holds no console role (a guide, say): they cannot sign in."""
        actor = f"wecom:{userid}"
        grant = await StaffGrant.get_or_none(userid=userid)
        if grant is not None:
            return self._hq(actor, name or userid, grant.role)
        roles = await OrgRole.filter(userid=userid).prefetch_related("store", "branch")
        if not roles:
            return None
        branches = {r.branch.code for r in roles if r.role == Role.BRANCH_LEAD and r.branch is not None}
        stores = {r.store.code for r in roles if r.role == Role.STORE_MANAGER and r.store is not None}
        role = StaffRole.BRANCH_LEAD if branches else StaffRole.STORE_MANAGER
        return await self.scoped(actor, name or userid, role, branches, stores)

    def for_account(self, account: LocalAccount) -> Principal:
        return self._hq(f"local:{account.username}", account.username, account.role)

    async def for_token(self, token: ApiToken) -> Principal:
        actor = f"token:{token.name}"
        if token.role in (StaffRole.HQ_ADMIN, StaffRole.HQ_OPERATOR):
            return self._hq(actor, token.name, token.role)
        branches = {token.branch_code} if token.branch_code else set()
        stores = {token.store_code} if token.store_code else set()
        return await self.scoped(actor, token.name, token.role, branches, stores)

    async def scoped(
        self, actor: str, name: str, role: StaffRole, branches: Iterable[str], stores: Iterable[str]
    ) -> Principal:
        branches = frozenset(branches)
        in_branches = await Store.filter(branch__code__in=list(branches)).values_list("code", flat=True)
        permissions = ROLE_PERMISSIONS[role]
        if role == StaffRole.BRANCH_LEAD and self.branch_leads_may_post:
            permissions |= BRANCH_POSTING
        return Principal(
            actor=actor,
            name=name,
            role=role,
            permissions=permissions,
            store_codes=frozenset(stores) | frozenset(in_branches),
            branch_codes=branches,
        )

    def _hq(self, actor: str, name: str, role: StaffRole) -> Principal:
        return Principal(actor=actor, name=name, role=role, permissions=ROLE_PERMISSIONS[role])
