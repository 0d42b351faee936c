"""HQ publishes a task: the audience is resolved once, each guide gets an assignment and a card once."""

import pytest

from org.schemas import OrgImport
from tasks.errors import InvalidTask, TaskNotFound, TaskStateConflict
from tasks.models import TaskAssignment, TaskStatus
from tests.support.org import mark_left
from tests.support.tasks import task_in


async def test_publishing_assigns_the_audience_and_sends_their_cards(publish, cards):
    task = await publish()

    assert sorted(await TaskAssignment.filter(task_id=task.id).values_list("guide_userid", flat=True)) == [
        "lisi",
        "zhangsan",
    ]
    assert cards.cards == [(task.id, ["lisi", "zhangsan"])]


async def test_publishing_twice_assigns_and_sends_once(publish, publishing, cards):
    task = await publish()

    await publishing.publish(task.id)

    assert len(cards.cards) == 1
    assert await TaskAssignment.filter(task_id=task.id).count() == 2


async def test_an_audience_with_an_unknown_store_is_refused_naming_it(publishing):
    with pytest.raises(InvalidTask) as error:
        await publishing.create_draft(task_in(audience={"stores": ["SH01", "NOPE"]}))

    assert error.value.problems == [("audience.stores", "unknown 'NOPE'")]


async def test_an_audience_without_guides_is_refused(publishing, org):
    await org.import_org(OrgImport(stores=[{"code": "SH09", "name": "空店", "branch": "SH"}]))

    with pytest.raises(InvalidTask) as error:
        await publishing.create_draft(task_in(audience={"stores": ["SH09"]}))

    assert error.value.fields == ["audience"]


async def test_a_published_task_cannot_be_edited(publish, publishing):
    task = await publish()

    with pytest.raises(TaskStateConflict):
        await publishing.edit_draft(task.id, task_in(target=5))


async def test_a_cancelled_task_cannot_be_published(publishing):
    draft = await publishing.create_draft(task_in())
    await publishing.cancel(draft.id)

    with pytest.raises(TaskStateConflict):
        await publishing.publish(draft.id)


async def test_cancelling_tells_each_guide_of_the_task_once(publish, publishing, cards):
    task = await publish()

    await publishing.cancel(task.id)
    cancelled = await publishing.cancel(task.id)

    assert cancelled.status is TaskStatus.CANCELLED
    assert cards.cancellations == [(task.id, ["lisi", "zhangsan"])]


async def test_cancelling_a_draft_tells_no_one(publishing, cards):
    draft = await publishing.create_draft(task_in())

    await publishing.cancel(draft.id)

    assert cards.cancellations == []


async def test_an_unknown_task_is_not_found(publishing):
    with pytest.raises(TaskNotFound):
        await publishing.publish(404)


async def test_a_guide_who_left_is_not_in_a_new_tasks_audience(publish, cards, org):
    await mark_left("lisi")

    task = await publish()

    assert await TaskAssignment.filter(task_id=task.id).values_list("guide_userid", flat=True) == ["zhangsan"]
    assert cards.cards == [(task.id, ["zhangsan"])]


async def test_a_cancellation_is_not_pushed_to_a_guide_who_left_since_publishing(publish, publishing, cards):
    task = await publish()
    await mark_left("lisi")

    await publishing.cancel(task.id)

    assert cards.cancellations == [(task.id, ["zhangsan"])]
