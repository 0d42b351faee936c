"""fans.ports.ContactDirectory over WeCom's externalcontact/get."""

from __future__ import annotations

import logging

from bot.wecom.client import WeComClient
from bot.wecom.errors import WeComError, WeComUnavailable

log = logging.getLogger(__name__)


class WeComContactDirectory:
    def __init__(self, client: WeComClient | None) -> None:
        self._client = client

    async def contact_type(self, external_userid: str) -> int | None:
        if self._client is None:
            return None
        try:
            answer = await self._client.get_external_contact(external_userid)
        except (WeComError, WeComUnavailable) as exc:
            log.warning("could not look up contact type of an external user: %s", exc)
            return None
        return answer.get("external_contact", {}).get("type")
