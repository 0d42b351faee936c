"""The page over real boards: names are text, a guide's link marks their own row, and no one's id is shown.

Guide and store names come from HQ's organisation import: user-provided text, printed escaped.
"""

import re

import pytest

from leaderboards import page as page_module
from leaderboards.links import Holder
from org.schemas import OrgImport
from org.service import OrgService

HOSTILE_GUIDE = '<script>alert("导购")</script>'
HOSTILE_STORE = '"><img src=x onerror=alert(1)>店'
HOSTILE_STORE_AS_TEXT = "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;店"

ORG = OrgImport.model_validate(
    {
        "regions": [{"code": "EAST", "name": "华东大区"}],
        "branches": [{"code": "SH", "name": "上海分公司", "region": "EAST"}],
        "stores": [
            {"code": "SH01", "name": HOSTILE_STORE, "branch": "SH"},
            {"code": "SH02", "name": "徐家汇店", "branch": "SH"},
        ],
        "guides": [
            {"userid": "zhangsan", "name": HOSTILE_GUIDE, "store": "SH01"},
            {"userid": "lisi", "name": "李四", "store": "SH02"},
            {"userid": "wangwu", "name": "王五", "store": "SH02"},
        ],
        "teams": [{"code": "TEAM-SH", "name": "申城战狼队", "members": ["zhangsan", "lisi"]}],
    }
)


@pytest.fixture
async def sell(client, services, hq_headers):
    await OrgService().import_org(ORG)
    orders = iter(range(1, 1000))

    async def sell_(guide: str, amount: int) -> None:
        line = {
            "order_id": f"O-{next(orders)}",
            "guide": guide,
            "store": "SH01" if guide == "zhangsan" else "SH02",
            "amount": amount,
            "sold_at": services.clock.now().isoformat(),
        }
        response = await client.post("/api/v1/sales", json=line, headers=hq_headers)
        assert response.status == 200, await response.text()

    return sell_


async def html_of(client, query: str) -> str:
    response = await client.get(f"/leaderboard?{query}")
    assert response.status == 200
    return await response.text()


def rows(html: str) -> list[tuple[str, str, str, str]]:
    """(class, rank, name, value) of every board row, names as the browser shows them."""
    found = re.findall(
        r'<tr class="([^"]*)"[^>]*><td class="rank">(\d+)</td><td class="name">([^<]*)</td><td class="value">([^<]*)</td>',
        html,
    )
    return [(cls.strip(), rank, name, value) for cls, rank, name, value in found]


async def test_a_guides_name_is_printed_as_text(client, sell):
    await sell("zhangsan", 100)

    html = await html_of(client, "metric=sales&scope=guide&period=day")

    assert "&lt;script&gt;alert(&#34;导购&#34;)&lt;/script&gt;" in html
    assert "<script>alert" not in html


async def test_a_stores_name_is_printed_as_text(client, sell):
    await sell("zhangsan", 100)

    html = await html_of(client, "metric=sales&scope=store&period=day")

    assert HOSTILE_STORE_AS_TEXT in html
    assert "<img" not in html


async def test_the_board_fragment_escapes_names_too(client, sell):
    await sell("zhangsan", 100)

    html = await (await client.get("/leaderboard/board?metric=sales&scope=guide&period=day")).text()

    assert "&lt;script&gt;" in html and "<script>" not in html


async def test_the_board_shows_rank_name_and_figure_with_ties_sharing_a_rank(client, sell):
    await sell("lisi", 1280)
    await sell("wangwu", 1280)
    await sell("zhangsan", 99)

    html = await html_of(client, "metric=sales&scope=guide&period=day")

    assert [row[1:] for row in rows(html)] == [
        ("1", "李四", "¥1,280"),
        ("1", "王五", "¥1,280"),
        ("3", "&lt;script&gt;alert(&#34;导购&#34;)&lt;/script&gt;", "¥99"),
    ]


async def test_a_guides_link_highlights_their_own_row_only(client, services, sell):
    await sell("lisi", 500)
    await sell("wangwu", 300)
    token = services.page_links.token(Holder(guide="wangwu"))

    html = await html_of(client, f"metric=sales&scope=guide&period=day&link={token}")

    assert [(row[0], row[2]) for row in rows(html)] == [("top1", "李四"), ("top2 mine", "王五")]


async def test_a_guides_page_tells_their_rank_above_the_board_and_links_to_their_row(client, services, sell):
    await sell("lisi", 500)
    await sell("wangwu", 300)
    token = services.page_links.token(Holder(guide="wangwu"))

    html = await html_of(client, f"metric=sales&scope=guide&period=day&link={token}")

    assert '<p class="me"><a href="#mine">我：第 2 名 · ¥300</a></p>' in html
    assert html.index('class="me"') < html.index("<table")
    assert '<tr class="top2 mine" id="mine"' in html


async def test_below_the_top_a_guides_link_shows_their_place(client, services, sell, monkeypatch):
    monkeypatch.setattr(page_module, "TOP_N", 1)
    await sell("lisi", 500)
    await sell("wangwu", 300)
    await sell("zhangsan", 100)
    token = services.page_links.token(Holder(guide="zhangsan"))

    html = await html_of(client, f"metric=sales&scope=guide&period=day&link={token}")

    assert "我的位置" in html
    assert [row[1] for row in rows(html) if "mine" in row[0]] == ["3"]


async def test_a_guide_not_on_the_board_yet_is_told_so(client, services, sell):
    await sell("lisi", 500)
    token = services.page_links.token(Holder(guide="wangwu"))

    html = await html_of(client, f"metric=sales&scope=guide&period=day&link={token}")

    assert "你还没有上这个榜" in html


async def test_the_page_shows_no_guides_id_even_to_a_guide(client, services, sell):
    for guide in ("zhangsan", "lisi", "wangwu"):
        await sell(guide, 100)
    token = services.page_links.token(Holder(guide="lisi"))

    for query in ("metric=sales&scope=guide&period=day", f"metric=sales&scope=guide&period=day&link={token}"):
        html = await html_of(client, query)
        assert not {"zhangsan", "lisi", "wangwu"} & set(re.findall(r"[a-z]+", html))


async def test_on_a_store_board_a_guides_link_highlights_their_store(client, services, sell):
    await sell("lisi", 500)
    await sell("zhangsan", 100)
    token = services.page_links.token(Holder(guide="wangwu"))

    html = await html_of(client, f"metric=sales&scope=store&period=week&link={token}")

    assert [(row[0], row[2]) for row in rows(html)] == [("top1 mine", "徐家汇店"), ("top2", HOSTILE_STORE_AS_TEXT)]


async def test_on_a_team_board_a_guide_in_no_team_is_told_they_are_not_on_it(client, services, sell):
    await sell("lisi", 500)
    token = services.page_links.token(Holder(guide="wangwu"))

    html = await html_of(client, f"metric=sales&scope=team&period=day&link={token}")

    assert [(row[0], row[2]) for row in rows(html)] == [("top1", "申城战狼队")]
    assert "你还没有上这个榜" in html
