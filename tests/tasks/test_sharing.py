"""A guide's tracked link: the 去完成 answer carries it, and its unique visitors are tallied (and counted)."""

from tests.tasks.conftest import PUBLIC_URL


async def test_unique_visitors_per_day_count_for_a_visitors_task(publish, share_links, progress):
    task = await publish("share_post", metric="visitors", target=2)
    code = await share_links.code("zhangsan", task.id)

    for visitor in ("a", "a", "b", "c"):
        assert await share_links.record_visit(code, visitor) == "https://shop.example.com/new"

    assignment = await progress.assignment("zhangsan", task.id)
    assert (assignment.visitors, assignment.progress) == (3, 3)


async def test_visitors_of_a_shares_task_are_tallied_but_not_counted(publish, share_links, progress):
    task = await publish("share_post")
    code = await share_links.code("zhangsan", task.id)

    await share_links.record_visit(code, "a")

    assignment = await progress.assignment("zhangsan", task.id)
    assert (assignment.visitors, assignment.progress) == (1, 0)


async def test_a_guide_keeps_one_link_per_task(publish, share_links):
    task = await publish("share_post")

    assert await share_links.code("zhangsan", task.id) == await share_links.code("zhangsan", task.id)
    assert await share_links.code("lisi", task.id) != await share_links.code("zhangsan", task.id)


async def test_an_unknown_code_leads_nowhere(share_links, org):
    assert await share_links.record_visit("nothing", "a") is None


async def test_how_to_share_gives_the_material_and_the_guides_tracked_link(publish, share_links):
    task = await publish("share_post")

    answer = await share_links.how_to(task, "zhangsan")

    assert "新品上市，到店有礼" in answer
    assert f"{PUBLIC_URL}/s/{await share_links.code('zhangsan', task.id)}" in answer


async def test_how_to_add_fans_needs_no_link(publish, share_links):
    task = await publish()

    assert "/s/" not in await share_links.how_to(task, "zhangsan")
