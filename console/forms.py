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

from kernel.api import ApiError, parse_body

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
    (re.compile(r"String should match pattern '\^\[\^\\x00\]\*\[\^\\x00 .*"), "不能只有空白"),
    (re.compile(r"String should match pattern .*"), "格式不正确"),
    (re.compile(r"must not be 0"), "不能为 0"),
    (re.compile(r"must be in the years (\d+) to (\d+)"), r"须在 \1 至 \2 年之间"),
    (re.compile(r"is not after \S+"), "须晚于开始时间"),
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
        return None, {f["field"]: f"{_label(f['field'], labels)}：{chinese(f['message'])}" for f in exc.fields}


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
