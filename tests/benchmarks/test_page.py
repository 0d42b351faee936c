"""标杆专区: the last two weeks' benchmark guides with their figures and tips, escaped."""

from datetime import UTC, datetime

from benchmarks.models import BenchmarkPick


async def test_the_history_page_shows_each_days_winners_and_their_tips_escaped(client, services):
    today = services.clock.today()
    await BenchmarkPick.create(
        day=today, title="orders", title_name="开单达人", measure="orders", guide_userid="zhangsan",
        guide_name="张三", store_name="南京东路店", figure=7, coins=50, tip="<img src=x onerror=alert(1)>多聊两句",
        selected_at=datetime.now(UTC),
    )  # fmt: skip
    await BenchmarkPick.create(
        day=today, title="online_sales", title_name="拔草之王", measure="sales", selected_at=datetime.now(UTC)
    )

    response = await client.get("/leaderboard/benchmarks")
    html = await response.text()

    assert response.status == 200
    assert "开单达人" in html and "张三（南京东路店） 7 单" in html
    assert "拔草之王" in html and "今日空缺" in html
    assert "&lt;img src=x onerror=alert(1)&gt;多聊两句" in html


async def test_before_any_selection_the_page_says_so(client):
    assert "还没有评出标杆导购" in await (await client.get("/leaderboard/benchmarks")).text()
