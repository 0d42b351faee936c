"""A guide's link to the leaderboard page: signed, expiring, and naming no one but its holder.

The link carries who it was made for (a guide, or a private contest's page) and until when,
with an HMAC over both, so it can be neither guessed nor altered. The page trusts nothing
else in the query: a link that is expired or altered shows the public page with a notice,
never an error, because a guide taps it from a chat days later.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from urllib.parse import urlencode

from kernel.clock import Clock

LINK_LIFETIME = timedelta(days=7)
LINK_PARAM = "link"
MAC_BYTES = 16  # 128 bits: far past guessing, and the link stays short enough for a chat line
TOKEN = re.compile(r"([A-Za-z0-9_-]{1,400})\.([A-Za-z0-9_-]{22})")
PURPOSE = b"guidebot leaderboard link\n"  # a MAC made for anything else never verifies here


@dataclass(frozen=True)
class Holder:
    """Whom a valid link speaks for: a guide (their row is highlighted), or one contest's page."""

    guide: str | None = None
    contest: int | None = None


class LinkProblem(StrEnum):
    EXPIRED = "expired"
    INVALID = "invalid"

    @property
    def notice(self) -> str:
        if self is LinkProblem.EXPIRED:
            return "这个链接已过期，下面是公开排行榜。在企业微信里发「排行」可获取新链接。"
        return "这个链接无效，下面是公开排行榜。在企业微信里发「排行」可获取自己的链接。"


class PageLinks:
    """Makes and reads the signed links; the key comes from the composition root, the time from the clock."""

    def __init__(self, key: bytes, clock: Clock, *, public_url: str, lifetime: timedelta = LINK_LIFETIME) -> None:
        if len(key) < 16:
            raise ValueError("the link key must be at least 16 bytes")
        self._key = key
        self._clock = clock
        self._public_url = public_url.rstrip("/")
        self._lifetime = lifetime

    def for_guide(self, userid: str) -> str:
        """The URL a guide gets in chat (排行): the page, their row highlighted, for a week."""
        return f"{self._public_url}/leaderboard?{urlencode({LINK_PARAM: self.token(Holder(guide=userid))})}"

    def contest_page(self, contest_id: int) -> str:
        return f"{self._public_url}/leaderboard/contests/{contest_id}"

    def for_contest(self, contest_id: int) -> str:
        """The URL of a private contest's page that HQ hands out, for a week (ask the API again for a fresh one)."""
        return f"{self.contest_page(contest_id)}?{urlencode({LINK_PARAM: self.token(Holder(contest=contest_id))})}"

    def token(self, holder: Holder) -> str:
        expires = int((self._clock.now() + self._lifetime).timestamp())
        claims = (
            {"x": expires}
            | ({"g": holder.guide} if holder.guide else {})
            | ({"c": holder.contest} if holder.contest is not None else {})
        )
        payload = _b64(json.dumps(claims, separators=(",", ":"), ensure_ascii=False).encode())
        return f"{payload}.{_b64(self._mac(payload))}"

    def read(self, token: str) -> Holder | LinkProblem:
        """Who the link is for, or why it speaks for no one: the signature is checked before anything is believed."""
        match = TOKEN.fullmatch(token)
        if not match or not hmac.compare_digest(_unb64(match[2]) or b"", self._mac(match[1])):
            return LinkProblem.INVALID
        try:
            claims = json.loads(_unb64(match[1]) or b"")
        except ValueError:
            return LinkProblem.INVALID
        holder = _holder(claims)
        if holder is None:
            return LinkProblem.INVALID
        if claims["x"] <= self._clock.now().timestamp():
            return LinkProblem.EXPIRED
        return holder

    def _mac(self, payload: str) -> bytes:
        return hmac.new(self._key, PURPOSE + payload.encode(), hashlib.sha256).digest()[:MAC_BYTES]


def _holder(claims: object) -> Holder | None:
    """The claims of a link we signed; None for anything we never write (a key reused elsewhere, a bug)."""
    if not isinstance(claims, dict) or not isinstance(claims.get("x"), int):
        return None
    guide, contest = claims.get("g"), claims.get("c")
    if guide is not None and not (isinstance(guide, str) and guide):
        return None
    if contest is not None and not (isinstance(contest, int) and not isinstance(contest, bool)):
        return None
    if guide is None and contest is None:
        return None
    return Holder(guide=guide, contest=contest)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes | None:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        return None
