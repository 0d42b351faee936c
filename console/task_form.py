"""The task form: what it posts, turned into the HQ API's TaskIn body, and a stored task turned back into the form.

One form serves every kind. The fields only some kinds have (the metric when a kind has
several, the material of a share task, counting self-reported sales) are named per kind
(`metric.sales_target`), so with every section shown (no JavaScript) the chosen kind's
own values are the ones sent.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from console.audience import audience_from
from console.forms import Messages, as_numbers
from tasks.kinds import KINDS, Counted, TaskKindSpec
from tasks.models import Task
from tasks.rules import DEFAULT_REMINDER_HOURS, display_units

LABELS = {
    "title": "标题",
    "description": "任务说明",
    "kind": "任务类型",
    "metric": "计数方式",
    "material": "转发素材",
    "material.text": "素材文案",
    "material.link": "素材链接",
    "material.image": "素材图片",
    "audience": "发给谁",
    "audience.all": "全体导购",
    "audience.regions": "大区",
    "audience.branches": "分公司",
    "audience.stores": "门店",
    "audience.teams": "战队",
    "audience.guides": "导购",
    "start_date": "开始日期",
    "end_date": "结束日期",
    "target": "每人目标",
    "reward_coins": "完成奖励（金币）",
    "bonus_per_unit": "超额奖励（每单位金币）",
    "bonus_cap": "超额奖励上限",
    "count_self_reported": "计入导购自报业绩",
    "reminder_hours": "提醒时间",
}
NUMBERS = ("target", "reward_coins", "bonus_per_unit", "bonus_cap")
# TaskIn's problem with a target that is no number at all (tasks/schemas.py MoneyIn), which speaks of money
NOT_A_NUMBER = re.compile(r"send an integer or a decimal string.*")


@dataclass(frozen=True)
class KindChoice:
    """A kind as the form offers it, read from the registry."""

    spec: TaskKindSpec

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def label(self) -> str:
        return self.spec.card_label

    @property
    def metrics(self) -> list[tuple[str, str]]:
        """(name, label) when HQ picks among several metrics; empty when the kind counts one thing."""
        return [(m.name, m.label) for m in self.spec.metrics] if len(self.spec.metrics) > 1 else []

    @property
    def counts_sales(self) -> bool:
        return any(m.counted_by is Counted.SALE for m in self.spec.metrics)

    @property
    def shares_material(self) -> bool:
        return self.spec.shares_material

    @property
    def target_hint(self) -> str:
        """What 每人目标 counts for this kind: 转发次数（导购点「已转发」）或链接访客数."""
        return "或".join(m.label for m in self.spec.metrics)

    @property
    def has_own_fields(self) -> bool:
        return bool(self.metrics or self.counts_sales or self.shares_material)


KIND_CHOICES = [KindChoice(spec) for spec in KINDS.values()]


def task_body(form: Mapping) -> dict[str, Any]:
    """The TaskIn JSON for what the form posted; what cannot be read is passed on as typed, for the model to name."""
    kind = str(form.get("kind", ""))
    choice = next((c for c in KIND_CHOICES if c.name == kind), None)
    body: dict[str, Any] = {
        "kind": kind,
        "title": str(form.get("title", "")).strip(),
        "description": str(form.get("description", "")).strip(),
        "audience": audience_from(form),
        "start_date": str(form.get("start_date", "")),
        "end_date": str(form.get("end_date", "")),
        **as_numbers(form, NUMBERS),
        "reminder_hours": _hours(str(form.get("reminder_hours", ""))),
    }
    if choice and choice.metrics:
        body["metric"] = str(form.get(f"metric.{kind}", "")) or None
    if choice and choice.counts_sales:
        body["count_self_reported"] = form.get(f"count_self_reported.{kind}") == "on"
    if choice and choice.shares_material:
        image = str(form.get("material.image", "")).strip()
        body["material"] = {
            "text": str(form.get("material.text", "")).strip(),
            "link": str(form.get("material.link", "")).strip(),
            "image": image or None,
        }
    return body


def target_wording(body: Mapping[str, Any]) -> dict[str, Messages]:
    """A target that is no number, asked for in the chosen metric's unit: money only for a sales amount."""
    spec = KINDS.get(str(body.get("kind", "")))
    metric = spec and (spec.metric(str(body.get("metric") or "")) or spec.default_metric)
    if not metric:
        return {}
    asked = "请填写金额（元），最多两位小数" if metric.money else f"请填写整数：每人几{metric.bonus_unit}"
    return {"target": [(NOT_A_NUMBER, asked)]}


def _hours(text: str) -> list[int | str]:
    """`24, 2` → [24, 2]; blank: no reminders. A part that is not a number stays text, so the model refuses it."""
    parts = [part.strip() for part in text.replace("，", ",").split(",") if part.strip()]
    return [int(part) if part.isdigit() and len(part) < 6 else part for part in parts]


def new_task_body(today: date) -> dict[str, Any]:
    """What a new form starts with: an add_fans task from today for a week, reminded 24 and 2 hours before its end."""
    return {
        "kind": "add_fans",
        "audience": {},
        "start_date": today.isoformat(),
        "end_date": (today + timedelta(days=6)).isoformat(),
        "reward_coins": 50,
        "bonus_per_unit": 0,
        "reminder_hours": list(DEFAULT_REMINDER_HOURS),
    }


def stored_task_body(task: Task) -> dict[str, Any]:
    """A draft as the form shows it for editing (the same shape task_body makes)."""
    return {
        "kind": task.kind,
        "metric": task.metric,
        "title": task.title,
        "description": task.description,
        "material": {"text": task.material_text, "link": task.material_link, "image": task.material_image or None},
        "audience": task.audience,
        "start_date": task.start_date.isoformat(),
        "end_date": task.end_date.isoformat(),
        "target": str(display_units(task.metric, task.target)),
        "reward_coins": task.reward_coins,
        "bonus_per_unit": task.bonus_per_unit,
        "bonus_cap": task.bonus_cap,
        "count_self_reported": task.count_self_reported,
        "reminder_hours": list(DEFAULT_REMINDER_HOURS if task.reminder_hours is None else task.reminder_hours),
    }
