"""HQ API plumbing: bearer auth, permissions, one JSON error shape, typed parameters, the audit of every
change, and an OpenAPI document built from the routes.

Every route is an `ApiRoute` that names the permission it needs. Before its handler runs,
`setup_api` checks the caller's permission (403), then what the document promises: path
parameters (a bad one is 404), query parameters (422 naming the parameter), the body's
content type (415) and, through `read_body`, the body (422 naming every wrong field at
once). After a change succeeds it hands the change to the audit recorder. The document
lists every status a route can answer, each error with the same schema.

The kernel knows no roles: a caller is anything with an actor name, a role and `can`,
made from the bearer secret by the resolver that the composition root passes in.
"""

from __future__ import annotations

import functools
import json
import logging
import re
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Annotated, Any, Protocol, TypeVar

from aiohttp import web
from pydantic import BaseModel, TypeAdapter, ValidationError

API_PREFIX = "/api/"
OPENAPI = web.AppKey("openapi", dict)
REF_TEMPLATE = "#/components/schemas/{model}"
PATH_PARAMS = web.RequestKey("api_path_params", dict)
QUERY = web.RequestKey("api_query", BaseModel)
CALLER = web.RequestKey("api_caller", object)
API_ROUTES = web.AppKey("api_routes", list)

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Model = TypeVar("Model", bound=BaseModel)
# Whatever is wrong with well-formed input that a JSON Schema cannot say: (field, message) pairs.
Problems = list[tuple[str, str]]
Check = Callable[[dict[str, Any]], Awaitable[Problems]]

dumps = functools.partial(json.dumps, ensure_ascii=False)
RULE = "value_error"  # what pydantic calls an error raised by our rules (Input.rules, validators)

STATUS_TEXT = {
    400: "malformed request",
    401: "missing, wrong or revoked bearer token",
    403: "the caller's role lacks the permission this route needs",
    404: "no such resource",
    409: "conflicts with the resource's state",
    413: "request body too large",
    415: "unsupported content type",
    422: "invalid input: every wrong field is named in `fields`",
    503: "HQ API disabled (HQ_API_TOKEN is not set)",
}


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, fields: list[dict] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.fields = status, code, message, fields or []


class FieldError(BaseModel):
    field: str
    message: str


class ErrorBody(BaseModel):
    code: str
    message: str
    fields: list[FieldError] = []


class ErrorResponse(BaseModel):
    """Every error: `code` for programs, `message` for people, and each wrong field with its own message."""

    error: ErrorBody


def error_response(
    status: int, code: str, message: str, fields: list[dict] | None = None, headers: dict[str, str] | None = None
) -> web.Response:
    body = ErrorResponse(error=ErrorBody(code=code, message=message, fields=fields or []))
    return web.json_response(body.model_dump(), status=status, headers=headers, dumps=dumps)


def validation_error(exc: ValidationError, prefix: tuple[str, ...] = ()) -> ApiError:
    return invalid([_field_error(error, prefix) for error in exc.errors()])


def invalid(fields: list[dict[str, str]], code: str = "validation_error") -> ApiError:
    names = ", ".join(dict.fromkeys(f["field"] for f in fields))
    return ApiError(422, code, f"invalid fields: {names}", fields)


def _field_error(error: dict, prefix: tuple[str, ...] = ()) -> dict[str, str]:
    """A whole-model check names its field at the start of its message: `end_date: is before start_date`."""
    path = [*prefix, *(str(part) for part in error["loc"])]
    message = error["msg"].removeprefix("Value error, ")
    named, _, rest = message.partition(": ")
    if rest and re.fullmatch(r"[a-z_]+(\.[a-z_]+)*", named):
        path, message = [*path, named], rest
    return {"field": ".".join(path) or "body", "message": message}


# --- bodies ------------------------------------------------------------------------------


