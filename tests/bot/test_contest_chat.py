"""Guides in a PK from WeCom: 「PK」 for the standing and the gap, 「加油」 for their team, 「心得」 after a win."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from bot.events import parse_event
from contests.book import ContestBook
from contests.models import Cheer
from tasks.schemas import SaleIn
from tests.support.clock import FakeClock
from tests.support.contests import contest_in, import_pk_org
from tests.support.tasks import SHANGHAI
from tests.support.wecom import text_xml

NOW = datetime.now(UTC)
TODAY = NOW.astimezone(SHANGHAI).date()


@pytest.fixture
async def org(services):
    await import_pk_org()


@pytest.fixture
async def pk(org):
    """上海 against 北京 on sales, from yesterday to tomorrow (set up the day before yesterday)."""
    start = TODAY - timedelta(days=1)
    return await ContestBook(FakeClock(NOW - timedelta(days=2))).create(
        contest_in(start_date=start.isoformat(), end_date=(TODAY + timedelta(days=1)).isoformat())
    )


async def say(services, content: str, guide: str = "zhangsan", msg_id: str = "M1") -> str:
    event = parse_event(text_xml(guide, content, msg_id=msg_id, create_time=int(NOW.timestamp())))
    return (await services.dispatcher.feed(event, inbox_key=f"msg:{msg_id}")).content


async def sell(services, order_id: str, guide: str, amount: str, when: datetime = NOW, orders: int = 1):
    await services.sales.record(
        SaleIn(order_id=order_id, guide=guide, amount=Decimal(amount), orders=orders, sold_at=when)
    )


async def test_pk_shows_the_table_my_team_and_the_gap_to_the_team_ahead(services, pk):
    await sell(services, "BJ-1", "wangwu", "900")
    await sell(services, "SH-1", "zhangsan", "300")

    reply = await say(services, "PK")

    first, last = (f"{day.month}月{day.day}日" for day in (pk.contest.start_date, pk.contest.end_date))
    assert reply.splitlines() == [
        f"🏆 五一业绩PK（{first}—{last}，按总量）",
        "1. 北京分公司 ¥900",
        "2. 上海分公司 ¥300 ← 我的战队",
        "距第 1 名 北京分公司 差 ¥600",
        "今天：战队 ¥300（目标 ¥1,000 的 30%），我 ¥300",
    ]


async def test_pk_without_a_contest_says_so(services, org):
    assert await say(services, "pk") == "你现在没有参加进行中的 PK 赛。"


async def test_a_cheer_is_kept_for_the_guides_team_and_a_second_one_must_wait(services, pk):
    first = await say(services, "加油 今天破万！", msg_id="C1")
    retried = await say(services, "加油 今天破万！", msg_id="C1")
    too_soon = await say(services, "加油 再来十单", msg_id="C2")

    assert first == retried == "📣 已为「上海分公司」加油：今天破万！"
    assert too_soon.startswith("喊得太快啦")
    assert [(c.team_code, c.guide_name, c.text) for c in await Cheer.all()] == [("SH", "张三", "今天破万！")]


async def test_a_cheer_too_long_is_refused_and_kept_nowhere(services, pk):
    reply = await say(services, "加油 " + "冲" * 51)

    assert "最多 50 个字" in reply
    assert await Cheer.all().count() == 0


async def test_a_winner_shares_a_tip_the_day_after_and_others_are_told_when_they_can(services, org):
    yesterday_noon = (NOW - timedelta(days=1)).astimezone(SHANGHAI).replace(hour=12)
    await sell(services, "Z-1", "zhangsan", "99", when=yesterday_noon, orders=5)
    await services.benchmarks.select()

    shared = await say(services, "心得 先加微信再推荐新品", msg_id="T1")
    refused = await say(services, "心得 我也有经验", guide="lisi", msg_id="T2")

    assert shared == "👍 心得已收到，会和你的「开单达人」称号一起展示。"
    assert refused == "当选标杆导购的第二天内才能分享心得哦，继续加油！"
    assert [p.tip for p in await services.benchmarks.picks(yesterday_noon.date()) if p.guide_userid] == [
        "先加微信再推荐新品"
    ]


async def test_help_lists_pk_cheers_and_tips(services):
    reply = await say(services, "帮助")

    assert "PK / 战况：战队排名和与前一名的差距" in reply
    assert "加油 / cheer：为战队加油" in reply and "心得 / tip：当选标杆导购后分享经验" in reply
