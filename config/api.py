"""HQ API plumbing: bearer auth, one JSON error shape, and an OpenAPI document built from the routes."""

from __future__ import annotations

import hmac
import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from pydantic import BaseModel, TypeAdapter, ValidationError

API_PREFIX = "/api/"
OPENAPI = web.AppKey("openapi", dict)
REF_TEMPLATE = "#/components/schemas/{model}"


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, fields: list[dict] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.fields = status, code, message, fields or []


class ErrorBody(BaseModel):
    code: str
    message: str
    fields: list[dict[str, str]] = []


class ErrorResponse(BaseModel):
    error: ErrorBody


def error_response(status: int, code: str, message: str, fields: list[dict] | None = None) -> web.Response:
    body = ErrorResponse(error=ErrorBody(code=code, message=message, fields=fields or []))
    return web.json_response(body.model_dump(), status=status)


def validation_error(exc: ValidationError) -> ApiError:
    fields = [_field_error(error) for error in exc.errors()]
    names = ", ".join(sorted({f["field"] for f in fields}))
    return ApiError(422, "validation_error", f"invalid fields: {names}", fields)


def _field_error(error: dict) -> dict[str, str]:
    """A whole-model check names its field at the start of its message: `end_date: is before start_date`."""
    path = [str(part) for part in error["loc"]]
    message = error["msg"].removeprefix("Value error, ")
    named, _, rest = message.partition(": ")
    if rest and re.fullmatch(r"[a-z_]+(\.[a-z_]+)*", named):
        path, message = [*path, named], rest
    return {"field": ".".join(path) or "body", "message": message}


def parse_body(model: type[BaseModel], raw: bytes | str) -> Any:
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        raise validation_error(exc) from None


def json_ok(value: Any, status: int = 200) -> web.Response:
    return web.json_response(TypeAdapter(type(value)).dump_python(value, mode="json"), status=status)


def api_middlewares(token: str) -> list:
    @web.middleware
    async def errors(request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]):
        if not request.path.startswith(API_PREFIX):
            return await handler(request)
        try:
            return await handler(request)
        except ApiError as exc:
            return error_response(exc.status, exc.code, exc.message, exc.fields)
        except web.HTTPException as exc:
            if exc.status < 400:
                raise
            return error_response(exc.status, exc.reason.lower().replace(" ", "_"), exc.reason)

    @web.middleware
    async def bearer(request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]):
        if request.path.startswith("/api/v1/"):
            if not token:
                raise ApiError(503, "api_disabled", "HQ API disabled: set HQ_API_TOKEN")
            scheme, _, given = request.headers.get("Authorization", "").partition(" ")
            if scheme.lower() != "bearer" or not hmac.compare_digest(given.encode(), token.encode()):
                raise ApiError(401, "unauthorized", "missing or wrong bearer token")
        return await handler(request)

    return [errors, bearer]


@dataclass(frozen=True)
class ApiRoute:
    """One HQ API route with what the OpenAPI document says about it."""

    method: str
    path: str
    handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    summary: str
    tag: str
    body: Any = None
    body_content_types: tuple[str, ...] = ("application/json",)
    response: Any = None
    response_status: int = 200
    query: dict[str, str] = field(default_factory=dict)


def setup_api(app: web.Application, routes: list[ApiRoute], title: str, version: str) -> None:
    for route in routes:
        app.router.add_route(route.method, route.path, route.handler)
    document = app[OPENAPI] = openapi_document(routes, title, version)

    async def openapi(request: web.Request) -> web.Response:
        return web.Response(text=json.dumps(document, ensure_ascii=False), content_type="application/json")

    app.router.add_get("/api/openapi.json", openapi)


def openapi_document(routes: list[ApiRoute], title: str, version: str) -> dict:
    schemas: dict[str, Any] = {}

    def ref(annotation: Any) -> dict:
        schema = TypeAdapter(annotation).json_schema(ref_template=REF_TEMPLATE)
        schemas.update(schema.pop("$defs", {}))
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            schemas[annotation.__name__] = schema
            return {"$ref": REF_TEMPLATE.format(model=annotation.__name__)}
        return schema

    error = {"content": {"application/json": {"schema": ref(ErrorResponse)}}}
    paths: dict[str, dict] = {}
    for route in routes:
        operation: dict[str, Any] = {
            "summary": route.summary,
            "tags": [route.tag],
            "security": [{"bearer": []}],
            "responses": {
                str(route.response_status): {
                    "description": "OK",
                    **({"content": {"application/json": {"schema": ref(route.response)}}} if route.response else {}),
                },
                "401": {"description": "missing or wrong bearer token", **error},
                "422": {"description": "invalid input", **error},
            },
        }
        if route.query:
            operation["parameters"] = [
                {"name": name, "in": "query", "required": False, "schema": {"type": "string"}, "description": text}
                for name, text in route.query.items()
            ]
        params = [part[1:-1] for part in route.path.split("/") if part.startswith("{")]
        if params:
            operation.setdefault("parameters", []).extend(
                {"name": name, "in": "path", "required": True, "schema": {"type": "string"}} for name in params
            )
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
        "info": {"title": title, "version": version},
        "paths": paths,
        "components": {"schemas": schemas, "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    }
