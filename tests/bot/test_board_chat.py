"""A guide asks 排行 and sees where they, their store and their team stand, fed by real sales."""

from decimal import Decimal

import pytest

from bot.events import parse_event
from leaderboards.links import Holder
from tasks.schemas import SaleIn
from tests.support.org import import_small_org
from tests.support.tasks import today
from tests.support.wecom import text_xml


@pytest.fixture
async def org(services):
    await import_small_org()


async def say(services, content: str, guide: str = "zhangsan", msg_id: str = "M1") -> str:
    event = parse_event(text_xml(guide, content, msg_id=msg_id, create_time=int(today().timestamp())))
    return (await services.dispatcher.feed(event, inbox_key=f"msg:{msg_id}")).content


async def sell(services, order_id: str, guide: str, amount: str) -> None:
    await services.sales.record(SaleIn(order_id=order_id, guide=guide, amount=Decimal(amount), sold_at=today()))


async def test_rank_shows_my_place_today_and_this_week_with_my_store_and_team(services, org):
    await sell(services, "A1", "lisi", "2000")
    await sell(services, "A2", "zhangsan", "1200.50")

    reply = await say(services, "排行")

    assert reply.startswith("📊 张三的排名")
    assert "今日销售额：第 2 名（¥1,200.50）" in reply
    assert "本周销售额：第 2 名（¥1,200.50）" in reply
    assert "门店「南京东路店」本周：第 2 名（¥1,200.50）" in reply
    assert "战队「申城战狼队」本周：第 1 名（¥3,200.50）" in reply


async def test_rank_before_any_sale_encourages_instead_of_failing(services, org):
    reply = await say(services, "rank")

    assert "今日销售额：还没上榜，加油！" in reply
    assert "今日净增粉丝：还没上榜，加油！" in reply


async def test_help_lists_rank(services, org):
    assert "排行 / rank" in await say(services, "帮助")


async def test_rank_ends_with_my_own_signed_page_link(services, org):
    reply = await say(services, "排行")

    url = reply.splitlines()[-1].split("：", 1)[1]
    token = url.split("link=", 1)[1]
    assert url.startswith(f"{services.settings.public_url}/leaderboard?link=")
    assert services.page_links.read(token) == Holder(guide="zhangsan")
