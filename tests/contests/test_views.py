"""The HQ contest API over HTTP: set up (422 naming every wrong field), standings, settle, results, corrections."""

from datetime import UTC, datetime, timedelta

import pytest

from contests.book import ContestBook
from tests.support.clock import FakeClock
from tests.support.contests import contest_body, contest_in, import_pk_org
from tests.support.tasks import SHANGHAI

TOMORROW = (datetime.now(UTC).astimezone(SHANGHAI) + timedelta(days=1)).date()
SOON = {"start_date": TOMORROW.isoformat(), "end_date": (TOMORROW + timedelta(days=6)).isoformat()}
SQUADS = [{"code": "A", "name": "东方战队", "stores": ["SH01"]}, {"code": "B", "name": "北方战队", "stores": ["BJ01"]}]


@pytest.fixture(autouse=True)
async def org(client):
    await import_pk_org()


def body(**overrides) -> dict:
    return contest_body(**{**SOON, **overrides})


async def create(client, hq_headers, **overrides) -> dict:
    response = await client.post("/api/v1/contests", json=body(**overrides), headers=hq_headers)
    assert response.status == 201, await response.text()
    return await response.json()


async def settled_last_week(services) -> int:
    """A contest that ran last week (set up through the service with the clock of then)."""
    then = datetime.now(UTC) - timedelta(days=10)
    start = (then.astimezone(SHANGHAI) + timedelta(days=1)).date()
    running = await ContestBook(FakeClock(then)).create(
        contest_in(start_date=start.isoformat(), end_date=(start + timedelta(days=2)).isoformat())
    )
    return running.id


async def test_hq_sets_up_a_branch_pk_and_finds_it_listed(client, hq_headers):
    created = await create(client, hq_headers)
    listed = await (await client.get("/api/v1/contests", headers=hq_headers)).json()

    assert [(t["code"], t["name"]) for t in created["teams"]] == [("BJ", "北京分公司"), ("SH", "上海分公司")]
    assert created["daily_team_target"] == "1000.00" and created["prizes"]["final_teams"] == [100, 50]
    assert [c["id"] for c in listed] == [created["id"]]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"end_date": (TOMORROW - timedelta(days=1)).isoformat()}, "end_date"),
        ({"teams": {"branches": ["SH", "NOPE"]}}, "teams.branches"),
        ({"teams": {"squads": [*SQUADS, {"code": "C", "name": "丙", "stores": ["NOPE"]}]}}, "teams.squads.2.stores"),
        ({"teams": {"squads": [*SQUADS, {"code": "C", "name": "丙", "guides": ["nobody"]}]}}, "teams.squads.2.guides"),
        ({"teams": {"squads": [*SQUADS, {"code": "C", "name": "丙", "stores": ["SH01"]}]}}, "teams.squads"),
        ({"teams": {"squads": [{**SQUADS[0], "guides": ["lisi"]}, {**SQUADS[1], "guides": ["lisi"]}]}}, "teams.squads"),
        ({"daily_team_target": -1}, "daily_team_target"),
        ({"metric": "coins"}, "metric"),
        ({"start_date": (TOMORROW - timedelta(days=1)).isoformat()}, "start_date"),
    ],
    ids=["end-before-start", "unknown-branch", "unknown-store", "unknown-guide", "store-in-two-squads",
         "guide-in-two-squads", "negative-target", "unknown-metric", "starts-today"],
)  # fmt: skip
async def test_a_bad_contest_answers_422_naming_the_field(client, hq_headers, change, field):
    response = await client.post("/api/v1/contests", json=body(**change), headers=hq_headers)

    assert response.status == 422
    assert field in {f["field"] for f in (await response.json())["error"]["fields"]}


async def test_every_wrong_field_is_named_at_once(client, hq_headers):
    bad = body(daily_team_target=-5, teams={"branches": ["SH", "NOPE"]}, end_date="2020-01-01")

    response = await client.post("/api/v1/contests", json=bad, headers=hq_headers)

    assert {f["field"] for f in (await response.json())["error"]["fields"]} >= {
        "daily_team_target", "teams.branches", "end_date"
    }  # fmt: skip


async def test_a_day_not_over_yet_is_a_conflict_and_one_outside_the_contest_a_422(client, hq_headers):
    contest = await create(client, hq_headers)
    settle = f"/api/v1/contests/{contest['id']}/settle"

    not_over = await client.post(f"{settle}?day={TOMORROW}", headers=hq_headers)
    outside = await client.post(f"{settle}?day={TOMORROW - timedelta(days=3)}", headers=hq_headers)

    assert not_over.status == 409 and "has not ended yet" in (await not_over.json())["error"]["message"]
    assert outside.status == 422 and (await outside.json())["error"]["fields"][0]["field"] == "day"


async def test_settling_over_http_answers_the_day_and_its_results_list_it(client, hq_headers, services):
    contest_id = await settled_last_week(services)
    first = (await (await client.get("/api/v1/contests", headers=hq_headers)).json())[0]["start_date"]

    settled = await client.post(f"/api/v1/contests/{contest_id}/settle?day={first}", headers=hq_headers)
    again = await client.post(f"/api/v1/contests/{contest_id}/settle?day={first}", headers=hq_headers)
    results = await (await client.get(f"/api/v1/contests/{contest_id}/results", headers=hq_headers)).json()
    corrections = await client.get(f"/api/v1/contests/{contest_id}/corrections", headers=hq_headers)

    assert settled.status == 200 and await again.json() == await settled.json()
    assert [(t["code"], t["total"], t["members"]) for t in (await settled.json())["teams"]] == [
        ("BJ", "0.00", 2), ("SH", "0.00", 2)
    ]  # fmt: skip
    assert [d["day"] for d in results["days"]] == [first] and results["final"] is None
    assert await corrections.json() == []


async def test_the_standing_reads_per_capita_on_request(client, hq_headers):
    contest = await create(client, hq_headers)

    standing = await client.get(f"/api/v1/contests/{contest['id']}/standing?by=per_capita", headers=hq_headers)

    assert standing.status == 200
    assert (await standing.json())["by"] == "per_capita"
    assert [t["per_capita"] for t in (await standing.json())["teams"]] == ["0.00", "0.00"]


async def test_an_unknown_contest_is_404(client, hq_headers):
    assert (await client.get("/api/v1/contests/999/results", headers=hq_headers)).status == 404
