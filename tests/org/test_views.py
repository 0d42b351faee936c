"""The HQ organisation API: bearer auth, JSON and CSV import, one error shape."""

import pytest

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
    assert {(s["branch"], s["branch_name"], s["region"], s["region_name"]) for s in stores} == {
        ("SH", "上海分公司", "EAST", "华东大区")
    }
    assert teams == [{"code": "TEAM-SH", "name": "申城战狼队", "members": ["lisi", "zhangsan"]}]


async def test_an_unknown_api_path_answers_in_the_same_error_shape(client, hq_headers):
    response = await client.get("/api/v1/nothing-here", headers=hq_headers)

    assert response.status == 404
    assert (await response.json())["error"]["code"] == "not_found"


async def test_a_non_ascii_authorization_header_is_401_not_a_crash(client):
    response = await client.get("/api/v1/guides", headers={"Authorization": "Bearer 令牌".encode().decode("latin-1")})

    assert response.status == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


async def test_a_wrong_method_answers_405_with_allow(client, hq_headers):
    response = await client.delete("/api/v1/guides", headers=hq_headers)

    assert response.status == 405
    assert response.headers["Allow"] == "GET"
    assert (await response.json())["error"]["code"] == "method_not_allowed"


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/v1/org/import", {"regions": [{"code": "EAST", "name": "华东\x00"}]}, "regions.0.name"),
        ("/api/v1/coins/adjust", {"guide": "zhangsan", "amount": 1, "reason": "\x00", "request_id": "1"}, "reason"),
        ("/api/v1/tasks", {"title": "a\x00b"}, "title"),
    ],
    ids=["org-name", "coin-reason", "task-title"],
)
async def test_a_nul_character_in_any_string_is_refused_naming_the_field(client, hq_headers, path, body, field):
    response = await client.post(path, json=body, headers=hq_headers)

    assert response.status == 422
    assert field in {f["field"] for f in (await response.json())["error"]["fields"]}


async def test_a_body_in_an_unlisted_content_type_is_415(client, hq_headers):
    response = await client.post("/api/v1/tasks", data=b"<task/>", headers={**hq_headers, "Content-Type": "text/xml"})

    assert response.status == 415


async def test_the_document_lists_every_status_a_route_answers(client):
    document = await (await client.get("/api/openapi.json")).json()

    publish = document["paths"]["/api/v1/tasks/{task_id}/publish"]["post"]
    assert set(publish["responses"]) == {"200", "401", "403", "404", "409", "503"}
    assert publish["parameters"][0]["schema"] == {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
    [status] = document["paths"]["/api/v1/redemptions"]["get"]["parameters"]
    assert status["schema"] == {"$ref": "#/components/schemas/RedemptionStatus"}
    assert document["components"]["schemas"]["RedemptionStatus"]["enum"] == [
        "pending",
        "shipped",
        "delivered",
        "cancelled",
    ]


async def test_a_manager_of_an_unknown_store_answers_422_naming_the_field(client, hq_headers):
    body = {**SMALL_ORG.model_dump(), "roles": [{"userid": "zhangsan", "role": "store_manager", "store": "NOPE"}]}

    response = await client.post("/api/v1/org/import", json=body, headers=hq_headers)

    error = (await response.json())["error"]
    assert response.status == 422
    assert [f["field"] for f in error["fields"]] == ["roles.0.store"]
    assert "门店" in error["fields"][0]["message"]


async def test_a_store_manager_without_a_store_answers_422_naming_the_field(client, hq_headers):
    body = {"roles": [{"userid": "zhangsan", "role": "store_manager"}]}

    response = await client.post("/api/v1/org/import", json=body, headers=hq_headers)

    assert response.status == 422
    assert [f["field"] for f in (await response.json())["error"]["fields"]] == ["roles.0.store_manager.store"]


async def test_a_roster_preview_answers_the_changes_and_imports_nothing(client, hq_headers):
    await client.post("/api/v1/org/import", json=SMALL_ORG.model_dump(), headers=hq_headers)
    roster = "\n".join(line for line in CSV.splitlines() if "wangwu" not in line)

    response = await client.post(
        "/api/v1/org/import/preview", data=roster.encode(), headers={**hq_headers, "Content-Type": "text/csv"}
    )

    changes = await response.json()
    assert response.status == 200
    assert [(g["userid"], g["store"]["name"]) for g in changes["new"]] == [("zhaoliu", "湖滨店")]
    assert [(g["userid"], g["store"]["name"]) for g in changes["left"]] == [("lisi", "徐家汇店")]
    guides = await (await client.get("/api/v1/guides", headers=hq_headers)).json()
    assert [g["userid"] for g in guides] == ["lisi", "zhangsan"]


async def test_a_roster_preview_with_an_unknown_store_answers_422_naming_the_field(client, hq_headers):
    body = {"guides": [{"userid": "wangwu", "name": "王五", "store": "NOPE"}]}

    response = await client.post("/api/v1/org/import/preview", json=body, headers=hq_headers)

    assert response.status == 422
    assert [f["field"] for f in (await response.json())["error"]["fields"]] == ["guides.0.store"]


async def test_the_guide_list_shows_the_guides_who_left_only_when_asked(client, hq_headers):
    await client.post("/api/v1/org/import", json=SMALL_ORG.model_dump(), headers=hq_headers)
    roster = "\n".join(line for line in CSV.splitlines() if "zhaoliu" not in line)
    await client.post("/api/v1/org/import", data=roster.encode(), headers={**hq_headers, "Content-Type": "text/csv"})

    on_roster = await (await client.get("/api/v1/guides", headers=hq_headers)).json()
    everyone = await (await client.get("/api/v1/guides?include_left=true", headers=hq_headers)).json()

    assert [g["userid"] for g in on_roster] == ["wangwu", "zhangsan"]
    assert [(g["userid"], g["left_at"] is not None) for g in everyone] == [
        ("lisi", True),
        ("wangwu", False),
        ("zhangsan", False),
    ]


async def test_a_complete_roster_without_guides_answers_422_naming_the_rule(client, hq_headers):
    response = await client.post("/api/v1/org/import/preview", json={"complete": True}, headers=hq_headers)

    error = (await response.json())["error"]
    assert response.status == 422
    assert (error["code"], [f["field"] for f in error["fields"]]) == ("rule_violation", ["guides"])
