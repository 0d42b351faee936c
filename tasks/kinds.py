"""Every task kind, declared once: its metrics, its card, how it counts and its chat line.

A kind is data: `Task.kind` and `Task.metric` store the names below, so a new kind is one
`TaskKindSpec` in KINDS (and its test), with no migration and no other module changed.
The API's enums (TaskKind, TaskMetric), the schemas' metric rules, the card, the card
button handler and the chat progress line all read this registry.

What counts a unit is one of the domain's events (`Counted`): a new fan, a sales line, a
visit to the guide's tracked link, or the guide's tap on the card's done button.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tasks.models import Task


class Counted(StrEnum):
    """The events that move progress."""

    FAN = "fan"  # a new fan (one unit; a fan lost within retention takes it back)
    SALE = "sale"  # a sales line (its amount in fen, or its orders)
    VISIT = "visit"  # a unique visitor of the day on the guide's tracked link
    DONE_BUTTON = "done_button"  # the guide taps the card's done button (one unit, once: the target is 1)


@dataclass(frozen=True)
class MetricSpec:
    """What one unit of progress is, and which event adds it."""

    name: str
    bonus_unit: str  # the card's reward line: 超出每{bonus_unit} +5
    counted_by: Counted
    money: bool = False  # units are fen, shown and rewarded per whole yuan
    chat_label: str = ""  # replaces the kind's label in the chat line (访客 for visitors)
    shows_visitors: bool = False  # the chat line adds the tracked link's visitors
    label: str = ""  # the console's task form: the metric HQ picks (销售额（元）) and what 每人目标 counts


@dataclass(frozen=True)
class DoneButton:
    """The card's middle button when tapping it is the guide saying "done"."""

    text: str  # 已转发
    source_key: str  # the progress event's key: the tap counts once per assignment
    reason: str  # the coin entry's reason when the tap pays
    marks_shared: bool = False  # the tap is the guide's word that the material was shared


@dataclass(frozen=True)
class TaskKindSpec:
    name: str
    card_label: str  # 吸粉任务, under the card's title
    chat_label: str  # 吸粉, in `吸粉 7/10`
    metrics: tuple[MetricSpec, ...]  # the first is the default
    how_to: Callable[[Task, str], str]  # the 去完成 answer, given the task and the guide's tracked link
    done_button: DoneButton | None = None  # None: the middle button only shows progress (我的进度)
    shares_material: bool = False  # HQ must give material; 去完成 answers a tracked link to it

    @property
    def default_metric(self) -> MetricSpec:
        return self.metrics[0]

    def metric(self, name: str) -> MetricSpec | None:
        return next((m for m in self.metrics if m.name == name), None)


KINDS: dict[str, TaskKindSpec] = {
    spec.name: spec
    for spec in (
        TaskKindSpec(
            name="add_fans",
            card_label="吸粉任务",
            chat_label="吸粉",
            metrics=(MetricSpec("fans", "位粉丝", Counted.FAN, label="新增粉丝数"),),
            how_to=lambda task, link: "请顾客扫你的企业微信二维码加好友，新粉丝自动计入进度（重复加粉、同事不计）。",
        ),
        TaskKindSpec(
            name="share_post",
            card_label="转发任务",
            chat_label="转发",
            metrics=(
                MetricSpec(
                    "shares",
                    "次转发",
                    Counted.DONE_BUTTON,
                    shows_visitors=True,
                    label="转发（导购点「已转发」即完成，目标填 1）",
                ),
                MetricSpec("visitors", "位访客", Counted.VISIT, chat_label="访客", label="链接访客数"),
            ),
            how_to=lambda task, link: (
                f"复制下面的文案和链接，发朋友圈或客户群，发完点「已转发」：\n{task.material_text}\n{link}"
            ),
            done_button=DoneButton("已转发", source_key="share", reason="转发任务完成", marks_shared=True),
            shares_material=True,
        ),
        TaskKindSpec(
            name="sales_target",
            card_label="业绩任务",
            chat_label="业绩",
            metrics=(
                MetricSpec("amount", "元", Counted.SALE, money=True, label="销售额（元）"),
                MetricSpec("orders", "单", Counted.SALE, label="成交单数"),
            ),
            how_to=lambda task, link: "成交后门店系统会自动上报；也可以发「业绩 单数 金额」自报，例如：业绩 3 1280",
        ),
        TaskKindSpec(
            name="attend_training",
            card_label="培训任务",
            chat_label="培训",
            metrics=(
                MetricSpec(
                    "attendance", "次培训", Counted.DONE_BUTTON, label="参加培训（导购点「已参加」即完成，目标填 1）"
                ),
            ),
            how_to=lambda task, link: (
                "参加完培训点「已参加」，记一次进度。" + (f"\n{task.description}" if task.description else "")
            ),
            done_button=DoneButton("已参加", source_key="attended", reason="参加培训"),
        ),
    )
}
METRICS: dict[str, MetricSpec] = {metric.name: metric for spec in KINDS.values() for metric in spec.metrics}

# The API's enums, made from the registry: `kind` and `metric` are documented and checked by name.
TaskKind = StrEnum("TaskKind", {name.upper(): name for name in KINDS})
TaskMetric = StrEnum("TaskMetric", {name.upper(): name for name in METRICS})


def kind_of(task: Task) -> TaskKindSpec:
    return KINDS[task.kind]


def metric_of(task: Task) -> MetricSpec:
    return METRICS[task.metric]


def metrics_counted_by(event: Counted) -> list[str]:
    """The metric names an event adds units to."""
    return sorted(metric.name for metric in METRICS.values() if metric.counted_by is event)
