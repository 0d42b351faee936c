"""A fake WeCom API (aiohttp app) that enforces the rules our client must live with.

Tokens expire; message/send takes at most 1000 users and silently drops what exceeds a
member's 30/minute or 1000/hour; welcome codes are single-use and live 20 s; errors can be
queued per path (`fail_next`). Web-login codes are single-use and live 5 minutes; `/wwlogin/sso/login`
stands in for the QR code with a form asking for the member's UserID. An unknown path is recorded and answered 404, and the
fixture fails the test that caused it.

Run on its own for manual tries and benchmarks: `python -m tests.fakes.wecom_api --port 9100`.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import itertools
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from aiohttp import web

WELCOME_CODE_TTL = 20.0
LOGIN_CODE_TTL = 300.0


@dataclass
class Call:
    path: str
    params: dict
    json: dict | None
    at: float
    errcode: int | None = None  # what the fake answered (None: an HTTP error, or no answer yet)


@dataclass
class FakeWeCom:
    corp_id: str
    secret: str
    token_ttl: int = 7200
    clock: Callable[[], float] = time.monotonic
    accept_unissued_codes: bool = False  # standalone runs: a code first seen is taken as just issued
    calls: list[Call] = field(default_factory=list)
    unknown_paths: list[str] = field(default_factory=list)
    dropped: list[tuple[str, dict]] = field(default_factory=list)
    contact_types: dict[str, int] = field(default_factory=dict)
    _tokens: dict[str, float] = field(default_factory=dict)
    _welcome_codes: dict[str, float] = field(default_factory=dict)
    _login_codes: dict[str, tuple[str, float]] = field(default_factory=dict)  # code: (userid, issued at)
    _used_codes: set[str] = field(default_factory=set)
    delays: dict[str, float] = field(default_factory=dict)  # seconds a path takes to answer
    _failures: dict[str, deque] = field(default_factory=lambda: defaultdict(deque))
    _received: dict[str, deque] = field(default_factory=lambda: defaultdict(deque))
    _counter: itertools.count = field(default_factory=lambda: itertools.count(1))

    # --- test controls -------------------------------------------------------------------

    def fail_next(self, path: str, *, errcode: int | None = None, status: int = 200, times: int = 1) -> None:
        """The next `times` calls to `path` answer `errcode` (or HTTP `status`) instead of working."""
        for _ in range(times):
            self._failures[path].append((status, errcode))

    def issue_welcome_code(self, age: float = 0.0) -> str:
        code = f"WELCOME-{next(self._counter)}"
        self._welcome_codes[code] = self.clock() - age
        return code

    def use_welcome_code(self, code: str) -> None:
        """As if a welcome message had gone out with `code` (say, just before our process died)."""
        self._used_codes.add(code)

    def welcome_codes_used(self, codes: list[str]) -> int:
        """How many of `codes` carried a welcome message (each can carry one at most)."""
        return len(self._used_codes.intersection(codes))

    def issue_login_code(self, userid: str) -> str:
        """What WeCom's web login hands the browser after `userid` scans the QR code."""
        code = f"login-{next(self._counter)}"
        self._login_codes[code] = (userid, self.clock())
        return code

    def expire_tokens(self) -> None:
        self._tokens = {token: 0.0 for token in self._tokens}

    def calls_to(self, path: str) -> list[Call]:
        return [call for call in self.calls if call.path == path]

    def messages_to(self, user: str) -> list[dict]:
        return [call.json for call in self.calls_to("message/send") if user in call.json.get("touser", "").split("|")]

    # --- the app -------------------------------------------------------------------------

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/cgi-bin/{path:.*}", self._dispatch)
        app.router.add_get("/wwlogin/sso/login", self._login_page)
        app.router.add_post("/wwlogin/sso/login", self._log_in)
        return app

    async def _login_page(self, request: web.Request) -> web.Response:
        """Stands in for the QR code: type the member's UserID instead of scanning."""
        if request.query.get("appid") != self.corp_id:
            return web.Response(status=400, text="appid is not this corp")
        hidden = "".join(
            f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">' for k, v in request.query.items()
        )
        page = (
            '<!doctype html><meta charset="utf-8"><title>企业微信登录（模拟）</title>'
            f'<form method="post">{hidden}<label>成员 UserID <input name="userid" autofocus></label>'
            '<button type="submit">确认登录</button></form>'
        )
        return web.Response(text=page, content_type="text/html")

    async def _log_in(self, request: web.Request) -> web.Response:
        form = await request.post()
        code = self.issue_login_code(str(form.get("userid", "")))
        target = f"{form['redirect_uri']}?{urlencode({'code': code, 'state': form.get('state', '')})}"
        raise web.HTTPFound(target)

    async def _dispatch(self, request: web.Request) -> web.Response:
        path = request.match_info["path"]
        body = await request.json() if request.method == "POST" else None
        call = Call(path, dict(request.query), body, self.clock())
        self.calls.append(call)
        if path in self.delays:
            await asyncio.sleep(self.delays[path])
        handler = self._handlers().get(path)
        if handler is None:
            self.unknown_paths.append(path)
            return web.json_response({"errcode": 404, "errmsg": f"fake has no {path}"}, status=404)
        if path != "gettoken":
            if (failure := self._token_failure(request.query.get("access_token", ""))) is not None:
                call.errcode = failure["errcode"]
                return web.json_response(failure)
        if self._failures[path]:
            status, errcode = self._failures[path].popleft()
            if status != 200:
                return web.Response(status=status, text="bad gateway")
            call.errcode = errcode
            return web.json_response({"errcode": errcode, "errmsg": f"injected {errcode}"})
        answer = handler(request.query, body)
        call.errcode = answer["errcode"]
        return web.json_response(answer)

    def _handlers(self):
        return {
            "gettoken": self._gettoken,
            "message/send": self._message_send,
            "message/update_template_card": lambda query, body: {"errcode": 0, "errmsg": "ok"},
            "externalcontact/send_welcome_msg": self._send_welcome_msg,
            "externalcontact/get": self._get_external_contact,
            "auth/getuserinfo": self._get_user_info,
        }

    def _token_failure(self, token: str) -> dict | None:
        if token not in self._tokens:
            return {"errcode": 40014, "errmsg": "invalid access_token"}
        if self._tokens[token] < self.clock():
            return {"errcode": 42001, "errmsg": "access_token expired"}
        return None

    def _gettoken(self, query, body) -> dict:
        if query.get("corpid") != self.corp_id or query.get("corpsecret") != self.secret:
            return {"errcode": 40001, "errmsg": "invalid credential"}
        token = f"token-{next(self._counter)}"
        self._tokens[token] = self.clock() + self.token_ttl
        return {"errcode": 0, "errmsg": "ok", "access_token": token, "expires_in": self.token_ttl}

    def _message_send(self, query, body) -> dict:
        users = [user for user in body.get("touser", "").split("|") if user]
        if not users or len(users) > 1000:
            return {"errcode": 40058, "errmsg": "touser must hold 1 to 1000 users"}
        now = self.clock()
        for user in users:
            recent = self._received[user]
            while recent and recent[0] < now - 3600:
                recent.popleft()
            in_minute = sum(1 for at in recent if at > now - 60)
            if in_minute >= 30 or len(recent) >= 1000:
                self.dropped.append((user, body))
            else:
                recent.append(now)
        return {"errcode": 0, "errmsg": "ok", "invaliduser": "", "msgid": f"msg-{next(self._counter)}"}

    def _send_welcome_msg(self, query, body) -> dict:
        code = body.get("welcome_code", "")
        if self.accept_unissued_codes:
            self._welcome_codes.setdefault(code, self.clock())
        issued = self._welcome_codes.get(code)
        if issued is None or self.clock() - issued > WELCOME_CODE_TTL:
            return {"errcode": 40097, "errmsg": "invalid welcome_code"}
        if code in self._used_codes:
            return {"errcode": 41051, "errmsg": "welcome msg already sent"}
        self._used_codes.add(code)
        return {"errcode": 0, "errmsg": "ok"}

    def _get_external_contact(self, query, body) -> dict:
        external_userid = query.get("external_userid", "")
        return {
            "errcode": 0,
            "errmsg": "ok",
            "external_contact": {
                "external_userid": external_userid,
                "name": "顾客",
                "type": self.contact_types.get(external_userid, 1),
            },
        }

    def _get_user_info(self, query, body) -> dict:
        userid, issued = self._login_codes.pop(query.get("code", ""), ("", 0.0))
        if not userid or self.clock() - issued > LOGIN_CODE_TTL:
            return {"errcode": 40029, "errmsg": "invalid code"}
        return {"errcode": 0, "errmsg": "ok", "userid": userid}


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve the fake WeCom API")
    parser.add_argument("--port", type=int, default=9100)
    parser.add_argument("--corp-id", default="ww-demo")
    parser.add_argument("--secret", default="demo-secret")
    args = parser.parse_args()
    web.run_app(
        FakeWeCom(args.corp_id, args.secret, accept_unissued_codes=True).app(), host="127.0.0.1", port=args.port
    )


if __name__ == "__main__":
    main()
