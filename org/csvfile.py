"""The flat CSV roster HR systems export: one guide a row, with store, branch, region and team."""

from __future__ import annotations

import csv
import io

from org.schemas import OrgImport

COLUMNS = [
    "region_code", "region_name", "branch_code", "branch_name",
    "store_code", "store_name", "userid", "name", "team_code", "team_name",
]  # fmt: skip


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
    for row in reader:
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
    return {
        "regions": list(regions.values()),
        "branches": list(branches.values()),
        "stores": list(stores.values()),
        "guides": guides,
        "teams": list(teams.values()),
    }


def parse_org_file(name: str, content: bytes) -> OrgImport:
    """A JSON or CSV file (by its name, else by its first character) as a validated OrgImport."""
    text = content.decode("utf-8-sig")
    is_json = name.lower().endswith(".json") or (not name.lower().endswith(".csv") and text.lstrip()[:1] == "{")
    if is_json:
        return OrgImport.model_validate_json(text)
    return OrgImport.model_validate(org_from_csv(text))
