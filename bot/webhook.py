"""GET/POST /wecom/callback: verify, decrypt, parse, store, ack; handling happens in the background."""

from __future__ import annotations

import logging

from aiohttp import web

from bot.crypto import CallbackCrypto, CallbackRejected
from bot.events import parse_event
from config.services import SERVICES, Services

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 64 * 1024


async def verify_url(request: web.Request) -> web.Response:
    """WeCom's URL check when the callback is configured: answer the decrypted echostr."""
    services = request.app[SERVICES]
    try:
        crypto = _crypto(services)
        query = _signed_query(request, "echostr")
        plain = crypto.verify_url(query["msg_signature"], query["timestamp"], query["nonce"], query["echostr"])
    except CallbackRejected as rejected:
        return _reject(request, services, rejected)
    return web.Response(text=plain)


async def receive_callback(request: web.Request) -> web.Response:
    """Store the decrypted event, then ack at once; a WeCom retry of a stored event is acked and dropped."""
    services = request.app[SERVICES]
    try:
        crypto = _crypto(services)
        query = _signed_query(request)
        body = await _bounded_body(request)
        xml = crypto.decrypt_callback(body, query["msg_signature"], query["timestamp"], query["nonce"])
        event = parse_event(xml)
    except CallbackRejected as rejected:
        return _reject(request, services, rejected)
    try:
        row = await services.inbox.store(xml, event)
    except Exception as exc:
        # Not acknowledged, so still WeCom's: it retries, and the retry is stored once the database is back.
        services.metrics.callbacks.labels(outcome="not_stored").inc()
        log.error("callback not stored, answered 503 for WeCom to retry: %s", type(exc).__name__)
        return web.Response(status=503, text="cannot store the callback now; retry")
    if row is None:
        services.metrics.callbacks.labels(outcome="duplicate").inc()
    else:
        services.metrics.callbacks.labels(outcome="accepted").inc()
        services.inbox.handle_in_background(row)
    return web.Response(text="")


def setup_routes(app: web.Application) -> None:
    app.router.add_get("/wecom/callback", verify_url)
    app.router.add_post("/wecom/callback", receive_callback)


def _crypto(services: Services) -> CallbackCrypto:
    if services.crypto is None:
        raise CallbackRejected(503, "callback not configured: set WECOM_CALLBACK_TOKEN and WECOM_ENCODING_AES_KEY")
    return services.crypto


def _reject(request: web.Request, services: Services, rejected: CallbackRejected) -> web.Response:
    services.metrics.callbacks.labels(outcome=f"rejected_{rejected.status}").inc()
    log.warning("callback rejected %s from %s: %s", rejected.status, request.remote, rejected.reason)
    return web.Response(status=rejected.status, text=rejected.reason)


def _signed_query(request: web.Request, *extra: str) -> dict[str, str]:
    names = ("msg_signature", "timestamp", "nonce", *extra)
    missing = [name for name in names if not request.query.get(name)]
    if missing:
        raise CallbackRejected(403, f"missing {', '.join(missing)}")
    return {name: request.query[name] for name in names}


async def _bounded_body(request: web.Request) -> bytes:
    """The whole body, however many TCP segments it arrives in, up to the limit."""
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        raise CallbackRejected(413, "body over 64 KiB")
    body = bytearray()
    while chunk := await request.content.read(MAX_BODY_BYTES + 1 - len(body)):
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            raise CallbackRejected(413, "body over 64 KiB")
    return bytes(body)