def parse_body(model: type[Model], raw: bytes | str) -> Model:
    """The body as `model`, or one 422 naming every wrong field (shape and rules)."""
    data, problems = _decode(raw)
    try:
        parsed = model.model_validate_json(raw, strict=True)
    except ValidationError as exc:
        shape = problems + [_field_error(e) for e in exc.errors() if e["loc"] and e["type"] != RULE]
        # a nested model's rules come as value errors at its field; the top model's are re-run on the valid fields
        nested = [_field_error(e) for e in exc.errors() if e["loc"] and e["type"] == RULE]
        failed = {str(e["loc"][0]) for e in exc.errors() if e["loc"]}
        rules = _rules(model, _valid_fields(model, data, failed))
        if not (shape or nested or rules):  # `[]`, `"x"`: no field to name but the body itself
            shape = [{"field": "body", "message": "must be a JSON object"}]
        raise invalid(_merge(shape + nested, rules), code="validation_error" if shape else "rule_violation") from None
    if problems:
        raise invalid(problems)
    return parsed


async def read_body(request: web.Request, model: type[Model], check: Check | None = None) -> Model:
    """The request body as `model`; `check` adds problems only the services know (an unknown guide…).

    All of it is reported in one 422: `validation_error` when the body does not have the
    documented shape, `rule_violation` when it does but breaks a rule (a date order, a
    reference to something that does not exist).
    """
    return await parse_checked(model, await request.read(), check)


async def parse_checked(model: type[Model], raw: bytes | str, check: Check | None = None) -> Model:
    """`parse_body` plus `check`'s problems on the fields that are valid, all in one 422 (the console's forms too)."""
    try:
        return await _checked(parse_body(model, raw), check)
    except ApiError as exc:
        if exc.status != 422 or check is None:
            raise
        data, _ = _decode(raw)
        failed = {f["field"].split(".")[0] for f in exc.fields}
        extra = await check(_valid_fields(model, data, failed))
        raise invalid(_merge(exc.fields, extra), code=exc.code) from None


async def _checked(parsed: Model, check: Check | None) -> Model:
    if check is not None:
        problems = await check(dict(parsed))
        if problems:
            raise invalid(_merge([], problems), code="rule_violation")
    return parsed


def _merge(errors: list[dict[str, str]], problems: Iterable[tuple[str, str]]) -> list[dict[str, str]]:
    seen = {(e["field"], e["message"]) for e in errors}
    return errors + [{"field": f, "message": m} for f, m in problems if (f, m) not in seen]


