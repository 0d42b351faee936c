"""The new-contest form as the HQ API's ContestIn: the fields are named by the model's paths, so errors land on them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from multidict import MultiDict, MultiDictProxy

from console.display import split_list
from console.forms import as_numbers
from contests.rules import Ranking
from contests.schemas import ContestMetric
from leaderboards.metrics import Metric

SQUAD_ROWS = 6  # custom squads on the form; a PK of more squads goes through the API
SQUAD_PARTS = ("code", "name", "stores", "guides")
DEFAULT_DAYS = 7

METRICS = [(metric.value, Metric(metric.value).label) for metric in ContestMetric]
RANKINGS = [(ranking.value, ranking.label) for ranking in Ranking]

LABELS = {
    "name": "赛事名称",
    "metric": "比拼指标",
    "teams": "参赛战队",
    "teams.branches": "参赛分公司",
    "teams.squads": "自定义战队",
    "start_date": "开始日期",
    "end_date": "结束日期",
    "ranking": "排名方式",
    "daily_team_target": "战队每日目标",
    "personal_daily_target": "个人每日目标",
    "prizes.winning_team": "每日获胜战队奖励",
    "prizes.personal_target": "个人达标奖励",
    "prizes.final_teams": "战队总排名奖励",
    "prizes.final_guides": "个人总排名奖励",
    "individual": "个人PK",
    "private": "私密赛事",
} | {
    f"teams.squads.{n}{part}": f"第 {n + 1} 支战队{label}"
    for n in range(SQUAD_ROWS)
    for part, label in (
        ("", ""),
        (".code", "的代码"),
        (".name", "的名称"),
        (".stores", "的门店"),
        (".guides", "的导购"),
    )
}


def blank_form(today: date) -> MultiDict[str]:
    """What a new contest starts from: branches on sales, for a week from tomorrow."""
    start = today + timedelta(days=1)
    return MultiDict(
        {
            "metric": ContestMetric.SALES.value,
            "ranking": Ranking.TOTAL.value,
            "teams.kind": "branches",
            "start_date": start.isoformat(),
            "end_date": (start + timedelta(days=DEFAULT_DAYS - 1)).isoformat(),
        }
    )


def contest_data(form: MultiDictProxy[str] | MultiDict[str]) -> dict[str, Any]:
    """The JSON the API would get for this form; blank fields are left out, so the model names the required ones."""
    text = {name: str(form.get(name, "")).strip() for name in ("name", "metric", "ranking", "start_date", "end_date")}
    data: dict[str, Any] = {name: value for name, value in text.items() if value or name == "name"}
    data["teams"] = _teams(form)
    data |= as_numbers(form, ["daily_team_target", "personal_daily_target"])
    prizes = as_numbers(form, ["prizes.winning_team", "prizes.personal_target"])
    data["prizes"] = {name.removeprefix("prizes."): value for name, value in prizes.items()} | {
        name: _numbers(str(form.get(f"prizes.{name}", ""))) for name in ("final_teams", "final_guides")
    }
    data["individual"] = "individual" in form
    data["private"] = "private" in form
    return data


def compacted(form: MultiDictProxy[str] | MultiDict[str]) -> MultiDict[str]:
    """The form with its filled squad rows moved up, as `contest_data` numbers them, so each error finds its row."""
    squads = [f"teams.squads.{n}." for n in range(SQUAD_ROWS)]
    kept = MultiDict((name, value) for name, value in form.items() if not name.startswith(tuple(squads)))
    filled = [n for n in range(SQUAD_ROWS) if _squad(form, n)]
    for row, n in enumerate(filled):
        for part in SQUAD_PARTS:
            kept[f"teams.squads.{row}.{part}"] = str(form.get(f"teams.squads.{n}.{part}", ""))
    return kept


def _teams(form: Mapping[str, str]) -> dict[str, list]:
    if form.get("teams.kind") == "squads":
        return {"branches": [], "squads": [squad for n in range(SQUAD_ROWS) if (squad := _squad(form, n))]}
    return {"branches": [str(code) for code in form.getall("teams.branches", [])], "squads": []}


def _squad(form: Mapping[str, str], n: int) -> dict[str, Any] | None:
    row = {part: str(form.get(f"teams.squads.{n}.{part}", "")).strip() for part in SQUAD_PARTS}
    if not any(row.values()):
        return None
    return {"code": row["code"], "name": row["name"], "stores": split_list(row["stores"]),
            "guides": split_list(row["guides"])}  # fmt: skip


def _numbers(text: str) -> list[Any]:
    """`100, 50` as [100, 50]; anything else is left as typed, for the model to name."""
    return [int(item) if item.isascii() and item.isdigit() and len(item) < 10 else item for item in split_list(text)]
