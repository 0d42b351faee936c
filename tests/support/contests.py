"""A two-branch chain and a May Day sales PK between its branches, on a fixed calendar (Asia/Shanghai)."""

import json
from datetime import date, datetime, time, timedelta

from contests.schemas import ContestIn
from org.schemas import OrgImport
from org.service import OrgService
from tests.support.tasks import SHANGHAI

PK_ORG = OrgImport.model_validate(
    {
        "regions": [{"code": "EAST", "name": "华东大区"}, {"code": "NORTH", "name": "华北大区"}],
        "branches": [
            {"code": "SH", "name": "上海分公司", "region": "EAST"},
            {"code": "BJ", "name": "北京分公司", "region": "NORTH"},
        ],
        "stores": [
            {"code": "SH01", "name": "南京东路店", "branch": "SH"},
            {"code": "SH02", "name": "徐家汇店", "branch": "SH"},
            {"code": "BJ01", "name": "王府井店", "branch": "BJ"},
        ],
        "guides": [
            {"userid": "zhangsan", "name": "张三", "store": "SH01"},
            {"userid": "lisi", "name": "李四", "store": "SH02"},
            {"userid": "wangwu", "name": "王五", "store": "BJ01"},
            {"userid": "zhaoliu", "name": "赵六", "store": "BJ01"},
        ],
        "teams": [{"code": "TEAM-SH", "name": "申城战狼队", "members": ["zhangsan", "lisi"]}],
    }
)

CREATED = datetime(2026, 4, 30, 12, 0, tzinfo=SHANGHAI)  # the day before the contest
DAY1, DAY2, DAY3 = date(2026, 5, 1), date(2026, 5, 2), date(2026, 5, 3)


def at(day: date, hour: int = 12, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI)


def just_after(day: date) -> datetime:
    """00:05 the next morning: the day has ended in Shanghai."""
    return at(day + timedelta(days=1), 0, 5)


async def import_pk_org() -> None:
    await OrgService().import_org(PK_ORG)


def contest_body(**overrides) -> dict:
    """上海 vs 北京 on sales, 1–3 May: ¥1000 a day to win (20 coins each), ¥500 a guide (10 coins), final 100/50."""
    body = {
        "name": "五一业绩PK",
        "metric": "sales",
        "teams": {"branches": ["SH", "BJ"]},
        "start_date": DAY1.isoformat(),
        "end_date": DAY3.isoformat(),
        "daily_team_target": 1000,
        "personal_daily_target": 500,
        "prizes": {"winning_team": 20, "personal_target": 10, "final_teams": [100, 50]},
    }
    return {**body, **overrides}


def contest_in(**overrides) -> ContestIn:
    return ContestIn.model_validate_json(json.dumps(contest_body(**overrides)))
