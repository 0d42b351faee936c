"""The HQ task and sales API, and the tracked share link, over HTTP."""

from datetime import timedelta

import pytest

from tests.support.org import import_small_org
from tests.support.tasks import task_in, today


@pytest.fixture
async def org(client):
    await import_small_org()


def body(kind="add_fans", **overrides) -> dict:
    return task_in(kind, **overrides).model_dump(mode="json")


async def create(client, hq_headers, **overrides) -> dict:
    response = await client.post("/api/v1/tasks", json=body(**overrides), headers=hq_headers)
    assert response.status == 201, await response.text()
    return await response.json()


@pytest.mark.parametrize(
    ("kind", "change", "field"),
    [
        ("add_fans", {"end_date": str(today().date() - timedelta(days=9))}, "end_date"),
        ("add_fans", {"audience": {}}, "audience"),
        ("add_fans", {"target": 0}, "target"),
        ("add_fans", {"audience": {"stores": ["NOPE"]}}, "audience.stores"),
        ("share_post", {"material": None}, "material"),
        ("add_fans", {"metric": "orders"}, "metric"),
    ],
    ids=[
        "end-before-start",
        "empty-audience",
        "zero-target",
        "unknown-store",
        "share-without-material",
        "wrong-metric",
    ],
)
async def test_an_invalid_task_answers_422_naming_the_field(client, hq_headers, org, kind, change, field):
    response = await client.post("/api/v1/tasks", json={**body(kind), **change}, headers=hq_headers)

    assert response.status == 422
    assert field in {f["field"] for f in (await response.json())["error"]["fields"]}


async def test_publishing_pushes_one_template_card_to_the_audience(client, hq_headers, org, services, fake_wecom):
    task = await create(client, hq_headers)

    first = await client.post(f"/api/v1/tasks/{task['id']}/publish", headers=hq_headers)
    second = await client.post(f"/api/v1/tasks/{task['id']}/publish", headers=hq_headers)
    await services.outbox.drain()

    assert (first.status, second.status) == (200, 200)
    assert (await second.json())["assigned"] == 2
    [send] = fake_wecom.calls_to("message/send")
    assert send.json["msgtype"] == "template_card"
    assert sorted(send.json["touser"].split("|")) == ["lisi", "zhangsan"]
    assert [b["key"] for b in send.json["template_card"]["button_list"]] == [
        f"go:{task['id']}",
        f"done:{task['id']}",
        f"progress:{task['id']}",
    ]


async def test_a_draft_can_be_edited_but_a_published_task_cannot(client, hq_headers, org):
    task = await create(client, hq_headers)
    edited = await client.put(f"/api/v1/tasks/{task['id']}", json=body(target=9), headers=hq_headers)
    await client.post(f"/api/v1/tasks/{task['id']}/publish", headers=hq_headers)

    late = await client.put(f"/api/v1/tasks/{task['id']}", json=body(target=5), headers=hq_headers)

    assert (await edited.json())["target"] == 9
    assert late.status == 409


async def test_progress_downloads_as_csv_with_guide_names(client, hq_headers, org, services):
    task = await create(client, hq_headers, target=1)
    await client.post(f"/api/v1/tasks/{task['id']}/publish", headers=hq_headers)
    await services.tasks.count_new_fan("zhangsan", 1, today())

    response = await client.get(f"/api/v1/tasks/{task['id']}/progress?format=csv", headers=hq_headers)

    assert response.content_type == "text/csv"
    lines = (await response.text()).lstrip("\ufeff").splitlines()
    assert lines[0].startswith("guide,name,store,branch,progress,target,done")
    assert "zhangsan,张三,SH01,SH,1,1,True" in lines[2]


async def test_the_task_list_shows_the_completion_rate(client, hq_headers, org, services):
    task = await create(client, hq_headers, target=1)
    await client.post(f"/api/v1/tasks/{task['id']}/publish", headers=hq_headers)
    await services.tasks.count_new_fan("lisi", 1, today())

    [listed] = await (await client.get("/api/v1/tasks", headers=hq_headers)).json()

    assert (listed["completed"], listed["assigned"], listed["completion_rate"]) == (1, 2, 0.5)


async def test_branch_rollup(client, hq_headers, org):
    task = await create(client, hq_headers)
    await client.post(f"/api/v1/tasks/{task['id']}/publish", headers=hq_headers)

    rows = await (await client.get(f"/api/v1/tasks/{task['id']}/rollup?by=branch", headers=hq_headers)).json()

    assert rows == [{"code": "SH", "name": "上海分公司", "assigned": 2, "completed": 0, "completion_rate": 0.0}]


async def test_a_sale_posted_twice_answers_the_same_and_counts_once(client, hq_headers, org):
    task = await create(client, hq_headers, kind="sales_target", target=1000)
    await client.post(f"/api/v1/tasks/{task['id']}/publish", headers=hq_headers)
    line = {"order_id": "POS-1", "guide": "zhangsan", "store": "SH01", "amount": "1280.00", "orders": 1,
            "channel": "pos", "sold_at": today().isoformat()}  # fmt: skip

    answers = [await (await client.post("/api/v1/sales", json=line, headers=hq_headers)).json() for _ in range(2)]

    assert answers[0] == answers[1]
    assert answers[0]["counted_in_tasks"] == [task["id"]]
    progress = await (await client.get(f"/api/v1/tasks/{task['id']}/progress", headers=hq_headers)).json()
    assert progress[1]["progress"] == "1280.00"


async def test_a_sale_without_a_time_zone_is_refused(client, hq_headers, org):
    line = {"order_id": "POS-2", "guide": "zhangsan", "amount": "10", "sold_at": "2026-05-01T10:00:00"}

    response = await client.post("/api/v1/sales", json=line, headers=hq_headers)

    assert response.status == 422


async def test_the_share_link_redirects_and_counts_unique_visitors_per_day(client, hq_headers, org, services):
    task = await create(client, hq_headers, kind="share_post", metric="visitors")
    await client.post(f"/api/v1/tasks/{task['id']}/publish", headers=hq_headers)
    code = await services.tasks.share_link_code("zhangsan", task["id"])

    for agent in ("iPhone", "iPhone", "Android"):
        response = await client.get(f"/s/{code}", headers={"User-Agent": agent}, allow_redirects=False)
        assert (response.status, response.headers["Location"]) == (302, "https://shop.example.com/new")

    assert (await services.tasks.assignment("zhangsan", task["id"])).visitors == 2


async def test_an_unknown_share_link_is_404(client):
    assert (await client.get("/s/nothing")).status == 404
