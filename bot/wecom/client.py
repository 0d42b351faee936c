"""Async WeCom API client on one aiohttp session (wechatpy's client is synchronous).

The access token is shared by every process through Redis and refreshed under a lock,
so a burst of sends causes one gettoken call.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable
from typing import Any

import aiohttp
from redis.asyncio import Redis

from bot.wecom.errors import (
    BACK_OFF,
    CONFIGURATION,
    TOKEN_INVALID,
    WELCOME_BUSY_ELSEWHERE,
    WeComConfigError,
    WeComError,
    WeComUnavailable,
)

log = logging.getLogger(__name__)

TOKEN_EARLY_REFRESH_SECONDS = 300
WELCOME_BUSY_RETRIES = 3

# Deletes the cached token only if it is still the one that failed, so a fresh one survives.
_DELETE_IF_EQUAL = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"


INVALID_CODE = 40029


class WeComClient:
    def __init__(
        self,
        session: aiohttp.ClientSession,
        redis: Redis,
        *,
        base_url: str,
        corp_id: str,
        secret: str,
        agent_id: int,
        max_attempts: int = 5,
        backoff_base: float = 0.2,
        on_call: Callable[[str, str], None] = lambda path, outcome: None,
    ) -> None:
        self._session = session
        self._redis = redis
        self._base_url = base_url.rstrip("/") + "/cgi-bin"
        self._corp_id = corp_id
        self._secret = secret
        self.agent_id = agent_id
        self._max_attempts = max_attempts
        self._backoff_base = backoff_base
        self._on_call = on_call
        self._token_key = f"wecom:token:{corp_id}:{agent_id}"
        self._local_lock = asyncio.Lock()
        self._delete_if_equal = redis.register_script(_DELETE_IF_EQUAL)

    async def send_message(self, touser: list[str], body: dict) -> dict:
        """message/send to at most 1000 members; `body` holds msgtype and its content."""
        if not 0 < len(touser) <= 1000:
            raise ValueError("message/send takes 1 to 1000 users")
        payload = {
            "touser": "|".join(touser),
            "agentid": self.agent_id,
            **body,
            "enable_duplicate_check": 1,
            "duplicate_check_interval": 1800,
        }
        return await self.call("POST", "message/send", json=payload)

    async def send_welcome_msg(self, welcome_code: str, text: str, link_title: str, link_url: str) -> dict:
        """Once per welcome_code, within 20 s of the event; 41096 (another app is sending) is retried briefly."""
        payload = {
            "welcome_code": welcome_code,
            "text": {"content": text},
            "attachments": [{"msgtype": "link", "link": {"title": link_title, "url": link_url}}],
        }
        attempt = 1
        while True:
            try:
                return await self.call("POST", "externalcontact/send_welcome_msg", json=payload, retry_busy=False)
            except WeComError as exc:
                if exc.errcode != WELCOME_BUSY_ELSEWHERE or attempt == WELCOME_BUSY_RETRIES:
                    raise
            await asyncio.sleep(self._backoff_base * attempt)
            attempt += 1

    async def get_external_contact(self, external_userid: str) -> dict:
        return await self.call("GET", "externalcontact/get", params={"external_userid": external_userid})

    async def member_for_login_code(self, code: str) -> str | None:
        """The UserID behind a web-login code; None for a used, expired or made-up code, or a non-member."""
        try:
            answer = await self.call("GET", "auth/getuserinfo", params={"code": code}, retry_busy=False)
        except WeComError as exc:
            if exc.errcode == INVALID_CODE:
                return None
            raise
        return answer.get("userid") or None

    async def call(
        self, method: str, path: str, *, params: dict | None = None, json: Any = None, retry_busy: bool = True
    ) -> dict:
        """One API call with WeCom's error policy.

        Token errors refresh the token and retry once; 45009/45033/-1, HTTP 5xx and timeouts
        back off with jitter (unless `retry_busy` is false, for calls with a short deadline);
        60020/48002 raise WeComConfigError at once.
        """
        token_retried = False
        for attempt in range(1, self._max_attempts + 1):
            token = await self.access_token()
            try:
                answer = await self._request(method, path, {**(params or {}), "access_token": token}, json)
            except WeComUnavailable:
                if not retry_busy or attempt == self._max_attempts:
                    raise
                await self._back_off(attempt)
                continue
            errcode = answer.get("errcode", 0)
            if errcode == 0:
                return answer
            if errcode in TOKEN_INVALID and not token_retried:
                token_retried = True
                await self._delete_if_equal(keys=[self._token_key], args=[token])
                continue
            if errcode in CONFIGURATION:
                log.error(
                    "WeCom %s refused: %s (errcode %s); fix the app's configuration",
                    path,
                    CONFIGURATION[errcode],
                    errcode,
                )
                raise WeComConfigError(errcode, answer.get("errmsg", ""), path)
            if errcode in BACK_OFF and retry_busy and attempt < self._max_attempts:
                await self._back_off(attempt)
                continue
            raise WeComError(errcode, answer.get("errmsg", ""), path)
        raise WeComUnavailable(f"WeCom {path}: no usable answer after {self._max_attempts} attempts")

    async def access_token(self) -> str:
        token = await self._redis.get(self._token_key)
        if token:
            return token.decode()
        async with self._local_lock:
            token = await self._redis.get(self._token_key)
            if token:
                return token.decode()
            async with self._redis.lock(self._token_key + ":lock", timeout=15, blocking_timeout=15):
                token = await self._redis.get(self._token_key)
                if token:
                    return token.decode()
                return await self._fetch_token()

    async def _fetch_token(self) -> str:
        answer = await self._request("GET", "gettoken", {"corpid": self._corp_id, "corpsecret": self._secret}, None)
        errcode = answer.get("errcode", 0)
        if errcode != 0:
            error_class = (
                WeComConfigError if errcode in CONFIGURATION or errcode in {40001, 40013, 40091} else WeComError
            )
            raise error_class(errcode, answer.get("errmsg", ""), "gettoken")
        token = answer["access_token"]
        ttl = max(int(answer.get("expires_in", 7200)) - TOKEN_EARLY_REFRESH_SECONDS, 60)
        await self._redis.set(self._token_key, token, ex=ttl)
        return token

    async def _request(self, method: str, path: str, params: dict, json: Any) -> dict:
        try:
            async with self._session.request(
                method, f"{self._base_url}/{path}", params=params, json=json, timeout=aiohttp.ClientTimeout(total=10)
            ) as response:
                if response.status >= 500:
                    self._on_call(path, f"http_{response.status}")
                    raise WeComUnavailable(f"WeCom {path}: HTTP {response.status}")
                answer = await response.json(content_type=None)
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            self._on_call(path, "network")
            raise WeComUnavailable(f"WeCom {path}: {type(exc).__name__}") from None
        self._on_call(path, str(answer.get("errcode", 0)))
        return answer

    async def _back_off(self, attempt: int) -> None:
        await asyncio.sleep(self._backoff_base * 2 ** (attempt - 1) * random.uniform(0.5, 1.5))
