"""What HQ reads: completion counts and rate, per-guide progress, rollups per store and branch."""

from decimal import Decimal

import pytest

from tasks.errors import TaskNotFound
from tests.support.tasks import today


async def test_hq_sees_completion_counts_and_rollups(publish, progress, reports):
    task = await publish(target=1)
    await progress.count_new_fan("zhangsan", 1, today())

    summary = await reports.summary(task)
    by_store = await reports.rollup(task.id, "store")

    assert (summary.assigned, summary.completed, summary.completion_rate) == (2, 1, 0.5)
    assert [(r.code, r.completed, r.assigned) for r in by_store] == [("SH01", 1, 1), ("SH02", 0, 1)]


async def test_the_branch_rollup_names_the_branch(publish, reports):
    task = await publish()

    [branch] = await reports.rollup(task.id, "branch")

    assert (branch.code, branch.name, branch.assigned) == ("SH", "上海分公司", 2)


async def test_guide_progress_shows_money_in_yuan(publish, reports):
    task = await publish("sales_target", target="1280.50")

    rows = await reports.guide_progress(task.id)

    assert [(row.guide, row.name, row.target) for row in rows] == [
        ("lisi", "李四", Decimal("1280.50")),
        ("zhangsan", "张三", Decimal("1280.50")),
    ]


async def test_progress_of_an_unknown_task_is_not_found(reports, org):
    with pytest.raises(TaskNotFound):
        await reports.guide_progress(404)
