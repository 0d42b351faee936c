"""The morning digest: each guide with an open task hears their tasks, yesterday's rank and their PK, once per slot."""

import pytest

from tests.digests.conftest import may, sell, set_progress
from tests.fakes.ports import SenderCrashed
from tests.support.contests import at
from tests.support.org import mark_left

SLOT = "morning-digest@2026-05-02T01:30:00Z"


@pytest.fixture
async def second_morning(create, publish, sales, clock):
    """The PK runs; 「五一拉新」 for everyone and 「五一业绩」 (¥2,000) for 南京东路店; day 1 is over.

    Day 1 sales: 张三 ¥800, 李四 ¥300, 王五 ¥600. 李四 and 赵六 have completed 「五一拉新」.
    """
    await create()
    fans = await publish()
    await publish(kind="sales_target", title="五一业绩", audience={"stores": ["SH01"]}, target=2000)
    clock.set(at(may(1), 10))
    await sell(sales, "SH-1", "zhangsan", "800", at(may(1), 10))
    await sell(sales, "SH-2", "lisi", "300", at(may(1), 11))
    await sell(sales, "BJ-1", "wangwu", "600", at(may(1), 12))
    await set_progress(fans, zhangsan=3, lisi=10, zhaoliu=12)
    clock.set(at(may(2), 9, 30))


async def test_each_guide_with_an_open_task_hears_their_tasks_rank_and_pk(second_morning, digests, notices):
    sent = await digests.send(may(2), SLOT)

    assert sent == 2
    assert notices.texts_to("zhangsan") == [
        "☀️ 早安！今天的任务：\n"
        "· 吸粉任务「五一拉新」 3/10，差 7 位粉丝\n"
        "· 业绩任务「五一业绩」 ¥800/¥2,000，差 ¥1,200\n"
        "昨日销售额：第 1 名（¥800）\n"
        "⚔️ 五一业绩PK：上海分公司 第 1 名 ¥1,100，保持住！"
    ]
    assert notices.texts_to("wangwu") == [
        "☀️ 早安！今天的任务：\n"
        "· 吸粉任务「五一拉新」 0/10，差 10 位粉丝\n"
        "昨日销售额：第 2 名（¥600）\n"
        "⚔️ 五一业绩PK：北京分公司 第 2 名 ¥600，距 上海分公司 差 ¥500"
    ]


async def test_a_guide_with_nothing_open_gets_nothing_even_with_a_rank_and_a_pk(second_morning, digests, notices):
    await digests.send(may(2), SLOT)

    assert notices.guides() == ["wangwu", "zhangsan"]
    assert notices.texts_to("lisi") == [] and notices.texts_to("zhaoliu") == []


async def test_a_guide_without_sales_yesterday_or_a_contest_gets_just_the_tasks(publish, digests, notices, clock):
    await publish(audience={"stores": ["BJ01"]})
    clock.set(at(may(1), 9, 30))

    await digests.send(may(1), "morning-digest@2026-05-01T01:30:00Z")

    assert notices.texts_to("zhaoliu") == ["☀️ 早安！今天的任务：\n· 吸粉任务「五一拉新」 0/10，差 10 位粉丝"]


async def test_no_open_task_anywhere_sends_nothing(create, digests, notices, clock):
    await create()
    clock.set(at(may(2), 9, 30))

    assert await digests.send(may(2), SLOT) == 0
    assert notices.sent == {}


async def test_the_slot_run_twice_sends_each_guide_one_digest(second_morning, digests, notices):
    await digests.send(may(2), SLOT)
    await digests.send(may(2), SLOT)

    assert sorted(notices.sent) == [f"digest:{SLOT}:wangwu", f"digest:{SLOT}:zhangsan"]


async def test_a_run_killed_half_way_and_run_again_sends_each_guide_once_and_skips_none(
    second_morning, digests, notices
):
    notices.crash_after = 1

    with pytest.raises(SenderCrashed):
        await digests.send(may(2), SLOT)
    half_way = notices.guides()
    await digests.send(may(2), SLOT)

    assert half_way == ["wangwu"]
    assert notices.guides() == ["wangwu", "zhangsan"]


async def test_the_next_morning_is_a_new_digest(second_morning, digests, notices, clock):
    await digests.send(may(2), SLOT)
    clock.set(at(may(3), 9, 30))
    await digests.send(may(3), "morning-digest@2026-05-03T01:30:00Z")

    assert len(notices.texts_to("zhangsan")) == 2


async def test_a_guide_who_left_gets_no_digest_though_their_task_is_open(second_morning, digests, notices):
    await mark_left("zhangsan")

    sent = await digests.send(may(2), SLOT)

    assert sent == 1
    assert notices.texts_to("zhangsan") == []
