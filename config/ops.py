"""/livez, /healthz and /metrics: for the orchestrator, the load balancer and Prometheus.

* /livez: 200 while the process serves HTTP. Restart the process when it stops answering.
* /healthz (readiness): 200 while the database answers, because then every callback is
  stored before its ack and nothing is lost. Redis down makes it "degraded", still 200:
  callbacks are accepted and their handling is retried once Redis is back, and taking every
  replica out of the load balancer for a shared Redis would only refuse WeCom's callbacks.
  503 only when the database is down (WeCom then retries its callbacks).
"""

from __future__ import annotations

import logging

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from tortoise import connections

from config.services import SERVICES

log = logging.getLogger(__name__)


async def livez(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


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
    if checks["db"] != "ok":
        status = "down"
    else:
        status = "ok" if checks["redis"] == "ok" else "degraded"
    return web.json_response({"status": status, **checks}, status=503 if status == "down" else 200)


async def metrics(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    services.metrics.inbox_pending.set(await services.inbox.pending_count())
    services.metrics.inbox_dead.set(await services.inbox.queue.dead_count())
    services.metrics.events_dead.set(await services.bus.queue.dead_count())
    for status, count in (await services.outbox.count_by_status()).items():
        services.metrics.outbox_rows.labels(status=status).set(count)
    return web.Response(body=generate_latest(services.metrics.registry), headers={"Content-Type": CONTENT_TYPE_LATEST})


def setup_routes(app: web.Application) -> None:
    app.router.add_get("/livez", livez)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics)