def _decode(raw: bytes | str) -> tuple[Any, list[dict[str, str]]]:
    """The JSON value (None if it is not JSON) and a problem for every string holding a NUL character."""
    try:
        data = json.loads(raw)
    except ValueError:
        return None, []
    problems, stack = [], [((), data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                if "\x00" in key:
                    problems.append({"field": ".".join(path) or "body", "message": "a key holds a NUL character"})
                stack.append(((*path, key), item))
        elif isinstance(value, list):
            stack.extend(((*path, str(n)), item) for n, item in enumerate(value))
        elif isinstance(value, str) and "\x00" in value:
            problems.append({"field": ".".join(path) or "body", "message": "must not contain NUL characters"})
    return data, sorted(problems, key=lambda p: p["field"])


def _valid_fields(model: type[BaseModel], data: Any, failed: set[str]) -> dict[str, Any]:
    """The top-level fields that are valid on their own, so rules between them can still be checked."""
    if not isinstance(data, dict):
        return {}
    values = {}
    for name, info in model.model_fields.items():
        if name in failed:
            continue
        if name not in data:
            if not info.is_required():
                values[name] = info.get_default(call_default_factory=True)
            continue
        try:
            values[name] = _field_adapter(model, name).validate_json(json.dumps(data[name]), strict=True)
        except (ValidationError, TypeError, ValueError):
            pass
    return values


@functools.cache
def _field_adapter(model: type[BaseModel], name: str) -> TypeAdapter:
    info = model.model_fields[name]
    return TypeAdapter(Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation)


def _rules(model: type[BaseModel], values: dict[str, Any]) -> Problems:
    rules = getattr(model, "rules", None)
    return list(rules(values)) if rules else []


# --- answers -----------------------------------------------------------------------------


def json_ok(value: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    data = TypeAdapter(type(value)).dump_python(value, mode="json")
    return web.json_response(data, status=status, headers=headers, dumps=dumps)


def path_params(request: web.Request) -> dict[str, Any]:
    """The route's path parameters, already checked against their types."""
    return request[PATH_PARAMS]


def query_params(request: web.Request) -> Any:
    """The route's query model, already checked."""
    return request[QUERY]


class Caller(Protocol):
    """Whoever an API request speaks for, as far as the plumbing needs to know."""

    @property
    def actor(self) -> str: ...  # how the audit trail names them

    @property
    def role(self) -> str: ...

    @property
    def is_hq(self) -> bool: ...  # False: the caller sees only some stores, so only `scoped` routes open

    def can(self, permission: str) -> bool: ...


# Who a bearer secret stands for, or None for no one (401).
Resolver = Callable[[web.Request, str], Awaitable[Caller | None]]


@dataclass(frozen=True)
class Change:
    """A change the API made, as the audit trail keeps it."""

    actor: str
    action: str
    target: str  # the resource's path (and query)
    before: Any  # the resource's state before, where one existed
    after: Any  # the response body


Recorder = Callable[[web.Request, Change], Awaitable[None]]


def caller(request: web.Request) -> Any:
    """The request's caller, resolved from its bearer secret (the type the resolver makes)."""
    return request[CALLER]


def api_middlewares(resolve: Resolver, enabled: bool = True) -> list:
    """`enabled` is False while HQ_API_TOKEN is unset: the API answers 503 until a deployment turns it on."""

    @web.middleware
    async def errors(request: web.Request, handler: Handler):
        if not request.path.startswith(API_PREFIX):
            return await handler(request)
        try:
            return await handler(request)
        except ApiError as exc:
            headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
            return error_response(exc.status, exc.code, exc.message, exc.fields, headers=headers)
        except web.HTTPException as exc:
            if exc.status < 400:
                raise
            headers = {"Allow": exc.headers["Allow"]} if "Allow" in exc.headers else None
            return error_response(exc.status, exc.reason.lower().replace(" ", "_"), exc.reason, headers=headers)

    @web.middleware
    async def bearer(request: web.Request, handler: Handler):
        if request.path.startswith("/api/v1/"):
            if not enabled:
                raise ApiError(503, "api_disabled", "HQ API disabled: set HQ_API_TOKEN")
            scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
            found = await resolve(request, secret) if scheme.lower() == "bearer" and secret else None
            if found is None:
                raise ApiError(401, "unauthorized", "missing, wrong or revoked bearer token")
            request[CALLER] = found
        return await handler(request)

    return [errors, bearer]


# --- routes and the document -------------------------------------------------------------


@dataclass(frozen=True)
class ApiRoute:
    """One HQ API route with what the OpenAPI document says about it.

    `permission` is what the caller must hold (403 otherwise). `scoped` says the handler
    keeps to the caller's stores, or shows only what any guide may see anyway: only such
    routes open to callers who see some stores (branch leads, store managers), so a route
    that forgets its scope is closed to them rather than leaking.

    `params` types the path parameters (an `…_id` is an `Id` unless said otherwise); a
    value that does not fit answers 404. `query` is a pydantic model of the query string
    (422 naming the parameter). `errors` adds statuses the handler itself can answer.

    A change (any method but GET) that succeeds is audited: `before` loads the resource's
    state before the handler runs (None where there is none yet); `secret_fields` are
    response fields the audit trail must never keep. The trail records the English
    `summary` (what API readers filter on); a change also names itself in Chinese in
    `title`, which the HQ console shows instead, since its readers are HQ staff.
    """

    method: str
    path: str
    handler: Handler
    summary: str
    tag: str
    permission: str
    scoped: bool = False
    body: Any = None
    body_content_types: tuple[str, ...] = ("application/json",)
    response: Any = None
    response_status: int = 200
    response_content_types: tuple[str, ...] = ("application/json",)
    params: dict[str, Any] = field(default_factory=dict)
    query: type[BaseModel] | None = None
    errors: dict[int, str] = field(default_factory=dict)
    before: Callable[[web.Request], Awaitable[Any]] | None = None
    secret_fields: tuple[str, ...] = ()
    title: str = ""

    def __post_init__(self) -> None:
        if not self.permission:
            raise TypeError(f"{self.method} {self.path}: name the permission the route needs")
        if self.is_change and not self.title:
            raise TypeError(f"{self.method} {self.path}: name the change in Chinese (title) for the audit trail")
        object.__setattr__(self, "permission", str(self.permission))  # an enum member reads as its value

    @property
    def is_change(self) -> bool:
        return self.method != "GET"

    @property
    def path_names(self) -> list[str]:
        return [part[1:-1] for part in self.path.split("/") if part.startswith("{")]

    def param_type(self, name: str) -> Any:
        if name in self.params:
            return self.params[name]
        if name.endswith("_id"):
            return Id
        raise TypeError(f"{self.path}: give the type of path parameter {name!r} in params")

    @property
    def statuses(self) -> dict[int, str]:
        statuses = {401: STATUS_TEXT[401], 403: STATUS_TEXT[403], 503: STATUS_TEXT[503]}
        if self.path_names:
            statuses[404] = STATUS_TEXT[404]
        if self.body is not None:
            statuses.update({413: STATUS_TEXT[413], 415: STATUS_TEXT[415], 422: STATUS_TEXT[422]})
        if self.query is not None:
            statuses[422] = STATUS_TEXT[422]
        return {**statuses, **self.errors}


MAX_ID = 2**31 - 1
Id = Annotated[int, "id"]  # a row id: 1 … 2³¹-1, the range of the id columns on SQLite and PostgreSQL
_ID_PATTERN = re.compile(r"[1-9][0-9]{0,9}")


def _parse_path(route: ApiRoute, request: web.Request) -> dict[str, Any]:
    values = {}
    for name in route.path_names:
        raw = request.match_info[name]
        kind = route.param_type(name)
        if kind is Id:
            value = int(raw) if _ID_PATTERN.fullmatch(raw) else 0
            if not 1 <= value <= MAX_ID:
                raise ApiError(404, "not_found", f"no such {name.removesuffix('_id')}", [_not_found(name)])
            values[name] = value
            continue
        try:
            values[name] = TypeAdapter(kind).validate_strings(raw)
        except ValidationError:
            raise ApiError(404, "not_found", f"no such {name}", [_not_found(name)]) from None
    return values


def _not_found(name: str) -> dict[str, str]:
    return {"field": name, "message": "does not exist"}


def _guard(route: ApiRoute, record: Recorder) -> Handler:
    """Checks the caller's permission and what the document promises before the handler runs; audits a change."""

    async def handler(request: web.Request) -> web.StreamResponse:
        _permit(route, caller(request))
        request[PATH_PARAMS] = _parse_path(route, request)
        if route.query is not None:
            try:
                request[QUERY] = route.query.model_validate_strings(dict(request.query))
            except ValidationError as exc:
                raise validation_error(exc) from None
        if route.body is not None and request.content_type not in route.body_content_types:
            raise ApiError(
                415,
                "unsupported_media_type",
                f"send the body as {' or '.join(route.body_content_types)}",
                [{"field": "Content-Type", "message": f"{request.content_type} is not accepted"}],
            )
        if not route.is_change:
            return await route.handler(request)
        before = _jsonable(await route.before(request)) if route.before else None
        response = await route.handler(request)
        if 200 <= response.status < 300:
            after = _audited_body(response, route.secret_fields)
            await record(request, Change(caller(request).actor, route.summary, request.path_qs, before, after))
        return response

    return handler


def _permit(route: ApiRoute, who: Caller) -> None:
    if not who.can(route.permission):
        raise ApiError(403, "forbidden", f"role {who.role} lacks the {route.permission!r} permission")
    if not route.scoped and not who.is_hq:
        raise ApiError(403, "forbidden", f"role {who.role} lacks the {route.permission!r} permission for every store")


def _jsonable(value: Any) -> Any:
    return None if value is None else TypeAdapter(type(value)).dump_python(value, mode="json")


def _audited_body(response: web.StreamResponse, secret_fields: tuple[str, ...]) -> Any:
    """The JSON the caller got, without the fields that must never be stored (a new token's secret)."""
    if not isinstance(response, web.Response) or response.content_type != "application/json" or not response.body:
        return None
    body = json.loads(response.body)
    if isinstance(body, dict):
        body = {key: value for key, value in body.items() if key not in secret_fields}
    return body


def setup_api(
    app: web.Application, routes: list[ApiRoute], title: str, version: str, record: Recorder, access: str = ""
) -> None:
    """Mounts the routes and /api/openapi.json; `access` tells the document's readers who may do what."""
    for route in routes:
        app.router.add_route(route.method, route.path, _guard(route, record))
    app[API_ROUTES] = routes
    document = app[OPENAPI] = openapi_document(routes, title, version, access)
    text = dumps(document)

    async def openapi(request: web.Request) -> web.Response:
        return web.Response(text=text, content_type="application/json")

    app.router.add_get("/api/openapi.json", openapi)


def audited_titles(routes: Iterable[ApiRoute]) -> dict[str, str]:
    """Each change route's recorded action (its summary) → its Chinese title: the console's names for API changes."""
    return {route.summary: route.title for route in routes if route.is_change}


DESCRIPTION = """\
HQ's API to guidebot. Every request needs `Authorization: Bearer <token>`: the deployment's
HQ_API_TOKEN (every permission), or a named API token that HQ created with a role and a scope
(`POST /api/v1/tokens`; its secret starts with `gbt_` and is shown once). A revoked token is
refused at once (401). A route the token's role may not use answers 403 `forbidden`; each
operation names the permission it needs. Every change made through the API is recorded in the
audit trail (`GET /api/v1/audit`): who, when, what, and the state before and after.

Errors always have one shape: `{"error": {"code", "message", "fields": [{"field", "message"}]}}`.
A 422 names every wrong field at once. Its code is `validation_error` when the input does not
have the documented shape, and `rule_violation` (or a more specific code such as
`insufficient_coins`) when it does but breaks a rule the schema cannot state: an unknown guide,
an end before the start, an order recorded before with other values.

Strings never hold NUL characters. Counts are integers; money is a decimal string in yuan with
two places (`"1200.00"`); times are RFC 3339 with an offset.
"""


def openapi_document(routes: list[ApiRoute], title: str, version: str, access: str = "") -> dict:
    schemas: dict[str, Any] = {}

    def ref(annotation: Any, mode: str = "validation") -> dict:
        schema = TypeAdapter(annotation).json_schema(ref_template=REF_TEMPLATE, mode=mode)
        schemas.update(schema.pop("$defs", {}))
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            schemas[annotation.__name__] = schema
            return {"$ref": REF_TEMPLATE.format(model=annotation.__name__)}
        return schema

    error = {"content": {"application/json": {"schema": ref(ErrorResponse, "serialization")}}}
    paths: dict[str, dict] = {}
    for route in routes:
        success: dict[str, Any] = {"description": "OK"}
        if route.response is not None:
            schema = ref(route.response, "serialization")
            success["content"] = {
                ctype: {"schema": schema if ctype == "application/json" else {"type": "string"}}
                for ctype in route.response_content_types
            }
        responses = {str(route.response_status): success}
        for status, text in sorted(route.statuses.items()):
            responses[str(status)] = {"description": text, **error}
        operation: dict[str, Any] = {
            "summary": route.summary,
            "description": _needs(route),
            "tags": [route.tag],
            "security": [{"bearer": []}],
            "responses": responses,
        }
        parameters = [_path_parameter(route, name) for name in route.path_names]
        if route.query is not None:
            query_schema = route.query.model_json_schema(ref_template=REF_TEMPLATE)
            schemas.update(query_schema.pop("$defs", {}))
            for name, prop in query_schema.get("properties", {}).items():
                prop = dict(prop)
                description = prop.pop("description", "")
                prop.pop("title", None)
                branches = [b for b in prop.pop("anyOf", []) if b != {"type": "null"}]
                if branches:  # an absent parameter is how a query says "none"
                    prop.pop("default", None)
                    prop.update(branches[0] if len(branches) == 1 else {"anyOf": branches})
                parameters.append(
                    {"name": name, "in": "query", "required": False, "schema": prop, "description": description}
                )
        if parameters:
            operation["parameters"] = parameters
        if route.body is not None:
            body_schema = ref(route.body)
            operation["requestBody"] = {
                "required": True,
                "content": {
                    ctype: {"schema": body_schema if ctype == "application/json" else {"type": "string"}}
                    for ctype in route.body_content_types
                },
            }
        paths.setdefault(route.path, {})[route.method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version, "description": DESCRIPTION + access},
        "paths": paths,
        "components": {"schemas": schemas, "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    }


def _needs(route: ApiRoute) -> str:
    whom = "any role holding it, within its scope" if route.scoped else "HQ roles only"
    return f"Needs the `{route.permission}` permission ({whom})."


def _path_parameter(route: ApiRoute, name: str) -> dict[str, Any]:
    kind = route.param_type(name)
    if kind is Id:
        schema = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
    else:
        schema = TypeAdapter(kind).json_schema()
        schema.pop("title", None)
    return {"name": name, "in": "path", "required": True, "schema": schema}
