"""Forms checked by the API's own models and rules, with every wrong field named at once, in Chinese.

A form posts strings; `validate` hands the model the JSON the API would get, so the
console accepts and refuses exactly what the HQ API does.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from kernel.api import ApiError, Check, parse_body, parse_checked, validation_error

Model = TypeVar("Model", bound=BaseModel)
Errors = dict[str, str]
Messages = Sequence[tuple[re.Pattern, str]]

# pydantic's and our rules' English, as a person reads it in Chinese; the rest is shown as it is.
MESSAGES: Messages = [
    (re.compile(r"Field required"), "必填"),
    (re.compile(r"String should have at least 1 character"), "不能为空"),
    (re.compile(r"String should have at least (\d+) characters"), r"至少 \1 个字"),
    (re.compile(r"String should have at most (\d+) characters?"), r"最多 \1 个字"),
    (re.compile(r"Input should be a valid integer.*"), "请填写整数"),
    (re.compile(r"Input should be a valid (number|decimal).*"), "请填写数字"),
    (re.compile(r"Input should be greater than or equal to (\S+)"), r"不能小于 \1"),
    (re.compile(r"Input should be greater than (\S+)"), r"必须大于 \1"),
    (re.compile(r"Input should be less than or equal to (\S+)"), r"不能大于 \1"),
    (re.compile(r"Input should be a valid date.*"), "请填写正确的日期"),
    (re.compile(r"Input should be a valid datetime.*"), "请填写正确的时间"),
    (re.compile(r"Input should be .*'.*"), "请从选项中选择"),
    (re.compile(r"List should have at least 1 item.*"), "至少选择一项"),
    (re.compile(r"must not contain NUL characters"), "含有不可见字符"),
    (re.compile(r"String should match pattern '\^\[\^\\x00\]\*\[\^\\x00 .*"), "不能只有空白"),
    # codes and WeCom UserIDs (org/schemas.py Code, UserId): say which characters, not just "wrong"
    (re.compile(r"String should match pattern '\^\[A-Za-z0-9_\.@.*"), "只能用英文字母、数字和 - _ . @"),
    (re.compile(r"String should match pattern '\^\[A-Za-z0-9_\..*"), "只能用英文字母、数字和 - _ ."),
    (re.compile(r"must not be 0"), "不能为 0"),
    (re.compile(r"must be in the years (\d+) to (\d+)"), r"须在 \1 至 \2 年之间"),
    (re.compile(r"is not after active_from"), "须晚于上架时间"),  # a gift's window (rewards/schemas.py)
    # money or a count (a task's or a contest's target): a form whose field is one or the other says so itself
    (re.compile(r"send an integer or a decimal string.*"), "请填写数字，最多两位小数"),
    # contests (contests/schemas.py, ContestBook.problems, settlement)
    (re.compile(r"is before start_date"), "不能早于开始日期"),
    (re.compile(r"is more than (\d+) days after start_date"), r"距开始日期不能超过 \1 天"),
    (re.compile(r"must be after today \((\S+)\).*"), r"必须晚于今天（\1）：PK赛按整天计"),
    (re.compile(r"must not be negative"), "不能为负数"),
    (re.compile(r"ranking by target needs a daily_team_target above 0"), "按目标达成率排名时，战队每日目标必须大于 0"),
    (
        re.compile(r"the personal_target prize needs a personal_daily_target above 0"),
        "设置了个人达标奖，个人每日目标必须大于 0",
    ),
    (re.compile(r"final_guides prizes need individual: true"), "个人总排名奖需要勾选「同时进行个人PK」"),
    (re.compile(r"a squad names stores or guides"), "每个战队至少填一家门店或一名导购"),
    (re.compile(r"name branches or squads, not both"), "分公司对抗和自定义战队只能选一种"),
    (re.compile(r"a PK needs at least 2 teams.*"), "PK 至少需要 2 支战队"),
    (re.compile(r"(?:code )?'(.*)' appears twice"), r"\1 重复出现"),
    (re.compile(r"store '(.*)' is in two squads: (.*)"), r"门店 \1 同时在两支战队：\2"),
    (re.compile(r"guide '(.*)' is in two squads: (.*)"), r"导购 \1 同时在两支战队：\2"),
    (re.compile(r"unknown '(.*)'"), r"不存在：\1"),
    (
        re.compile(r"(\d+月\d+日) \((\S+)\) has not ended yet in \S+: settle it from (\S+) on"),
        r"\1还没结束，\3 起才能结算",
    ),
    (re.compile(r"(\d+) facts of (\S+) are still being counted.*"), r"\2 还有 \1 条数据在统计中，请稍后再结算"),
    (
        re.compile(r"(\d+) facts of (\S+) failed to reach the boards.*"),
        r"\2 有 \1 条数据处理失败：请先在「报表 › 死信」重放后再结算",
    ),
    (re.compile(r"(\S+) is not a day of the contest \((\S+) to (\S+)\)"), r"\1 不是本赛事的比赛日（\2 至 \3）"),
    # query strings (fans/views.py FanReportQuery, staff/schemas.py AuditQuery)
    (re.compile(r"write the day as YYYY-MM-DD"), "请按 年-月-日 填写，例如 2026-05-01"),
    (re.compile(r"must be between (\S+) and (\S+)"), r"须在 \1 至 \2 之间"),
    # named API tokens (staff/schemas.py TokenIn)
    (re.compile(r"is required for the (branch_lead|store_manager) role"), "该角色必须填写"),
    (re.compile(r"must be empty for the \S+ role"), "该角色不需要填写"),
    (re.compile(r"unknown branch '(.*)'"), r"没有分公司 \1"),
    (re.compile(r"unknown store '(.*)'"), r"没有门店 \1"),
    # tasks (TaskIn and the publisher's check)
    (re.compile(r"String should match pattern '\^https\?://.*"), "请填写 http:// 或 https:// 开头的网址"),
    (re.compile(r"Decimal input should have no more than.*"), "数字太大或小数位太多"),
    (re.compile(r"List should have at most (\d+) items?.*"), r"最多 \1 项"),
    (re.compile(r"is more than 366 days after start_date"), "不能晚于开始日期 366 天以上"),
    (re.compile(r"must be more than 0"), "必须大于 0"),
    (re.compile(r"must be a whole number"), "必须是整数"),
    (re.compile(r"must be 1: the guide's tap on the card counts once"), "须为 1：导购点一次卡片上的按钮即完成"),
    (re.compile(r"each must be 1 to (\d+) \(hours before the end\)"), r"每项须在 1 到 \1 之间（结束前几小时）"),
    (re.compile(r"names an hour twice"), "有重复的小时数"),
    (re.compile(r"\w+ counts .*"), "这类任务不能这样计数"),
    (re.compile(r"a \w+ task needs the material to share"), "转发任务需要填写转发素材"),
    (re.compile(r"the audience is empty.*"), "请至少选择一个大区、分公司、门店、战队或导购"),
    (re.compile(r"has no guides"), "所选范围内没有导购"),
    (re.compile(r"must be an https:// address with a host, or empty"), "请填写 https:// 开头的网址，或留空"),
    # last: a pattern no entry above names (the table is read top down, the first that fits wins)
    (re.compile(r"String should match pattern .*"), "格式不正确"),
]


def chinese(message: str, own: Messages = ()) -> str:
    """`own` is tried first: a form's wording for one field (a task's target in its metric's unit)."""
    for pattern, text in [*own, *MESSAGES]:
        if pattern.fullmatch(message):
            return pattern.sub(text, message)
    return message


