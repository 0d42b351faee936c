"""What makes an organisation import refused, checked before anything is written.

The import and its preview run the same checks, so a preview that shows changes promises
an import that succeeds, and one that shows problems names exactly the import's.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from tortoise.models import Model
from tortoise.queryset import QuerySet

from org.models import Branch, Guide, Region, Store
from org.schemas import OrgImport

CHUNK = 900  # SQLite caps the parameters of one statement


class OrgImportError(ValueError):
    """The import refers to something unknown or repeats a code; nothing was changed.

    `fields` names where each problem is (`roles.2.store`) when it is known, else `body`.
    """

    def __init__(self, problems: list[str], fields: list[str] | None = None) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems
        self.fields = fields or ["body"] * len(problems)


async def check_import(data: OrgImport) -> None:
    """Raise OrgImportError naming every repeated code and every reference neither the file nor the database has.

    A complete roster says who is a guide: its teams and roles may only name guides it lists.
    """
    _reject_repeats(data)
    references = list(_references(data))
    known: dict[type[Model], set[str]] = {}
    for model, in_file in _in_file(data).items():
        wanted = {value for _, ref_model, value in references if ref_model is model} - in_file
        if model is Guide and data.complete:
            found: set[str] = set()
        else:
            found = {getattr(obj, _KEYS[model]) for obj in await where_in(model, _KEYS[model], wanted)}
        known[model] = in_file | found
    fields, problems = [], []
    for field, model, value in references:
        if value not in known[model]:
            fields.append(field)
            problems.append(_unknown(model, value, data.complete))
    if problems:
        raise OrgImportError(problems, fields)


async def where_in(query: type[Model] | QuerySet, key: str, values: Iterable, chunk: int = CHUNK) -> list:
    """The rows of `query` whose `key` is one of `values`, asked in chunks."""
    values = list(values)
    found: list = []
    for start in range(0, len(values), chunk):
        found += await query.filter(**{f"{key}__in": values[start : start + chunk]})
    return found


_KEYS: dict[type[Model], str] = {Region: "code", Branch: "code", Store: "code", Guide: "userid"}
_LABELS: dict[type[Model], tuple[str, str]] = {
    Region: ("大区", "region"),
    Branch: ("分公司", "branch"),
    Store: ("门店", "store"),
    Guide: ("导购", "guide"),
}


def _reject_repeats(data: OrgImport) -> None:
    problems = []
    for kind, key in (
        ("regions", "code"),
        ("branches", "code"),
        ("stores", "code"),
        ("guides", "userid"),
        ("teams", "code"),
    ):
        counts = Counter(getattr(row, key) for row in getattr(data, kind))
        problems += [f"{kind}: {key} {value!r} appears {n} times" for value, n in counts.items() if n > 1]
    if problems:
        raise OrgImportError(problems)


def _in_file(data: OrgImport) -> dict[type[Model], set[str]]:
    return {
        Region: {r.code for r in data.regions},
        Branch: {b.code for b in data.branches},
        Store: {s.code for s in data.stores},
        Guide: {g.userid for g in data.guides},
    }


def _references(data: OrgImport) -> Iterable[tuple[str, type[Model], str]]:
    """(field, model, value) for every code a row refers to."""
    for n, branch in enumerate(data.branches):
        yield f"branches.{n}.region", Region, branch.region
    for n, store in enumerate(data.stores):
        yield f"stores.{n}.branch", Branch, store.branch
    for n, guide in enumerate(data.guides):
        yield f"guides.{n}.store", Store, guide.store
    for n, team in enumerate(data.teams):
        for m, userid in enumerate(team.members):
            yield f"teams.{n}.members.{m}", Guide, userid
    for n, role in enumerate(data.roles or []):
        yield f"roles.{n}.userid", Guide, role.userid
        if role.store is not None:
            yield f"roles.{n}.store", Store, role.store
        if role.branch is not None:
            yield f"roles.{n}.branch", Branch, role.branch


def _unknown(model: type[Model], value: str, complete: bool) -> str:
    label, name = _LABELS[model]
    if model is Guide and complete:
        return f"名册里没有这个导购：{value!r}（完整名册里的战队和角色只能是名册上的导购）(guide {value!r} not on the roster)"
    return f"没有这个{label}：{value!r} (unknown {name} {value!r})"
