"""The running service: health, metrics, the OpenAPI document, the demo organisation."""

from config.app import create_app
from org.models import Guide
from tests.bot.test_webhook import post_callback
from tests.support.wecom import text_xml


async def test_healthz_checks_database_and_redis(client):
    response = await client.get("/healthz")

    assert response.status == 200
    assert await response.json() == {"status": "ok", "db": "ok", "redis": "ok"}


async def test_healthz_stays_ready_but_says_degraded_when_only_redis_is_gone(client, services):
    await services.redis.aclose()
    services.redis.connection_pool.connection_kwargs["path"] = "/nonexistent/redis.sock"
    services.redis.connection_pool.connection_kwargs["port"] = 1

    response = await client.get("/healthz")

    assert response.status == 200
    assert await response.json() == {"status": "degraded", "db": "ok", "redis": "down"}


async def test_livez_answers_while_the_process_serves(client):
    response = await client.get("/livez")

    assert (response.status, await response.json()) == (200, {"status": "ok"})


async def test_metrics_count_callbacks_inbox_outbox_and_wecom_calls(client, services):
    await post_callback(client, text_xml("zhangsan", "帮助"))
    await client.post("/wecom/callback?msg_signature=x&timestamp=1&nonce=1", data=b"<xml/>")
    await services.inbox.drain()
    await services.outbox.drain()

    text = await (await client.get("/metrics")).text()

    assert 'guidebot_callbacks_total{outcome="accepted"} 1.0' in text
    assert 'guidebot_callbacks_total{outcome="rejected_403"} 1.0' in text
    assert 'guidebot_outbox_rows{status="sent"} 1.0' in text
    assert "guidebot_inbox_pending 0.0" in text
    assert 'guidebot_wecom_api_calls_total{errcode="0",path="message/send"} 1.0' in text


async def test_the_openapi_document_lists_exactly_the_api_routes(client):
    document = await (await client.get("/api/openapi.json")).json()

    served = {
        (route.method.lower(), route.resource.canonical)
        for route in client.app.router.routes()
        if route.resource.canonical.startswith("/api/v1/")
    }
    documented = {(method, path) for path, operations in document["paths"].items() for method in operations}
    assert documented == served
    assert "OrgImport" in document["components"]["schemas"]
    assert document["paths"]["/api/v1/guides"]["get"]["responses"]["200"]["content"]["application/json"]["schema"][
        "items"
    ] == {"$ref": "#/components/schemas/GuideOut"}


async def test_a_first_start_on_an_empty_database_loads_the_demo_organisation(aiohttp_client, settings):
    await aiohttp_client(create_app(settings.model_copy(update={"demo_data": True})))

    assert await Guide.all().count() == 300
