"""HQ API: import the organisation (or preview what an import changes) and list guides, stores and teams, each
caller the ones in their scope.

The lists are whole (never paged), so keeping to the caller's stores here leaves nothing out.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from aiohttp import web
from pydantic import BaseModel, Field, ValidationError

from kernel.api import ApiError, ApiRoute, json_ok, parse_body, query_params, validation_error
from org.checks import OrgImportError
from org.csvfile import CsvError, parse_org_file
from org.models import Guide
from org.roster import RosterChanges, preview
from org.schemas import Code, GuideOut, ImportReport, OrgImport, StoreOut, TeamOut
from org.service import OrgService
from staff.access import Permission
from staff.views import principal

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
    return json_ok(await _guides_in_scope(request, store=query.store, include_left=query.include_left))


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


async def _guides_in_scope(
    request: web.Request, store: str | None = None, include_left: bool = False
) -> list[GuideOut]:
    who = principal(request)
    guides = await request.app[ORG].list_guides(store=store, include_left=include_left)
    return [guide for guide in guides if who.sees_store(guide.store)]


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
            title="导入组织架构", tag="org", permission=Permission.PEOPLE, body=OrgImport,
            body_content_types=("application/json", "text/csv"), response=ImportReport,
        ),
        ApiRoute(
            "POST", "/api/v1/org/import/preview", preview_import,
            "What the same import would change (new, moved, left and rejoined guides; new or renamed stores), "
            "changing nothing", title="预览组织架构导入", tag="org", permission=Permission.PEOPLE, body=OrgImport,
            body_content_types=("application/json", "text/csv"), response=RosterChanges,
        ),
        ApiRoute("GET", "/api/v1/guides", list_guides, "List guides", tag="org", permission=Permission.READ,
                 scoped=True, response=list[GuideOut], query=GuidesQuery),
        ApiRoute("GET", "/api/v1/stores", list_stores, "List stores with guide counts", tag="org",
                 permission=Permission.READ, scoped=True, response=list[StoreOut]),
        ApiRoute("GET", "/api/v1/teams", list_teams, "List PK teams with members", tag="org",
                 permission=Permission.READ, scoped=True, response=list[TeamOut]),
    ]  # fmt: skip
