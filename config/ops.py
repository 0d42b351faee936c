"""/healthz and /metrics: for the load balancer and Prometheus."""

from __future__ import annotations

import logging

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from tortoise import connections

from config.services import SERVICES

log = logging.getLogger(__name__)


async def healthz(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    checks = {}
    try:
        await connections.get("default").execute_query("SELECT 1")
        checks["db"] = "ok"
    except Exception as exc:
        log.warning("health check: database: %s", type(exc).__name__)
        checks["db"] = "down"
    try:
        await services.redis.ping()
        checks["redis"] = "ok"
    except Exception as exc:
        log.warning("health check: redis: %s", type(exc).__name__)
        checks["redis"] = "down"
    healthy = all(value == "ok" for value in checks.values())
    return web.json_response({"status": "ok" if healthy else "down", **checks}, status=200 if healthy else 503)


async def metrics(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    services.metrics.inbox_pending.set(await services.inbox.pending_count())
    for status, count in (await services.outbox.count_by_status()).items():
        services.metrics.outbox_rows.labels(status=status).set(count)
    return web.Response(body=generate_latest(services.metrics.registry), headers={"Content-Type": CONTENT_TYPE_LATEST})


def setup_routes(app: web.Application) -> None:
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics)
