"""Forms checked by the API's own models and rules, with every wrong field named at once, in Chinese.

A form posts strings; `validate` hands the model the JSON the API would get, so the
console accepts and refuses exactly what the HQ API does.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from pydantic import BaseModel

from kernel.api import ApiError, Check, parse_body, parse_checked

Model = TypeVar("Model", bound=BaseModel)
Errors = dict[str, str]

# pydantic's and our rules' English, as a person reads it in Chinese; the rest is shown as it is.
MESSAGES: list[tuple[re.Pattern, str]] = [
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
    # tasks (TaskIn and the publisher's check)
    (re.compile(r"String should match pattern '\^https\?://.*"), "请填写 http:// 或 https:// 开头的网址"),
    (re.compile(r"String should match pattern .*"), "格式不正确"),
    (re.compile(r"send an integer or a decimal string.*"), "请填写数字，最多两位小数"),
    (re.compile(r"Decimal input should have no more than.*"), "数字太大或小数位太多"),
    (re.compile(r"List should have at most (\d+) items?.*"), r"最多 \1 项"),
    (re.compile(r"is before start_date"), "不能早于开始日期"),
    (re.compile(r"is more than 366 days after start_date"), "不能晚于开始日期 366 天以上"),
    (re.compile(r"must be more than 0"), "必须大于 0"),
    (re.compile(r"must be a whole number"), "必须是整数"),
    (re.compile(r"each must be 1 to (\d+) \(hours before the end\)"), r"每项须在 1 到 \1 之间（结束前几小时）"),
    (re.compile(r"names an hour twice"), "有重复的小时数"),
    (re.compile(r"\w+ counts .*"), "这类任务不能这样计数"),
    (re.compile(r"a \w+ task needs the material to share"), "转发任务需要填写转发素材"),
    (re.compile(r"the audience is empty.*"), "请至少选择一个大区、分公司、门店、战队或导购"),
    (re.compile(r"has no guides"), "所选范围内没有导购"),
    (re.compile(r"unknown '(.*)'"), r"不存在：\1"),
]


def chinese(message: str) -> str:
    for pattern, text in MESSAGES:
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
    model: type[Model], data: Mapping[str, Any], labels: Mapping[str, str], check: Check
) -> tuple[Model | None, Errors]:
    """`validate` plus a service's own `check` (unknown codes…), as the API's read_body runs it: all at once."""
    try:
        return await parse_checked(model, json.dumps(data), check), {}
    except ApiError as exc:
        return None, _errors(exc, labels)


def _errors(exc: ApiError, labels: Mapping[str, str]) -> Errors:
    errors: Errors = {}
    for f in exc.fields:  # a field with two problems keeps both
        message = f"{_label(f['field'], labels)}：{chinese(f['message'])}"
        errors[f["field"]] = f"{errors[f['field']]}；{chinese(f['message'])}" if f["field"] in errors else message
    return errors


def _label(field: str, labels: Mapping[str, str]) -> str:
    parts = field.split(".")
    for end in range(len(parts), 0, -1):
        if (name := ".".join(parts[:end])) in labels:
            return labels[name]
    return field


def as_numbers(form: Mapping[str, str], names: Iterable[str]) -> dict[str, Any]:
    """The named fields as integers where they are integers; left as typed otherwise, so the model names them."""
    values: dict[str, Any] = {}
    for name in names:
        text = str(form.get(name, "")).strip()
        if text:
            values[name] = int(text) if re.fullmatch(r"-?\d{1,12}", text) else text
    return values
