"""A contest's live page: the teams' standings and the cheer wall, escaped; a private contest opens only with a link."""

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest

from contests.book import ContestBook
from contests.models import Cheer
from tests.contests.test_views import create
from tests.support.clock import FakeClock
from tests.support.contests import contest_in, import_pk_org
from tests.support.tasks import SHANGHAI

HOSTILE = "<script>alert(1)</script>冲呀"


@pytest.fixture(autouse=True)
async def org(client):
    await import_pk_org()


async def page(client, url: str):
    parts = urlsplit(url)
    return await client.get(parts.path + (f"?{parts.query}" if parts.query else ""))


async def test_the_contest_page_shows_the_teams_and_the_cheers_escaped(client, hq_headers):
    contest = await create(client, hq_headers)
    await Cheer.create(
        contest_id=contest["id"], team_code="SH", guide_userid="zhangsan", guide_name="张三",
        text=HOSTILE, source="m1", created_at=datetime.now(UTC),
    )  # fmt: skip

    response = await page(client, contest["page_url"])
    html = await response.text()

    assert response.status == 200
    assert "上海分公司" in html and "北京分公司" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;冲呀" in html
    assert "<script>alert(1)" not in html


async def test_a_private_contest_page_is_closed_without_its_link(client, hq_headers):
    contest = await create(client, hq_headers, private=True)

    response = await client.get(f"/leaderboard/contests/{contest['id']}")

    assert response.status == 403
    assert "专属链接" in await response.text()


async def test_a_private_contest_page_opens_with_the_link_hq_got(client, hq_headers):
    contest = await create(client, hq_headers, private=True)

    response = await page(client, contest["page_url"])

    assert response.status == 200
    assert "五一业绩PK" in await response.text()


async def test_a_guide_who_plays_opens_a_private_contest_with_their_own_link(client, hq_headers, services):
    contest = await create(client, hq_headers, private=True)
    token = urlsplit(services.page_links.for_guide("wangwu")).query

    response = await client.get(f"/leaderboard/contests/{contest['id']}?{token}")

    assert response.status == 200


async def test_a_forged_link_does_not_open_a_private_contest(client, hq_headers):
    contest = await create(client, hq_headers, private=True)
    forged = contest["page_url"][:-3] + "AAA"

    assert (await page(client, forged)).status == 403


async def test_an_unknown_contest_page_is_a_404(client):
    assert (await client.get("/leaderboard/contests/999")).status == 404


async def running_since_yesterday() -> int:
    """A week-long contest that began yesterday (set up through the service with the clock of the day before)."""
    then = datetime.now(UTC) - timedelta(days=2)
    start = (then.astimezone(SHANGHAI) + timedelta(days=1)).date()
    running = await ContestBook(FakeClock(then)).create(
        contest_in(start_date=start.isoformat(), end_date=(start + timedelta(days=6)).isoformat())
    )
    return running.id


async def test_the_contest_page_draws_the_teams_as_bars_server_side(client):
    html = await (await client.get(f"/leaderboard/contests/{await running_since_yesterday()}")).text()

    assert '<svg role="img" aria-label="各战队累计成绩"' in html
    assert html.count("<rect") == 2
