"""The HQ task and sales API, and the tracked share link, over HTTP."""

from datetime import timedelta
from decimal import Decimal

import pytest

from tasks.schemas import SaleIn
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
        ("share_post", {"target": 3}, "target"),
        ("attend_training", {"target": 2}, "target"),
    ],
    ids=[
        "end-before-start",
        "empty-audience",
        "zero-target",
        "unknown-store",
        "share-without-material",
        "wrong-metric",
        "share-tapped-three-times",
        "training-attended-twice",
    ],
)
async def test_an_invalid_task_answers_422_naming_the_field(client, hq_headers, org, kind, change, field):
    response = await client.post("/api/v1/tasks", json={**body(kind), **change}, headers=hq_headers)

    assert response.status == 422
    assert field in {f["field"] for f in (await response.json())["error"]["fields"]}


@pytest.mark.parametrize(
    "hours",
    [[0], [721], [24, 24], ["2"], [2.5], [48, 24, 12, 6, 2, 1], 24],
    ids=["zero", "past-30-days", "twice", "string", "fraction", "six", "not-a-list"],
)
async def test_bad_reminder_hours_answer_422_naming_them(client, hq_headers, org, hours):
    response = await client.post("/api/v1/tasks", json={**body(), "reminder_hours": hours}, headers=hq_headers)

    assert response.status == 422
    assert any(f["field"].startswith("reminder_hours") for f in (await response.json())["error"]["fields"])


async def test_a_task_reminds_at_24_and_2_hours_unless_it_names_its_own_hours(client, hq_headers, org):
    default = await create(client, hq_headers)
    own = await create(client, hq_headers, reminder_hours=[6, 48])
    silent = await create(client, hq_headers, reminder_hours=[])

    assert [task["reminder_hours"] for task in (default, own, silent)] == [[24, 2], [48, 6], []]


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
    await services.progress.count_new_fan("zhangsan", 1, today())

    response = await client.get(f"/api/v1/tasks/{task['id']}/progress?format=csv", headers=hq_headers)

    assert response.content_type == "text/csv"
    lines = (await response.text()).lstrip("\ufeff").splitlines()
    assert lines[0].startswith("导购账号,姓名,门店,分公司,进度,目标,已完成")
    assert "zhangsan,张三,SH01,SH,1,1,是" in lines[2]


async def test_the_task_list_shows_the_completion_rate(client, hq_headers, org, services):
    task = await create(client, hq_headers, target=1)
    await client.post(f"/api/v1/tasks/{task['id']}/publish", headers=hq_headers)
    await services.progress.count_new_fan("lisi", 1, today())

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
    code = await services.share_links.code("zhangsan", task["id"])

    for browser in ("iPhone", "iPhone", "iPhone", "Android"):
        if browser == "Android":
            client.session.cookie_jar.clear()  # another browser: no cookie of ours yet
        response = await client.get(f"/s/{code}", headers={"User-Agent": browser}, allow_redirects=False)
        assert (response.status, response.headers["Location"]) == (302, "https://shop.example.com/new")

    assert (await services.progress.assignment("zhangsan", task["id"])).visitors == 2


async def test_an_unknown_share_link_is_404(client):
    assert (await client.get("/s/nothing")).status == 404


async def test_every_wrong_field_of_a_task_is_named_in_one_answer(client, hq_headers, org):
    wrong = {"target": 0, "end_date": str(today().date() - timedelta(days=9)), "audience": {"stores": ["NOPE"]}}

    response = await client.post("/api/v1/tasks", json={**body(), **wrong}, headers=hq_headers)

    assert response.status == 422
    assert {f["field"] for f in (await response.json())["error"]["fields"]} == {
        "target",
        "end_date",
        "audience.stores",
    }


@pytest.mark.parametrize("body", ["[]", '"a task"', "42"])
async def test_a_body_that_is_no_object_is_a_422_naming_the_body(client, hq_headers, org, body):
    response = await client.post("/api/v1/tasks", data=body, headers={**hq_headers, "Content-Type": "application/json"})

    assert response.status == 422
    assert (await response.json())["error"]["fields"] == [{"field": "body", "message": "must be a JSON object"}]


async def test_a_task_answers_counts_as_integers(client, hq_headers, org):
    task = await create(client, hq_headers, target=2)

    assert (task["target"], task["assigned"]) == (2, 0)


async def test_a_number_where_a_date_belongs_is_refused(client, hq_headers, org):
    response = await client.post("/api/v1/tasks", json={**body(), "start_date": 20260501}, headers=hq_headers)

    assert response.status == 422
    assert [f["field"] for f in (await response.json())["error"]["fields"]] == ["start_date"]


def sale(**overrides) -> dict:
    return {"order_id": "POS-9", "guide": "zhangsan", "store": "SH01", "amount": "1200",
            "sold_at": "2026-05-01T14:30:00+08:00", **overrides}  # fmt: skip


async def test_a_sale_for_an_unknown_guide_is_refused_naming_the_guide(client, hq_headers, org):
    response = await client.post("/api/v1/sales", json=sale(guide="nobody"), headers=hq_headers)

    assert response.status == 422
    assert [f["field"] for f in (await response.json())["error"]["fields"]] == ["guide"]


