"""HQ reads any board through the API: top N, a member's neighbourhood, and 422s naming the wrong field."""

import pytest

from tests.support.org import import_small_org
from tests.support.tasks import today


@pytest.fixture
async def org(services):
    await import_small_org()


async def post_sale(client, hq_headers, order_id: str, guide: str, amount: str) -> None:
    body = {"order_id": order_id, "guide": guide, "amount": amount, "sold_at": today().isoformat()}
    response = await client.post("/api/v1/sales", json=body, headers=hq_headers)
    assert response.status == 200, await response.text()


async def test_a_board_answers_its_top_and_a_members_neighbourhood(client, hq_headers, org):
    await post_sale(client, hq_headers, "A1", "lisi", "2000")
    await post_sale(client, hq_headers, "A2", "zhangsan", "1200.50")

    response = await client.get(
        "/api/v1/boards", params={"metric": "sales", "scope": "guide", "period": "week", "around": "zhangsan"},
        headers=hq_headers,
    )  # fmt: skip
    board = await response.json()

    assert response.status == 200
    assert board["period"].startswith("week:")
    assert [(s["rank"], s["name"], s["value"]) for s in board["top"]] == [
        (1, "李四", "2000.00"),
        (2, "张三", "1200.50"),
    ]
    assert [s["member"] for s in board["around"]] == ["lisi", "zhangsan"]


async def test_counts_are_integers(client, hq_headers, org):
    await post_sale(client, hq_headers, "A1", "lisi", "2000")

    response = await client.get("/api/v1/boards", params={"metric": "orders", "scope": "store"}, headers=hq_headers)

    assert [(s["member"], s["value"]) for s in (await response.json())["top"]] == [("SH02", 1)]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"period": "week:2026-W5"}, "period"),
        ({"period": "day:2026-02-30"}, "period"),
        ({"metric": "profit"}, "metric"),
        ({"n": "0"}, "n"),
    ],
)
async def test_a_bad_query_is_a_422_naming_the_field(client, hq_headers, params, field):
    response = await client.get("/api/v1/boards", params=params, headers=hq_headers)

    assert response.status == 422
    assert [f["field"] for f in (await response.json())["error"]["fields"]] == [field]
