"""Two branches for scope specs, and named API tokens made as HQ makes them."""

from org.schemas import OrgImport
from staff.models import StaffRole
from staff.tokens import ApiTokens
from tests.support.org import SMALL_ORG

# 张三 at SH01 and 李四 at SH02 (上海分公司, team TEAM-SH); 赵六 at HZ01 (杭州分公司)
TWO_BRANCHES = OrgImport.model_validate(
    SMALL_ORG.model_dump()
    | {
        "branches": [*SMALL_ORG.model_dump()["branches"], {"code": "HZ", "name": "杭州分公司", "region": "EAST"}],
        "stores": [*SMALL_ORG.model_dump()["stores"], {"code": "HZ01", "name": "湖滨店", "branch": "HZ"}],
        "guides": [*SMALL_ORG.model_dump()["guides"], {"userid": "zhaoliu", "name": "赵六", "store": "HZ01"}],
    }
)

# Each role's token for the specs: the store manager of SH01, the branch lead of SH.
SCOPES = {
    StaffRole.HQ_ADMIN: {},
    StaffRole.HQ_OPERATOR: {},
    StaffRole.BRANCH_LEAD: {"branch_code": "SH"},
    StaffRole.STORE_MANAGER: {"store_code": "SH01"},
}


async def bearer(tokens: ApiTokens, role: StaffRole, name: str = "", **scope: str) -> dict[str, str]:
    """Authorization headers of a new named token with `role` (and the default scope of SCOPES unless given)."""
    _, secret = await tokens.create(name or f"{role}-token", role, by="test", **(scope or SCOPES[role]))
    return {"Authorization": f"Bearer {secret}"}
