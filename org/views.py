"""HQ API: import the organisation and list guides, stores and teams, each caller the ones in their scope.

The lists are whole (never paged), so keeping to the caller's stores here leaves nothing out.
"""

from __future__ import annotations

from aiohttp import web
from pydantic import BaseModel, Field, ValidationError

from kernel.api import ApiError, ApiRoute, json_ok, query_params, validation_error
from org.csvfile import CsvError, parse_org_file
from org.models import Guide
from org.schemas import Code, GuideOut, ImportReport, OrgImport, StoreOut, TeamOut
from org.service import OrgImportError, OrgService
from staff.access import Permission
from staff.views import principal

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
    return json_ok(await _guides_in_scope(request, store=query_params(request).store))


async def list_stores(request: web.Request) -> web.Response:
    who = principal(request)
    return json_ok([store for store in await request.app[ORG].list_stores() if who.sees_store(store.code)])


async def list_teams(request: web.Request) -> web.Response:
    """A scoped caller sees the teams with a member in their stores, and only those members."""
    teams = await request.app[ORG].list_teams()
    if principal(request).is_hq:
        return json_ok(teams)
    seen = {guide.userid for guide in await _guides_in_scope(request)}
    teams = [team.model_copy(update={"members": [m for m in team.members if m in seen]}) for team in teams]
    return json_ok([team for team in teams if team.members])


async def _guides_in_scope(request: web.Request, store: str | None = None) -> list[GuideOut]:
    who = principal(request)
    return [guide for guide in await request.app[ORG].list_guides(store=store) if who.sees_store(guide.store)]


async def guide_in_scope(request: web.Request, userid: str) -> Guide:
    """The guide, if the caller sees their store; else 404 as for an unknown guide, so nothing leaks."""
    guide = await request.app[ORG].guide(userid)
    if guide is None or not principal(request).sees_store(guide.store.code):
        raise ApiError(404, "not_found", f"no guide {userid}", [{"field": "userid", "message": "does not exist"}])
    return guide


def api_routes() -> list[ApiRoute]:
    return [
        ApiRoute(
            "POST", "/api/v1/org/import", import_org, "Import (upsert) regions, branches, stores, guides and teams",
            tag="org", permission=Permission.PEOPLE, body=OrgImport, body_content_types=("application/json", "text/csv"), response=ImportReport,
        ),
        ApiRoute("GET", "/api/v1/guides", list_guides, "List guides", tag="org", permission=Permission.READ,
                 scoped=True, response=list[GuideOut], query=GuidesQuery),
        ApiRoute("GET", "/api/v1/stores", list_stores, "List stores with guide counts", tag="org",
                 permission=Permission.READ, scoped=True, response=list[StoreOut]),
        ApiRoute("GET", "/api/v1/teams", list_teams, "List PK teams with members", tag="org",
                 permission=Permission.READ, scoped=True, response=list[TeamOut]),
    ]  # fmt: skip