@pytest.mark.parametrize(
    "respelled",
    [{"amount": "1200.00"}, {"amount": 1200}, {"sold_at": "2026-05-01T06:30:00Z"}],
    ids=["decimal-places", "number", "same-instant-in-utc"],
)
async def test_the_same_order_spelled_differently_is_the_same_order(client, hq_headers, org, respelled):
    first = await client.post("/api/v1/sales", json=sale(), headers=hq_headers)

    again = await client.post("/api/v1/sales", json=sale(**respelled), headers=hq_headers)

    assert again.status == 200
    assert await again.json() == await first.json()


async def test_the_same_order_with_another_amount_is_a_conflict(client, hq_headers, org):
    await client.post("/api/v1/sales", json=sale(), headers=hq_headers)

    response = await client.post("/api/v1/sales", json=sale(amount="1300"), headers=hq_headers)

    assert response.status == 409


async def test_money_is_answered_as_a_decimal_string(client, hq_headers, org):
    answer = await (await client.post("/api/v1/sales", json=sale(amount=1200), headers=hq_headers)).json()

    assert (answer["amount"], answer["orders"]) == ("1200.00", 1)


async def self_report(services, orders=2, amount="300") -> int:
    data = SaleIn(order_id=f"chat:{orders}:{amount}", guide="zhangsan", store="SH01", amount=Decimal(amount),
                  orders=orders, channel="chat", sold_at=today())  # fmt: skip
    sale, counted = await services.sales.record(data, self_reported=True)
    assert counted == []
    return sale.id


async def test_hq_lists_the_self_reports_waiting_for_review(client, hq_headers, org, services):
    sale_id = await self_report(services)
    await client.post("/api/v1/sales", json=sale(sold_at=today().isoformat()), headers=hq_headers)

    pending = await (await client.get("/api/v1/sales?review=pending", headers=hq_headers)).json()

    assert [(s["id"], s["review"], s["self_reported"]) for s in pending] == [(sale_id, "pending", True)]


async def test_confirming_a_self_report_counts_it_once(client, hq_headers, org, services):
    task = await create(client, hq_headers, kind="sales_target", target=1000)
    await client.post(f"/api/v1/tasks/{task['id']}/publish", headers=hq_headers)
    sale_id = await self_report(services, amount="300")

    answers = [await client.post(f"/api/v1/sales/{sale_id}/confirm", headers=hq_headers) for _ in range(2)]

    first, second = [await a.json() for a in answers]
    assert (first["review"], first["counted_in_tasks"]) == ("confirmed", [task["id"]])
    assert second == first
    progress = await (await client.get(f"/api/v1/tasks/{task['id']}/progress", headers=hq_headers)).json()
    assert [row["progress"] for row in progress if row["guide"] == "zhangsan"] == ["300.00"]


async def test_a_rejected_self_report_never_counts(client, hq_headers, org, services):
    task = await create(client, hq_headers, kind="sales_target", target=1000)
    await client.post(f"/api/v1/tasks/{task['id']}/publish", headers=hq_headers)
    sale_id = await self_report(services)

    rejected = await client.post(f"/api/v1/sales/{sale_id}/reject", headers=hq_headers)
    confirm = await client.post(f"/api/v1/sales/{sale_id}/confirm", headers=hq_headers)

    assert ((await rejected.json())["review"], (await rejected.json())["counted_in_tasks"]) == ("rejected", [])
    assert confirm.status == 409
    assert (await services.progress.assignment("zhangsan", task["id"])).progress == 0


async def test_a_store_reported_sale_is_not_up_for_review(client, hq_headers, org):
    posted = await (await client.post("/api/v1/sales", json=sale(), headers=hq_headers)).json()

    response = await client.post(f"/api/v1/sales/{posted['id']}/confirm", headers=hq_headers)

    assert (posted["review"], response.status) == ("none", 409)


async def share_link(client, hq_headers, services) -> tuple[int, str]:
    task = await create(client, hq_headers, kind="share_post", metric="visitors")
    await client.post(f"/api/v1/tasks/{task['id']}/publish", headers=hq_headers)
    return task["id"], await services.share_links.code("zhangsan", task["id"])


async def test_a_visitor_is_known_by_a_first_party_cookie(client, hq_headers, org, services):
    task_id, code = await share_link(client, hq_headers, services)

    first = await client.get(f"/s/{code}", allow_redirects=False)
    cookie = first.cookies["gb_v"]
    client.session.cookie_jar.clear()
    headers = {"User-Agent": "another browser", "Cookie": f"gb_v={cookie.value}"}
    await client.get(f"/s/{code}", allow_redirects=False, headers=headers)

    assert cookie["httponly"] and cookie["samesite"] == "Lax" and int(cookie["max-age"]) > 300 * 24 * 3600
    assert (await services.progress.assignment("zhangsan", task_id)).visitors == 1


async def test_customers_behind_the_same_balancer_count_apart(client, hq_headers, org, services):
    task_id, code = await share_link(client, hq_headers, services)
    client.session.cookie_jar.clear()

    for customer in ("cookie-a-0123456789", "cookie-b-0123456789"):
        await client.get(f"/s/{code}", allow_redirects=False, cookies={"gb_v": customer})

    assert (await services.progress.assignment("zhangsan", task_id)).visitors == 2


async def test_a_share_code_longer_than_any_code_is_404_and_not_logged(client, caplog):
    code = "x" * 40

    response = await client.get(f"/s/{code}")

    assert response.status == 404
    assert code not in caplog.text


async def test_chinese_in_answers_is_readable(client, hq_headers, org):
    await create(client, hq_headers)

    text = await (await client.get("/api/v1/tasks", headers=hq_headers)).text()

    assert "五一吸粉冲刺" in text
