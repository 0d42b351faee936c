"""The HQ benchmark API over HTTP: select a day (once), and the history."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from tasks.schemas import SaleIn
from tests.support.contests import import_pk_org
from tests.support.tasks import SHANGHAI

TODAY = datetime.now(UTC).astimezone(SHANGHAI).date()
YESTERDAY = TODAY - timedelta(days=1)


@pytest.fixture(autouse=True)
async def org(client):
    await import_pk_org()


async def test_selecting_yesterday_names_and_answers_its_titles_once(client, hq_headers, services):
    noon = datetime.combine(YESTERDAY, datetime.min.time(), tzinfo=SHANGHAI) + timedelta(hours=12)
    await services.sales.record(
        SaleIn(order_id="L-1", guide="lisi", amount=Decimal(888), orders=3, channel="share", sold_at=noon)
    )

    first = await client.post("/api/v1/benchmarks/select", headers=hq_headers)
    again = await client.post(f"/api/v1/benchmarks/select?day={YESTERDAY}", headers=hq_headers)

    assert first.status == 200 and await again.json() == await first.json()
    assert [(p["title_name"], p["guide"], p["figure"]) for p in await first.json()] == [
        ("开单达人", "lisi", 3), ("拔草之王", "lisi", "888.00")
    ]  # fmt: skip


async def test_today_cannot_be_selected_before_it_ends(client, hq_headers):
    response = await client.post(f"/api/v1/benchmarks/select?day={TODAY}", headers=hq_headers)

    assert response.status == 409
    assert (await response.json())["error"]["fields"][0]["field"] == "day"


async def test_the_history_answers_the_span_asked_for(client, hq_headers):
    await client.post("/api/v1/benchmarks/select", headers=hq_headers)

    history = await client.get(f"/api/v1/benchmarks?from={YESTERDAY}&to={TODAY}", headers=hq_headers)
    backwards = await client.get(f"/api/v1/benchmarks?from={TODAY}&to={YESTERDAY}", headers=hq_headers)

    assert [(p["day"], p["guide"]) for p in await history.json()] == [(str(YESTERDAY), None)] * 2
    assert backwards.status == 422 and (await backwards.json())["error"]["fields"][0]["field"] == "to"