def validate(model: type[Model], data: Mapping[str, Any], labels: Mapping[str, str]) -> tuple[Model | None, Errors]:
    """The model, or every problem keyed by field ("audience.stores"…), each message starting with its label."""
    try:
        return parse_body(model, json.dumps(data)), {}
    except ApiError as exc:
        return None, _errors(exc, labels)


async def validate_checked(
    model: type[Model],
    data: Mapping[str, Any],
    labels: Mapping[str, str],
    check: Check,
    wording: Mapping[str, Messages] | None = None,
) -> tuple[Model | None, Errors]:
    """`validate` plus the problems only the services know (an unknown branch…), as the API's `read_body` adds them.

    `wording` gives a field its own Chinese for some messages, tried before the common table.
    """
    try:
        return await parse_checked(model, json.dumps(data), check), {}
    except ApiError as exc:
        return None, _errors(exc, labels, wording)


def validate_query(
    model: type[Model], query: Mapping[str, str], labels: Mapping[str, str]
) -> tuple[Model | None, Errors]:
    """A filter in the query string, read as the HQ API reads its query parameters (strings, then the model)."""
    try:
        return model.model_validate_strings(dict(query)), {}
    except ValidationError as exc:
        return None, _errors(validation_error(exc), labels)


def _errors(exc: ApiError, labels: Mapping[str, str], wording: Mapping[str, Messages] | None = None) -> Errors:
    """Each problem under the form field that holds it (an item of a list typed into one box under that box, so
    the box is marked); a field with several problems keeps each once."""
    said: dict[str, list[str]] = {}
    for f in exc.fields:
        problems = said.setdefault(_holder(f["field"], labels), [])
        problem = chinese(f["message"], (wording or {}).get(f["field"], ()))
        if problem not in problems:
            problems.append(problem)
    return {field: f"{labels.get(field, field)}：{'；'.join(problems)}" for field, problems in said.items()}


def _holder(field: str, labels: Mapping[str, str]) -> str:
    """The nearest labelled path: `reminder_hours.1` is the reminder box's, `teams.squads.2` a squad row's own."""
    parts = field.split(".")
    for end in range(len(parts), 0, -1):
        if (name := ".".join(parts[:end])) in labels:
            return name
    return field


def as_numbers(form: Mapping[str, str], names: Iterable[str]) -> dict[str, Any]:
    """The named fields as integers where they are integers; left as typed otherwise, so the model names them."""
    values: dict[str, Any] = {}
    for name in names:
        text = str(form.get(name, "")).strip()
        if text:
            values[name] = int(text) if re.fullmatch(r"-?\d{1,12}", text) else text
    return values
