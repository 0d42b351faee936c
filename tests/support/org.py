from datetime import UTC, datetime

from org.models import Guide
from org.schemas import OrgImport
from org.service import OrgService

SMALL_ORG = OrgImport.model_validate(
    {
        "regions": [{"code": "EAST", "name": "华东大区"}],
        "branches": [{"code": "SH", "name": "上海分公司", "region": "EAST"}],
        "stores": [
            {"code": "SH01", "name": "南京东路店", "branch": "SH"},
            {"code": "SH02", "name": "徐家汇店", "branch": "SH"},
        ],
        "guides": [
            {"userid": "zhangsan", "name": "张三", "store": "SH01"},
            {"userid": "lisi", "name": "李四", "store": "SH02"},
        ],
        "teams": [{"code": "TEAM-SH", "name": "申城战狼队", "members": ["zhangsan", "lisi"]}],
    }
)


async def import_small_org() -> None:
    await OrgService().import_org(SMALL_ORG)


async def mark_left(*userids: str) -> None:
    """The guides have left, as a complete roster without them marks them (tests/org/test_roster.py shows that)."""
    await Guide.filter(userid__in=userids).update(left_at=datetime(2026, 4, 1, tzinfo=UTC))
