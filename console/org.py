"""The org: stores and guides in scope, and HR's roster upload, previewed (new, moved, left) before it is applied.

The uploaded file waits in Redis for half an hour under a random key, so "apply" imports
exactly the file that was previewed, whichever replica the confirmation reaches.
"""

from __future__ import annotations

import secrets
from typing import NamedTuple

from aiohttp import web
from pydantic import ValidationError

from console.flash import flash, take_flash
from console.pages import not_found, principal, record_change, render, requires, see_other, services
from org.checks import OrgImportError
from org.csvfile import CsvError, parse_org_file
from org.models import Guide, OrgRole
from org.roster import preview
from org.schemas import OrgImport, StoreOut
from staff.access import Permission

routes = web.RouteTableDef()


class BranchHeading(NamedTuple):
    """A branch's card on the org page: HQ reads the names (华东大区 · 上海分公司); the codes are secondary."""

    region: str
    region_name: str
    branch: str
    branch_name: str


UPLOAD_TTL = 30 * 60
MAX_PROBLEMS_SHOWN = 20


@routes.get("/org")
@requires(Permission.READ)
async def org_page(request: web.Request) -> web.Response:
    me = principal(request)
    stores = [store for store in await services(request).org.list_stores() if me.sees_store(store.code)]
    branches: dict[BranchHeading, list[StoreOut]] = {}
    for store in sorted(stores, key=lambda s: (s.region, s.branch, s.code)):
        heading = BranchHeading(store.region, store.region_name, store.branch, store.branch_name)
        branches.setdefault(heading, []).append(store)
    return render(
        request,
        "org/tree.html",
        branches=branches,
        guides=sum(s.guides for s in stores),
        flash=await take_flash(request),
    )


@routes.get("/org/stores/{code}")
@requires(Permission.READ)
async def store_page(request: web.Request) -> web.Response:
    code = request.match_info["code"]
    if not principal(request).sees_store(code):
        raise not_found()
    guides = await Guide.filter(store__code=code).select_related("store").order_by("left_at", "name")
    store = next((s for s in await services(request).org.list_stores() if s.code == code), None)
    if store is None:
        raise not_found()
    managers = await OrgRole.filter(store__code=code).values_list("userid", flat=True)
    return render(request, "org/store.html", store=store, guides=guides, managers=managers)


@routes.post("/org/roster")
@requires(Permission.PEOPLE)
async def preview_roster(request: web.Request) -> web.Response:
    """Reads the upload and shows what it would change; nothing is written but the file, kept for the confirmation."""
    form = await request.post()
    upload = form.get("roster")
    if not isinstance(upload, web.FileField):
        return await _upload_refused(request, ["请选择花名册文件（CSV 或 JSON）"])
    content = upload.file.read()
    name = upload.filename or "roster.csv"
    try:
        data = parse_org_file(name, content)
        changes = await preview(data)
    except (ValidationError, CsvError, UnicodeDecodeError, OrgImportError) as exc:
        return await _upload_refused(request, _problems(exc))
    key = secrets.token_urlsafe(16)
    await services(request).redis.set(_upload_key(key), name.encode() + b"\n" + content, ex=UPLOAD_TTL)
    return render(request, "org/preview.html", changes=changes, upload=key, filename=name)


@routes.post("/org/roster/apply")
@requires(Permission.PEOPLE)
async def apply_roster(request: web.Request) -> web.Response:
    form = await request.post()
    key = str(form.get("upload", ""))
    held = await services(request).redis.getdel(_upload_key(key)) if key else None
    if held is None:
        return await _upload_refused(request, ["预览已过期（30 分钟）或已应用过，请重新上传"])
    name, _, content = held.partition(b"\n")
    data: OrgImport = parse_org_file(name.decode(), content)
    before = await _roster_counts()
    report = await services(request).org.import_org(data)
    after = await _roster_counts()
    await record_change(request, "导入花名册", f"org:{name.decode()}", before, after | {"report": report.model_dump()})
    await flash(
        request,
        f"花名册已应用：新增 {report.guides.created} 人，离职 {report.guides_left} 人，回归 {report.guides_rejoined} 人",
    )
    raise see_other("/console/org")


async def _upload_refused(request: web.Request, problems: list[str]) -> web.Response:
    return render(request, "org/tree.html", status=422, branches={}, guides=None, problems=problems, flash="")


def _problems(exc: Exception) -> list[str]:
    if isinstance(exc, ValidationError):
        problems = [f"{'.'.join(str(p) for p in e['loc'])}：{e['msg']}" for e in exc.errors()]
    elif isinstance(exc, OrgImportError):
        problems = [f"{field}：{problem}" for field, problem in zip(exc.fields, exc.problems, strict=True)]
    elif isinstance(exc, UnicodeDecodeError):
        problems = ["文件不是 UTF-8 编码：请在 Excel 中另存为「CSV UTF-8」"]
    else:
        problems = [str(exc)]
    extra = len(problems) - MAX_PROBLEMS_SHOWN
    return problems[:MAX_PROBLEMS_SHOWN] + ([f"……另有 {extra} 处问题"] if extra > 0 else [])


async def _roster_counts() -> dict[str, int]:
    return {
        "on_roster": await Guide.filter(left_at__isnull=True).count(),
        "left": await Guide.filter(left_at__isnull=False).count(),
    }


def _upload_key(key: str) -> str:
    return f"console:roster-upload:{key}"
