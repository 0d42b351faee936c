"""What a crashed process leaves behind, and a restart of the app over it."""

from datetime import UTC, datetime

from bot.events import dedup_key, parse_event
from bot.models import InboxEvent
from config.app import create_app
from config.db import close_database, open_database
from config.services import SERVICES


async def stored_before_the_crash(settings, xml: str, **fields) -> None:
    """What the inbox holds when the process died right after the ack."""
    event = parse_event(xml)
    await open_database(settings.database_url)
    await InboxEvent.create(
        dedup_key=dedup_key(event, xml), kind=event.kind, payload=xml, received_at=datetime.now(UTC), **fields
    )
    await close_database()


async def restart(aiohttp_client, settings):
    """A new app over the same database, once it has handled what it took back at start-up."""
    client = await aiohttp_client(create_app(settings))
    await client.app[SERVICES].inbox.drain()
    return client
