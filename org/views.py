"""HQ API: import the organisation (or preview what an import changes) and list guides, stores and teams."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from aiohttp import web
from pydantic import BaseModel, Field, ValidationError

from kernel.api import ApiError, ApiRoute, json_ok, parse_body, query_params, validation_error
from org.checks import OrgImportError
from org.csvfile import CsvError, parse_org_file
from org.roster import RosterChanges, preview
from org.schemas import Code, GuideOut, ImportReport, OrgImport, StoreOut, TeamOut
from org.service import OrgService

ORG = web.AppKey("org", OrgService)
Result = TypeVar("Result")


async def import_org(request: web.Request) -> web.Response:
    return json_ok(await _with_upload(request, request.app[ORG].import_org))


async def preview_import(request: web.Request) -> web.Response:
    return json_ok(await _with_upload(request, preview))


async def _with_upload(request: web.Request, use: Callable[[OrgImport], Awaitable[Result]]) -> Result:
    """The uploaded JSON or CSV handed to `use`; a bad file or a reference to nothing answers 422 naming the fields.

    JSON is read as every HQ API body is (strictly, a broken rule being a `rule_violation`).
    """
    content = await request.read()
    try:
        if request.content_type == "text/csv":
            return await use(parse_org_file("org.csv", content))
        return await use(parse_body(OrgImport, content))
    except ValidationError as exc:
        raise validation_error(exc) from None
    except (CsvError, UnicodeDecodeError) as exc:
        raise ApiError(422, "bad_file", str(exc), [{"field": "body", "message": str(exc)}]) from None
    except OrgImportError as exc:
        problems = [
            {"field": field, "message": problem} for field, problem in zip(exc.fields, exc.problems, strict=True)
        ]
        raise ApiError(422, "unknown_reference", str(exc), problems) from None


class GuidesQuery(BaseModel):
    store: Code | None = Field(None, description="only this store's guides (store code)")
    include_left: bool = Field(False, description="also the guides who left (离职), with their `left_at`")


async def list_guides(request: web.Request) -> web.Response:
    query = query_params(request)
    return json_ok(await request.app[ORG].list_guides(store=query.store, include_left=query.include_left))


async def list_stores(request: web.Request) -> web.Response:
    return json_ok(await request.app[ORG].list_stores())


async def list_teams(request: web.Request) -> web.Response:
    return json_ok(await request.app[ORG].list_teams())


def api_routes() -> list[ApiRoute]:
    return [
        ApiRoute(
            "POST", "/api/v1/org/import", import_org, "Import (upsert) regions, branches, stores, guides and teams",
            tag="org", body=OrgImport, body_content_types=("application/json", "text/csv"), response=ImportReport,
        ),
        ApiRoute(
            "POST", "/api/v1/org/import/preview", preview_import,
            "What the same import would change (new, moved, left and rejoined guides; new or renamed stores), "
            "changing nothing", tag="org", body=OrgImport, body_content_types=("application/json", "text/csv"),
            response=RosterChanges,
        ),
        ApiRoute("GET", "/api/v1/guides", list_guides, "List guides", tag="org", response=list[GuideOut],
                 query=GuidesQuery),
        ApiRoute("GET", "/api/v1/stores", list_stores, "List stores with guide counts", tag="org", response=list[StoreOut]),
        ApiRoute("GET", "/api/v1/teams", list_teams, "List PK teams with members", tag="org", response=list[TeamOut]),
    ]  # fmt: skip
