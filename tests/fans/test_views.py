"""HQ API: GET /api/v1/reports/fans, as JSON or as a CSV Excel opens, and 422 naming the bad parameter."""

import csv
import io
from datetime import datetime, timedelta

import pytest

from kernel.clock import BUSINESS_TIMEZONE
from tests.fans.test_reports import ORG
from tests.support.fans import add_fan, shanghai

URL = "/api/v1/reports/fans"


@pytest.fixture
async def org(client, hq_headers):
    await client.post("/api/v1/org/import", json=ORG.model_dump(mode="json"), headers=hq_headers)


async def test_a_days_report_per_store_as_json(client, hq_headers, org):
    await add_fan("zhangsan", shanghai(2026, 11, 25, 23, 30))

    response = await client.get(URL, params={"period": "day", "date": "2026-11-25"}, headers=hq_headers)

    report = await response.json()
    assert response.status == 200
    assert (report["period"], report["first_day"], report["last_day"], report["scope"]) == (
        "day", "2026-11-25", "2026-11-25", "store",
    )  # fmt: skip
    assert [(line["code"], line["branch_name"], line["new"], line["target"]) for line in report["lines"]] == [
        ("HZ01", "杭州分公司", 0, 3), ("SH01", "上海分公司", 1, 6), ("SH02", "上海分公司", 0, 3),
    ]  # fmt: skip


async def test_without_a_date_a_week_report_is_last_week(client, hq_headers, org):
    today = datetime.now(BUSINESS_TIMEZONE).date()
    monday = today - timedelta(days=today.weekday() + 7)

    report = await (await client.get(URL, params={"period": "week"}, headers=hq_headers)).json()

    assert (report["first_day"], report["last_day"]) == (str(monday), str(monday + timedelta(days=6)))


async def test_the_csv_has_a_chinese_header_and_a_bom_for_excel(client, hq_headers, org):
    await add_fan("lisi", shanghai(2026, 11, 3))

    response = await client.get(
        URL, params={"period": "month", "date": "2026-11-15", "scope": "branch", "format": "csv"}, headers=hq_headers
    )

    body = await response.read()
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert response.content_type == "text/csv"
    assert body.startswith("\ufeff".encode())
    assert rows[0][:11] == [
        "统计期", "代码", "名称", "所属分公司", "分公司名称", "导购数", "新增", "重粉", "删粉", "净增", "目标",
    ]  # fmt: skip
    assert rows[2][:13] == [
        "2026-11-01~2026-11-30",
        "SH",
        "上海分公司",
        "",
        "",
        "3",
        "1",
        "0",
        "0",
        "1",
        "270",
        "0.4%",
        "是",
    ]
    assert 'filename="fans-month-branch-2026-11-01.csv"' in response.headers["Content-Disposition"]


async def test_the_store_csv_has_the_branch_name_next_to_its_code(client, hq_headers, org):
    response = await client.get(URL, params={"date": "2026-11-25", "format": "csv"}, headers=hq_headers)

    rows = list(csv.reader(io.StringIO((await response.read()).decode("utf-8-sig"))))
    assert rows[0][3:6] == ["所属分公司", "分公司名称", "导购数"]
    assert [row[1:5] for row in rows[1:]] == [
        ["HZ01", "湖滨店", "HZ", "杭州分公司"], ["SH01", "南京东路店", "SH", "上海分公司"], ["SH02", "徐家汇店", "SH", "上海分公司"],
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"period": "year"}, "period"),
        ({"date": "25/11/2026"}, "date"),
        ({"date": "0001-01-01"}, "date"),
        ({"scope": "region"}, "scope"),
        ({"format": "xlsx"}, "format"),
    ],
    ids=["period", "date-format", "date-range", "scope", "format"],
)
async def test_a_bad_parameter_answers_422_naming_it(client, hq_headers, params, field):
    response = await client.get(URL, params=params, headers=hq_headers)

    assert response.status == 422
    assert [f["field"] for f in (await response.json())["error"]["fields"]] == [field]


async def test_the_report_is_in_the_openapi_document_saying_what_the_default_period_is(client):
    document = await (await client.get("/api/openapi.json")).json()

    parameters = {p["name"]: p for p in document["paths"][URL]["get"]["parameters"]}
    assert set(parameters) == {"period", "date", "scope", "format"}
    assert "the last complete period" in parameters["date"]["description"]


async def test_the_openapi_document_says_a_store_line_carries_its_branch_name(client):
    document = await (await client.get("/api/openapi.json")).json()

    line = document["components"]["schemas"]["FanReportLine"]["properties"]
    assert list(line).index("branch_name") == list(line).index("branch") + 1
    assert "branch name" in line["branch_name"]["description"]
