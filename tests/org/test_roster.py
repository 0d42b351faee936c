"""The HR roster: a preview of who is new, moved, left or back, and an import that makes exactly those changes."""

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from org.checks import OrgImportError
from org.csvfile import parse_org_file
from org.models import Guide, Store
from org.roster import GuideChange, RosterChanges, StoreRef, UnitChange, preview
from org.schemas import OrgImport
from org.service import OrgService
from tests.support.clock import FakeClock
from tests.support.org import SMALL_ORG

HEADER = "region_code,region_name,branch_code,branch_name,store_code,store_name,userid,name,team_code,team_name\n"
ZHANGSAN = "EAST,华东大区,SH,上海分公司,SH01,南京东路店,zhangsan,张三,TEAM-SH,申城战狼队\n"
LISI = "EAST,华东大区,SH,上海分公司,SH02,徐家汇店,lisi,李四,TEAM-SH,申城战狼队\n"
WANGWU = "EAST,华东大区,SH,上海分公司,SH01,南京东路店,wangwu,王五,TEAM-SH,申城战狼队\n"
NANJING_ROAD, XUJIAHUI = StoreRef("SH01", "南京东路店"), StoreRef("SH02", "徐家汇店")
MAY_DAY = datetime(2026, 5, 1, 2, 0, tzinfo=UTC)


def roster(*rows: str) -> OrgImport:
    return parse_org_file("roster.csv", (HEADER + "".join(rows)).encode())


@pytest.fixture
async def org(db) -> OrgService:
    """An organisation with zhangsan (SH01) and lisi (SH02); the clock at 1 May."""
    service = OrgService(FakeClock(MAY_DAY))
    await service.import_org(roster(ZHANGSAN, LISI))
    return service


async def test_a_preview_lists_the_guides_a_roster_adds(org):
    changes = await preview(roster(ZHANGSAN, LISI, WANGWU))

    assert changes.new == (GuideChange("wangwu", "王五", NANJING_ROAD),)


async def test_a_preview_lists_a_guide_whose_store_changed_as_moved_from_one_store_to_the_other(org):
    changes = await preview(roster(ZHANGSAN.replace("SH01,南京东路店", "SH02,徐家汇店"), LISI))

    assert changes.moved == (GuideChange("zhangsan", "张三", XUJIAHUI, previous_store=NANJING_ROAD),)


async def test_a_preview_lists_the_guides_a_roster_no_longer_lists_as_left(org):
    changes = await preview(roster(ZHANGSAN))

    assert changes.left == (GuideChange("lisi", "李四", XUJIAHUI),)


async def test_a_preview_writes_nothing(org):
    await preview(roster(ZHANGSAN.replace("SH01,南京东路店", "SH03,五角场店"), WANGWU))

    assert await Guide.filter(left_at__isnull=False).count() == 0
    assert sorted(await Guide.all().values_list("userid", "store__code")) == [("lisi", "SH02"), ("zhangsan", "SH01")]
    assert await Store.filter(code="SH03").count() == 0


async def test_a_preview_names_new_and_renamed_stores_and_branches(org):
    changes = await preview(
        roster(ZHANGSAN.replace("南京东路店", "南京东路旗舰店"), LISI.replace("SH02,徐家汇店", "SH03,五角场店"))
    )

    assert changes.new_stores == (UnitChange("SH03", "五角场店"),)
    assert changes.renamed_stores == (UnitChange("SH01", "南京东路旗舰店", previous_name="南京东路店"),)
    assert (changes.new_branches, changes.renamed_branches) == ((), ())


async def test_a_preview_refuses_what_the_import_refuses_with_the_same_problems(org):
    bad = OrgImport(guides=[{"userid": "wangwu", "name": "王五", "store": "NOPE"}])

    with pytest.raises(OrgImportError) as previewed:
        await preview(bad)
    with pytest.raises(OrgImportError) as imported:
        await org.import_org(bad)

    assert (previewed.value.fields, previewed.value.problems) == (imported.value.fields, imported.value.problems)
    assert previewed.value.fields == ["guides.0.store"]


async def test_applying_a_roster_marks_the_unlisted_guides_left_now(org):
    report = await org.import_org(roster(ZHANGSAN))

    assert report.guides_left == 1
    assert (await Guide.get(userid="lisi")).left_at == MAY_DAY


async def test_a_guide_who_left_keeps_their_row_but_leaves_the_guide_list(org):
    await org.import_org(roster(ZHANGSAN))

    assert [g.userid for g in await org.list_guides()] == ["zhangsan"]
    assert [(g.userid, g.left_at) for g in await org.list_guides(include_left=True)] == [
        ("lisi", MAY_DAY),
        ("zhangsan", None),
    ]


async def test_a_later_roster_listing_a_leaver_again_shows_and_makes_them_rejoined(org):
    await org.import_org(roster(ZHANGSAN))
    back = roster(ZHANGSAN, LISI.replace("SH02,徐家汇店", "SH01,南京东路店"))

    changes = await preview(back)
    report = await org.import_org(back)

    assert changes.rejoined == (GuideChange("lisi", "李四", NANJING_ROAD, previous_store=XUJIAHUI),)
    assert report.guides_rejoined == 1
    assert (await Guide.get(userid="lisi")).left_at is None


async def test_once_applied_the_same_roster_previews_no_change(org):
    changed = roster(ZHANGSAN.replace("SH01,南京东路店", "SH02,徐家汇店"), WANGWU)
    await org.import_org(changed)

    assert await preview(changed) == RosterChanges(complete=True)


async def test_a_partial_json_import_marks_nobody_left(org):
    partial = OrgImport(guides=[{"userid": "wangwu", "name": "王五", "store": "SH01"}])

    changes = await preview(partial)
    report = await org.import_org(partial)

    assert (changes.complete, changes.left, report.guides_left) == (False, (), 0)
    assert await Guide.filter(left_at__isnull=False).count() == 0


async def test_a_json_import_that_says_complete_marks_the_unlisted_left(org):
    complete = SMALL_ORG.model_copy(update={"guides": SMALL_ORG.guides[:1], "teams": [], "complete": True})

    await org.import_org(complete)

    assert [g.userid for g in await org.list_guides()] == ["zhangsan"]


def test_a_complete_roster_without_guides_is_refused_rather_than_marking_everyone_left():
    with pytest.raises(ValidationError, match="完整名册至少要有一位导购"):
        parse_org_file("roster.csv", HEADER.encode())


async def test_a_complete_roster_may_not_put_a_guide_it_does_not_list_in_a_team(org):
    complete = SMALL_ORG.model_copy(update={"guides": SMALL_ORG.guides[:1], "complete": True})

    with pytest.raises(OrgImportError) as refused:
        await org.import_org(complete)

    assert refused.value.fields == ["teams.0.members.1"]
    assert "名册里没有这个导购：'lisi'" in refused.value.problems[0]


async def test_a_guide_who_left_is_in_no_audience_even_when_named(org):
    await org.import_org(roster(ZHANGSAN))

    everyone = await org.resolve_guides(everyone=True, regions=[], branches=[], stores=[], teams=[], guides=[])
    named = await org.resolve_guides(
        everyone=False, regions=["EAST"], branches=["SH"], stores=["SH02"], teams=["TEAM-SH"], guides=["lisi"]
    )

    assert everyone == named == {"zhangsan"}


async def test_a_store_counts_only_the_guides_on_the_roster(org):
    await org.import_org(roster(ZHANGSAN))

    assert [(s.code, s.guides) for s in await org.list_stores()] == [("SH01", 1), ("SH02", 0)]
