"""The HQ organisation API: bearer auth, JSON and CSV import, one error shape."""

from tests.org.test_service import CSV
from tests.support.org import SMALL_ORG


async def test_the_api_wants_the_bearer_token(client):
    response = await client.get("/api/v1/guides", headers={"Authorization": "Bearer wrong"})

    assert response.status == 401
    assert (await response.json())["error"]["code"] == "unauthorized"


async def test_a_json_import_reports_what_changed(client, hq_headers):
    response = await client.post("/api/v1/org/import", json=SMALL_ORG.model_dump(), headers=hq_headers)

    assert response.status == 200
    assert (await response.json())["guides"] == {"created": 2, "updated": 0, "unchanged": 0}


async def test_a_csv_import_is_accepted(client, hq_headers):
    response = await client.post(
        "/api/v1/org/import", data=CSV.encode(), headers={**hq_headers, "Content-Type": "text/csv"}
    )

    assert response.status == 200
    guides = await (await client.get("/api/v1/guides?store=SH01", headers=hq_headers)).json()
    assert [g["userid"] for g in guides] == ["wangwu", "zhangsan"]


async def test_an_invalid_import_answers_422_naming_the_fields(client, hq_headers):
    body = {"guides": [{"userid": "bad id!", "name": "", "store": "SH01"}]}

    response = await client.post("/api/v1/org/import", json=body, headers=hq_headers)

    error = (await response.json())["error"]
    assert response.status == 422
    assert {f["field"] for f in error["fields"]} == {"guides.0.userid", "guides.0.name"}


async def test_an_import_with_an_unknown_reference_answers_422(client, hq_headers):
    body = {"guides": [{"userid": "wangwu", "name": "王五", "store": "NOPE"}]}

    response = await client.post("/api/v1/org/import", json=body, headers=hq_headers)

    assert response.status == 422
    assert "unknown store 'NOPE'" in (await response.json())["error"]["message"]


async def test_stores_and_teams_are_listed(client, hq_headers):
    await client.post("/api/v1/org/import", json=SMALL_ORG.model_dump(), headers=hq_headers)

    stores = await (await client.get("/api/v1/stores", headers=hq_headers)).json()
    teams = await (await client.get("/api/v1/teams", headers=hq_headers)).json()

    assert [(s["code"], s["guides"]) for s in stores] == [("SH01", 1), ("SH02", 1)]
    assert teams == [{"code": "TEAM-SH", "name": "申城战狼队", "members": ["lisi", "zhangsan"]}]


async def test_an_unknown_api_path_answers_in_the_same_error_shape(client, hq_headers):
    response = await client.get("/api/v1/nothing-here", headers=hq_headers)

    assert response.status == 404
    assert (await response.json())["error"]["code"] == "not_found"
