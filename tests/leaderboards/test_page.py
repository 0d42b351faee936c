"""The leaderboard page (/leaderboard): Chinese, readable without JavaScript, nothing from another host."""

import re
from datetime import timedelta

import pytest

from config.keys import page_link_key
from leaderboards.links import Holder, PageLinks
from tests.support.clock import FakeClock


async def page(client, query: str = "") -> str:
    response = await client.get(f"/leaderboard{'?' + query if query else ''}")
    assert response.status == 200
    assert response.content_type == "text/html"
    return await response.text()


def tab_links(html: str, label: str) -> list[str]:
    nav = re.search(rf'<nav class="tabs" aria-label="{label}">(.*?)</nav>', html, re.S)[1]
    return re.findall(r">([^<]+)</a>", nav)


async def test_the_default_board_is_todays_guide_sales(client, services):
    today = services.clock.today()

    html = await page(client)

    assert f"<h2>{today.month}月{today.day}日 · 销售额 · 导购榜</h2>" in html


async def test_metric_scope_and_period_are_plain_links(client):
    html = await page(client)

    assert tab_links(html, "指标") == ["销售额", "订单数", "净增粉丝", "分享", "金币", "完成任务"]
    assert tab_links(html, "范围") == ["导购", "门店", "分公司", "大区", "战队"]
    assert tab_links(html, "周期") == ["今日", "本周", "本月"]
    assert 'href="?metric=orders&amp;scope=guide&amp;period=day"' in html


async def test_a_tab_shows_its_board(client, services):
    week = services.clock.today().isocalendar()

    html = await page(client, "metric=fans&scope=store&period=week")

    assert f"<h2>{week.year}年第{week.week}周 · 净增粉丝 · 门店榜</h2>" in html
    assert '<a href="?metric=fans&amp;scope=store&amp;period=week" class="active" aria-current="page">本周</a>' in html


async def test_a_named_period_shows_that_period(client):
    assert "<h2>11月11日 · 订单数 · 导购榜</h2>" in await page(client, "metric=orders&period=day:2026-11-11")


@pytest.mark.parametrize("query", ["metric=gmv", "scope=planet", "period=year", "period=day:2026-13-45", "metric="])
async def test_an_unknown_choice_shows_the_default_board(client, query):
    assert "销售额 · 导购榜</h2>" in await page(client, query)


async def test_the_page_loads_nothing_from_another_host(client):
    html = await page(client)

    addresses = re.findall(r'(?:src|href)="([^"]*)"', html)
    assert addresses and all(address.startswith(("/", "?")) for address in addresses)


@pytest.mark.parametrize("path", ["/leaderboard/static/leaderboard.css", "/leaderboard/static/live.js"])
async def test_the_style_and_the_script_are_served_from_the_repository(client, path):
    response = await client.get(path)

    assert response.status == 200


async def test_without_javascript_the_page_reloads_itself_now_and_then(client):
    assert '<noscript><meta http-equiv="refresh" content="60"></noscript>' in await page(client)


async def test_the_board_fragment_is_the_board_alone(client):
    response = await client.get("/leaderboard/board?metric=orders&period=week")
    html = await response.text()

    assert response.status == 200
    assert html.startswith("<h2>") and "<html" not in html and "订单数" in html


async def test_an_altered_link_shows_the_public_page_with_a_notice(client):
    html = await page(client, "link=eyJ4IjoxfQ.AAAAAAAAAAAAAAAAAAAAAA")

    assert "这个链接无效，下面是公开排行榜" in html
    assert "link=" not in html  # an altered link is not carried into the tabs


async def test_an_expired_link_shows_the_public_page_with_a_notice(client, settings, services):
    eight_days_ago = FakeClock(services.clock.now() - timedelta(days=8))
    expired = PageLinks(page_link_key(settings), eight_days_ago, public_url=settings.public_url)

    html = await page(client, f"link={expired.token(Holder(guide='zhangsan'))}")

    assert "这个链接已过期，下面是公开排行榜" in html


async def test_a_valid_link_stays_in_the_tabs_and_the_live_urls(client, services):
    token = services.page_links.token(Holder(guide="zhangsan"))

    html = await page(client, f"link={token}")

    assert html.count(f"link={token}") == 3 + 5 + 6 + 2  # every tab, the fragment and the stream


async def test_a_guides_page_is_not_cached_and_sends_no_referrer(client):
    response = await client.get("/leaderboard")

    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
