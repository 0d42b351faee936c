"""The kinds registry: every kind and metric is declared once, and everything else reads it."""

import pytest

from bot.cards import task_card
from tasks.kinds import KINDS, METRICS, Counted, TaskKind, TaskMetric
from tasks.models import Task
from tests.support.tasks import task_in


def test_each_metric_belongs_to_one_kind():
    names = [metric.name for spec in KINDS.values() for metric in spec.metrics]

    assert sorted(names) == sorted(set(names)) == sorted(METRICS)


def test_the_api_enums_are_the_registry():
    assert [k.value for k in TaskKind] == list(KINDS)
    assert [m.value for m in TaskMetric] == list(METRICS)


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_task_of_each_kind_defaults_to_its_first_metric(kind):
    material = {"material": {"link": "https://shop.example.com/new"}} if KINDS[kind].shares_material else {}

    assert task_in(kind, **material).metric == KINDS[kind].default_metric.name


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_metric_of_another_kind_is_refused(kind):
    other = next(m for m in METRICS if KINDS[kind].metric(m) is None)
    material = {"material": {"link": "https://shop.example.com/new"}} if KINDS[kind].shares_material else {}

    with pytest.raises(ValueError, match=f"metric: {kind} counts"):
        task_in(kind, metric=other, **material)


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_card_button_counts_only_where_the_kind_has_a_done_button(kind):
    spec = KINDS[kind]
    for metric in spec.metrics:
        if metric.counted_by is Counted.DONE_BUTTON:
            assert spec.done_button is not None, f"{kind}/{metric.name} counts a button the card does not show"


def test_the_card_reads_its_wording_from_the_kind():
    task = Task(id=1, kind="share_post", metric="shares", title="转发新品海报", description="", material_text="",
                target=1, reward_coins=50, bonus_per_unit=0, bonus_cap=None, end_date=task_in().end_date)  # fmt: skip

    card = task_card(task, "task1-0")

    assert card["main_title"]["desc"] == "转发任务"
    assert [b["text"] for b in card["button_list"]] == ["去完成", "已转发", "查看进度"]
