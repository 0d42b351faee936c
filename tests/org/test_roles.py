"""Store managers (店长) and branch leads (分公司负责人): the org import sets them, and re-importing replaces them."""

import pytest
from pydantic import ValidationError

from org.csvfile import CsvError, parse_org_file
from org.demo import demo_org
from org.models import OrgRole, Store
from org.schemas import OrgImport
from org.service import OrgImportError, OrgService
from tests.support.org import SMALL_ORG

ROSTER = """region_code,region_name,branch_code,branch_name,store_code,store_name,userid,name,角色
EAST,华东大区,SH,上海分公司,SH01,南京东路店,zhangsan,张三,店长
EAST,华东大区,SH,上海分公司,SH01,南京东路店,wangwu,王五,导购
EAST,华东大区,SH,上海分公司,SH02,徐家汇店,lisi,李四,店长、分公司负责人
"""


def with_roles(*roles: dict) -> OrgImport:
    return SMALL_ORG.model_copy(update={"roles": OrgImport.model_validate({"roles": list(roles)}).roles})


MANAGER = {"userid": "zhangsan", "role": "store_manager", "store": "SH01"}
LEAD = {"userid": "lisi", "role": "branch_lead", "branch": "SH"}


async def roles() -> set[tuple]:
    return set(await OrgRole.all().values_list("userid", "role", "store__code", "branch__code"))


@pytest.fixture
def org(db) -> OrgService:
    return OrgService()


async def test_the_json_import_sets_who_manages_a_store_and_who_leads_a_branch(org):
    report = await org.import_org(with_roles(MANAGER, LEAD))

    assert report.roles_added == 2
    assert await roles() == {("zhangsan", "store_manager", "SH01", None), ("lisi", "branch_lead", None, "SH")}


async def test_reimporting_replaces_the_roles_and_whoever_is_no_longer_listed_loses_theirs(org):
    await org.import_org(with_roles(MANAGER, LEAD))

    report = await org.import_org(with_roles({"userid": "lisi", "role": "store_manager", "store": "SH01"}, LEAD))

    assert (report.roles_added, report.roles_removed) == (1, 1)
    assert await roles() == {("lisi", "store_manager", "SH01", None), ("lisi", "branch_lead", None, "SH")}


async def test_an_import_without_roles_leaves_them_as_they_are(org):
    await org.import_org(with_roles(MANAGER))

    await org.import_org(SMALL_ORG)

    assert await roles() == {("zhangsan", "store_manager", "SH01", None)}


async def test_an_empty_role_list_removes_every_role(org):
    await org.import_org(with_roles(MANAGER, LEAD))

    report = await org.import_org(with_roles())

    assert report.roles_removed == 2
    assert await roles() == set()


async def test_a_manager_of_an_unknown_store_is_refused_naming_the_field_and_nothing_changes(org):
    await org.import_org(with_roles(MANAGER))

    with pytest.raises(OrgImportError) as refused:
        await org.import_org(with_roles(LEAD, {"userid": "lisi", "role": "store_manager", "store": "NOPE"}))

    assert refused.value.fields == ["roles.1.store"]
    assert "NOPE" in refused.value.problems[0]
    assert await roles() == {("zhangsan", "store_manager", "SH01", None)}


async def test_a_role_for_someone_who_is_no_guide_is_refused(org):
    with pytest.raises(OrgImportError) as refused:
        await org.import_org(with_roles({"userid": "nobody", "role": "branch_lead", "branch": "SH"}))

    assert refused.value.fields == ["roles.0.userid"]


def test_a_store_manager_names_a_store_and_a_branch_lead_a_branch():
    with pytest.raises(ValidationError) as refused:
        OrgImport.model_validate({"roles": [{"userid": "zhangsan", "role": "store_manager", "branch": "SH"}]})

    assert {(".".join(map(str, e["loc"])), e["type"]) for e in refused.value.errors()} == {
        ("roles.0.store_manager.store", "missing"),
        ("roles.0.store_manager.branch", "extra_forbidden"),
    }


async def test_the_csv_roster_sets_roles_from_its_role_column_in_chinese(org):
    await org.import_org(parse_org_file("roster.csv", ROSTER.encode()))

    assert await roles() == {
        ("zhangsan", "store_manager", "SH01", None),
        ("lisi", "store_manager", "SH02", None),
        ("lisi", "branch_lead", None, "SH"),
    }


async def test_a_csv_roster_with_the_role_column_replaces_the_roles(org):
    await org.import_org(parse_org_file("roster.csv", ROSTER.encode()))
    moved = ROSTER.replace("张三,店长", "张三,").replace("王五,导购", "王五,店长")

    await org.import_org(parse_org_file("roster.csv", moved.encode()))

    assert ("zhangsan", "store_manager", "SH01", None) not in await roles()
    assert ("wangwu", "store_manager", "SH01", None) in await roles()


async def test_a_csv_roster_without_a_role_column_leaves_the_roles(org):
    await org.import_org(with_roles(MANAGER))
    plain = "\n".join(line.rsplit(",", 1)[0] for line in ROSTER.splitlines())

    await org.import_org(parse_org_file("roster.csv", plain.encode()))

    assert await roles() == {("zhangsan", "store_manager", "SH01", None)}


def test_an_unknown_role_in_the_csv_names_its_line():
    with pytest.raises(CsvError, match="第 3 行：角色 '经理' 无法识别"):
        parse_org_file("roster.csv", ROSTER.replace("王五,导购", "王五,经理").encode())


async def test_a_store_may_set_its_own_daily_fan_target_per_guide(org):
    data = SMALL_ORG.model_copy(deep=True)
    data.stores[0].fan_target_per_guide_daily = 5

    await org.import_org(data)

    assert dict(await Store.all().values_list("code", "fan_target_per_guide_daily")) == {"SH01": 5, "SH02": None}


async def test_the_demo_chain_has_a_manager_in_every_store_and_a_lead_in_every_branch(org):
    await org.import_org(demo_org())

    held = await roles()
    assert len({store for _, role, store, _ in held if role == "store_manager"}) == 30
    assert len({branch for _, role, _, branch in held if role == "branch_lead"}) == 6
