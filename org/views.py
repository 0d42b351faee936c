"""HQ API: import the organisation and list guides, stores and teams."""

from __future__ import annotations

from aiohttp import web
from pydantic import BaseModel, Field, ValidationError

from kernel.api import ApiError, ApiRoute, json_ok, query_params, validation_error
from org.csvfile import CsvError, parse_org_file
from org.schemas import Code, GuideOut, ImportReport, OrgImport, StoreOut, TeamOut
from org.service import OrgImportError, OrgService

ORG = web.AppKey("org", OrgService)


async def import_org(request: web.Request) -> web.Response:
    content = await request.read()
    name = "org.csv" if request.content_type == "text/csv" else "org.json"
    try:
        data = parse_org_file(name, content)
        report = await request.app[ORG].import_org(data)
    except ValidationError as exc:
        raise validation_error(exc) from None
    except (CsvError, UnicodeDecodeError) as exc:
        raise ApiError(422, "bad_file", str(exc), [{"field": "body", "message": str(exc)}]) from None
    except OrgImportError as exc:
        problems = [
            {"field": field, "message": problem} for field, problem in zip(exc.fields, exc.problems, strict=True)
        ]
        raise ApiError(422, "unknown_reference", str(exc), problems) from None
    return json_ok(report)


class GuidesQuery(BaseModel):
    store: Code | None = Field(None, description="only this store's guides (store code)")


async def list_guides(request: web.Request) -> web.Response:
    return json_ok(await request.app[ORG].list_guides(store=query_params(request).store))


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
        ApiRoute("GET", "/api/v1/guides", list_guides, "List guides", tag="org", response=list[GuideOut],
                 query=GuidesQuery),
        ApiRoute("GET", "/api/v1/stores", list_stores, "List stores with guide counts", tag="org", response=list[StoreOut]),
        ApiRoute("GET", "/api/v1/teams", list_teams, "List PK teams with members", tag="org", response=list[TeamOut]),
    ]  # fmt: skip
