"""Before → after of an audit entry as rows a person reads: one per key, nested keys dotted, changed ones marked."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

MISSING = object()


@dataclass(frozen=True)
class DiffRow:
    key: str
    before: str
    after: str
    changed: bool


def diff(before: Any, after: Any) -> list[DiffRow]:
    """Every key of either side, in order; a value that is not an object is one row keyed ''."""
    old, new = _flat(before), _flat(after)
    keys = list(dict.fromkeys([*old, *new]))
    return [
        DiffRow(
            key,
            _text(old.get(key, MISSING)),
            _text(new.get(key, MISSING)),
            old.get(key, MISSING) != new.get(key, MISSING),
        )
        for key in keys
    ]


def _flat(value: Any, prefix: str = "") -> dict[str, Any]:
    if value is None and not prefix:
        return {}
    if isinstance(value, dict) and value:
        flat: dict[str, Any] = {}
        for key, item in value.items():
            flat |= _flat(item, f"{prefix}.{key}" if prefix else str(key))
        return flat
    return {prefix: value}


def _text(value: Any) -> str:
    if value is MISSING:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)
