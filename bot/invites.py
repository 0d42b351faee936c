"""The membership invite (会员注册邀请) a new customer gets as the guide's welcome message."""

from __future__ import annotations

import logging
from urllib.parse import quote

from bot.events import ContactAdded
from bot.metrics import BotMetrics
from bot.outbox import SEND_WELCOME_MSG, Outbox
from bot.replies import Reply
from bot.wecom.errors import WELCOME_ALREADY_SENT, WELCOME_CODE_INVALID, WeComError
from org.models import Guide

log = logging.getLogger(__name__)

LINK_TITLE = "注册会员，领新人礼"
UNNAMED_GUIDE = "您的专属导购"
FORWARD_BY_HAND = "新客户已添加你为好友{reason}，请把会员注册链接发给TA：{link}"
WHY_NOT_SENT = {
    WELCOME_ALREADY_SENT: "（已发过欢迎语或客户已在聊天）",
    WELCOME_CODE_INVALID: "（欢迎语已过期）",
}


class InviteService:
    def __init__(self, outbox: Outbox, metrics: BotMetrics, *, invite_url: str, invite_text: str) -> None:
        self._outbox = outbox
        self._metrics = metrics
        self._invite_url = invite_url
        self._invite_text = invite_text

    def invite_link(self, guide_userid: str, store_code: str, state: str) -> str:
        return self._invite_url.format(
            guide=quote(guide_userid, safe=""), store=quote(store_code, safe=""), state=quote(state, safe="")
        )

    async def send_welcome_invite(self, event: ContactAdded, guide: Guide | None, key: str) -> str:
        """Send the invite with the one-shot welcome_code at once; when WeCom will not take it,
        push the guide one line with the link to forward by hand. Returns the outcome."""
        link = self.invite_link(event.user_id, guide.store.code if guide else "", event.state)
        if not event.welcome_code:
            return await self._ask_guide_to_forward(event, key, link, "", outcome="no_welcome_code")
        text = self._invite_text.format(guide_name=guide.name if guide else UNNAMED_GUIDE)
        row = await self._outbox.enqueue(
            f"welcome:{key}",
            SEND_WELCOME_MSG,
            {"welcome_code": event.welcome_code, "text": text, "link_title": LINK_TITLE, "link_url": link},
        )
        delivery = await self._outbox.send_now(row)
        if delivery.sent:
            self._metrics.invites.labels(outcome="sent").inc()
            return "sent"
        error = delivery.error
        if isinstance(error, WeComError) and error.errcode in WHY_NOT_SENT:
            log.info("welcome invite not taken by WeCom (errcode %s); asking the guide to forward it", error.errcode)
            return await self._ask_guide_to_forward(
                event, key, link, WHY_NOT_SENT[error.errcode], outcome=f"errcode_{error.errcode}"
            )
        outcome = "queued" if error is None else "failed"
        self._metrics.invites.labels(outcome=outcome).inc()
        return outcome

    async def _ask_guide_to_forward(self, event: ContactAdded, key: str, link: str, reason: str, outcome: str) -> str:
        line = FORWARD_BY_HAND.format(reason=reason, link=link)
        await self._outbox.enqueue_message(f"invite-by-hand:{key}", [event.user_id], Reply.text(line).message_body())
        self._metrics.invites.labels(outcome=outcome).inc()
        return outcome
