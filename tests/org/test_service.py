"""Importing the organisation: idempotent upsert with a report, all-or-nothing on bad input."""

import pytest

from org.csvfile import CsvError, parse_org_file
from org.demo import demo_org
from org.models import Guide, Store, TeamMember
from org.schemas import OrgImport
from org.service import OrgImportError, OrgService
from tests.support.org import SMALL_ORG

CSV = """region_code,region_name,branch_code,branch_name,store_code,store_name,userid,name,team_code,team_name
EAST,华东大区,SH,上海分公司,SH01,南京东路店,zhangsan,张三,TEAM-SH,申城战狼队
EAST,华东大区,SH,上海分公司,SH01,南京东路店,wangwu,王五,TEAM-SH,申城战狼队
EAST,华东大区,HZ,杭州分公司,HZ01,湖滨店,zhaoliu,赵六,,
"""


@pytest.fixture
def org(db) -> OrgService:
    return OrgService()


async def test_a_first_import_creates_everything(org):
    report = await org.import_org(SMALL_ORG)

    assert (report.guides.created, report.stores.created, report.team_members_added) == (2, 2, 2)
    assert [g.userid for g in await org.list_guides()] == ["lisi", "zhangsan"]


async def test_importing_the_same_file_again_changes_nothing(org):
    await org.import_org(SMALL_ORG)

    report = await org.import_org(SMALL_ORG)

    assert report.guides.model_dump() == {"created": 0, "updated": 0, "unchanged": 2}
    assert report.team_members_added == report.team_members_removed == 0


async def test_a_renamed_guide_who_moved_store_is_updated(org):
    await org.import_org(SMALL_ORG)
    moved = SMALL_ORG.model_copy(deep=True)
    moved.guides[0].name, moved.guides[0].store = "张三丰", "SH02"

    report = await org.import_org(moved)

    assert report.guides.updated == 1
    guide = await org.guide("zhangsan")
    assert (guide.name, guide.store.code) == ("张三丰", "SH02")


async def test_a_guide_may_join_a_store_imported_earlier(org):
    await org.import_org(SMALL_ORG)

    await org.import_org(OrgImport(guides=[{"userid": "wangwu", "name": "王五", "store": "SH01"}]))

    assert (await org.guide("wangwu")).store.code == "SH01"


async def test_an_unknown_store_is_refused_and_nothing_is_imported(org):
    bad = SMALL_ORG.model_copy(deep=True)
    bad.guides[1].store = "NOPE"

    with pytest.raises(OrgImportError, match="unknown store 'NOPE'"):
        await org.import_org(bad)

    assert await Guide.all().count() == 0
    assert await Store.all().count() == 0


async def test_a_repeated_userid_is_refused(org):
    bad = SMALL_ORG.model_copy(deep=True)
    bad.guides[1].userid = "zhangsan"

    with pytest.raises(OrgImportError, match="'zhangsan' appears 2 times"):
        await org.import_org(bad)


async def test_a_team_listed_again_gets_exactly_the_listed_members(org):
    await org.import_org(SMALL_ORG)
    smaller = SMALL_ORG.model_copy(deep=True)
    smaller.teams[0].members = ["lisi"]

    report = await org.import_org(smaller)

    assert report.team_members_removed == 1
    assert (await org.list_teams())[0].members == ["lisi"]


async def test_the_hr_csv_roster_imports_with_its_teams(org):
    report = await org.import_org(parse_org_file("roster.csv", CSV.encode()))

    assert (report.regions.created, report.branches.created, report.guides.created) == (1, 2, 3)
    assert (await org.list_teams())[0].members == ["wangwu", "zhangsan"]


def test_a_csv_without_the_roster_columns_is_refused_with_the_expected_ones():
    with pytest.raises(CsvError, match="region_code"):
        parse_org_file("roster.csv", "userid,name\nzhangsan,张三\n".encode())


async def test_the_demo_organisation_is_a_living_chain(org):
    await org.import_org(demo_org())

    stores = await org.list_stores()
    assert len({s.region for s in stores}) == 3
    assert len({s.branch for s in stores}) == 6
    assert len(stores) == 30
    assert await Guide.all().count() == 300
    assert len(await org.list_teams()) == 6
    assert await TeamMember.all().count() == 300


async def test_a_guide_lookup_sees_an_import_at_once(org):
    assert await org.guide("zhangsan") is None

    await org.import_org(SMALL_ORG)

    assert (await org.guide("zhangsan")).name == "张三"
