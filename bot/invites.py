"""The membership invite (会员注册邀请) a new customer gets as the guide's welcome message."""

from __future__ import annotations

import logging
from urllib.parse import quote

from bot.events import ContactAdded
from bot.metrics import BotMetrics
from bot.models import OutboxMessage
from bot.outbox import SEND_WELCOME_MSG, Outbox
from bot.replies import Reply
from bot.wecom.errors import WELCOME_ALREADY_SENT, WELCOME_CODE_INVALID, WeComError
from org.models import Guide

log = logging.getLogger(__name__)

WELCOME_KEY = "welcome:"
LINK_TITLE = "注册会员，领新人礼"
UNNAMED_GUIDE = "您的专属导购"
FORWARD_BY_HAND = "新客户已添加你为好友{reason}，请把会员注册链接发给TA：{link}"
WHY_NOT_SENT = {
    WELCOME_ALREADY_SENT: "（已发过欢迎语或客户已在聊天）",
    WELCOME_CODE_INVALID: "（欢迎语已过期）",
}


class InviteService:
    """The membership invite as the guide's welcome message, within WeCom's 20 s welcome_code window."""

    def __init__(self, outbox: Outbox, metrics: BotMetrics, *, invite_url: str, invite_text: str) -> None:
        self._outbox = outbox
        self._metrics = metrics
        self._invite_url = invite_url
        self._invite_text = invite_text
        outbox.on_settled(SEND_WELCOME_MSG, self._welcome_settled)

    def invite_link(self, guide_userid: str, store_code: str, state: str) -> str:
        return self._invite_url.format(
            guide=quote(guide_userid, safe=""), store=quote(store_code, safe=""), state=quote(state, safe="")
        )

    async def send_welcome_invite(self, event: ContactAdded, guide: Guide | None, key: str) -> None:
        """Send the invite with the one-shot welcome_code at once, not behind other traffic.

        How it ends, here or in a later retry, is settled once in `_welcome_settled`.
        """
        link = self.invite_link(event.user_id, guide.store.code if guide else "", event.state)
        if not event.welcome_code:
            await self._ask_guide_to_forward(event.user_id, key, link, "")
            self._metrics.invites.labels(outcome="no_welcome_code").inc()
            return
        text = self._invite_text.format(guide_name=guide.name if guide else UNNAMED_GUIDE)
        row = await self._outbox.enqueue(
            f"{WELCOME_KEY}{key}",
            SEND_WELCOME_MSG,
            {
                "welcome_code": event.welcome_code,
                "text": text,
                "link_title": LINK_TITLE,
                "link_url": link,
                "guide": event.user_id,
            },
        )
        await self._outbox.send_now(row)

    async def _welcome_settled(self, row: OutboxMessage, error: Exception | None) -> None:
        """Count the outcome; when the welcome_code could not be used, the guide forwards the link, once."""
        outcome = "sent" if error is None else f"errcode_{error.errcode}" if isinstance(error, WeComError) else "failed"
        self._metrics.invites.labels(outcome=outcome).inc()
        if error is not None:
            log.info("welcome invite not delivered (%s); asking the guide to forward it", outcome)
            reason = WHY_NOT_SENT.get(error.errcode, "") if isinstance(error, WeComError) else ""
            key = row.key.removeprefix(WELCOME_KEY)
            await self._ask_guide_to_forward(row.payload["guide"], key, row.payload["link_url"], reason)

    async def _ask_guide_to_forward(self, guide_userid: str, key: str, link: str, reason: str) -> None:
        line = FORWARD_BY_HAND.format(reason=reason, link=link)
        await self._outbox.enqueue_message(
            f"invite-by-hand:{key}", [guide_userid], Reply.text(line).message_body(), urgent=True
        )
