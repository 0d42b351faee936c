"""The flat CSV roster HR systems export: one guide a row, with store, branch, region, team and role.

HR exports the whole roster, so the CSV is a complete import: a guide it no longer lists
has left (离职) and gets no tasks or pushes; listed again, they have rejoined.

The optional role column (`role`, `角色` or `岗位`) says who is 店长 of the row's store and
who is 分公司负责人 of its branch. A roster with that column is the whole list of roles (a
manager left out loses the role); one without it leaves the roles as they are.
"""

from __future__ import annotations

import csv
import io
import re

from org.models import Role
from org.schemas import OrgImport

COLUMNS = [
    "region_code", "region_name", "branch_code", "branch_name",
    "store_code", "store_name", "userid", "name", "team_code", "team_name",
]  # fmt: skip
ROLE_COLUMNS = ("role", "角色", "岗位")
ROLE_NAMES = {
    "店长": Role.STORE_MANAGER, "store_manager": Role.STORE_MANAGER,
    "分公司负责人": Role.BRANCH_LEAD, "branch_lead": Role.BRANCH_LEAD,
    "导购": None, "guide": None,
}  # fmt: skip
ROLE_SEPARATORS = re.compile(r"[;；、|/]")


class CsvError(ValueError):
    pass


def org_from_csv(text: str) -> dict:
    """The roster as an OrgImport-shaped dict (validated by the caller)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [column for column in COLUMNS[:8] if column not in (reader.fieldnames or [])]
    if missing:
        raise CsvError(f"CSV lacks the columns {', '.join(missing)} (expected: {', '.join(COLUMNS)})")
    regions: dict[str, dict] = {}
    branches: dict[str, dict] = {}
    stores: dict[str, dict] = {}
    teams: dict[str, dict] = {}
    guides = []
    role_column = next((name for name in ROLE_COLUMNS if name in (reader.fieldnames or [])), None)
    roles: list[dict] = []
    for line, row in enumerate(reader, start=2):
        row = {key: (value or "").strip() for key, value in row.items() if key}
        regions[row["region_code"]] = {"code": row["region_code"], "name": row["region_name"]}
        branches[row["branch_code"]] = {
            "code": row["branch_code"],
            "name": row["branch_name"],
            "region": row["region_code"],
        }
        stores[row["store_code"]] = {"code": row["store_code"], "name": row["store_name"], "branch": row["branch_code"]}
        guides.append({"userid": row["userid"], "name": row["name"], "store": row["store_code"]})
        if row.get("team_code"):
            team = teams.setdefault(
                row["team_code"],
                {"code": row["team_code"], "name": row.get("team_name") or row["team_code"], "members": []},
            )
            team["members"].append(row["userid"])
        if role_column:
            roles += _row_roles(row, row[role_column], line)
    org = {
        "regions": list(regions.values()),
        "branches": list(branches.values()),
        "stores": list(stores.values()),
        "guides": guides,
        "teams": list(teams.values()),
        "complete": True,
    }
    return org | {"roles": roles} if role_column else org


def _row_roles(row: dict, cell: str, line: int) -> list[dict]:
    """The roles a row's cell names: `店长`, `分公司负责人`, both (`店长、分公司负责人`), or none (empty, `导购`)."""
    roles = []
    for name in filter(None, (part.strip() for part in ROLE_SEPARATORS.split(cell))):
        if name not in ROLE_NAMES:
            raise CsvError(
                f"第 {line} 行：角色 {name!r} 无法识别，请填 店长、分公司负责人 或留空 (line {line}: unknown role)"
            )
        role = ROLE_NAMES[name]
        if role is Role.STORE_MANAGER:
            roles.append({"userid": row["userid"], "role": role, "store": row["store_code"]})
        elif role is Role.BRANCH_LEAD:
            roles.append({"userid": row["userid"], "role": role, "branch": row["branch_code"]})
    return roles


def parse_org_file(name: str, content: bytes) -> OrgImport:
    """A JSON or CSV file (by its name, else by its first character) as a validated OrgImport."""
    text = content.decode("utf-8-sig")
    is_json = name.lower().endswith(".json") or (not name.lower().endswith(".csv") and text.lstrip()[:1] == "{")
    if is_json:
        return OrgImport.model_validate_json(text)
    return OrgImport.model_validate(org_from_csv(text))
