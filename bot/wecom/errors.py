"""WeCom error codes and what each means for us."""

from __future__ import annotations

TOKEN_INVALID = {40001, 40014, 42001}
BACK_OFF = {45009, 45033, -1}
CONFIGURATION = {
    60020: "this server's IP is not on the app's trusted IP list",
    48002: "the API is not allowed for this app",
}

WELCOME_ALREADY_SENT = 41051
WELCOME_CODE_INVALID = 40097
WELCOME_BUSY_ELSEWHERE = 41096


class WeComError(Exception):
    """WeCom answered a non-zero errcode (after any retries the client does itself)."""

    def __init__(self, errcode: int, errmsg: str, path: str) -> None:
        super().__init__(f"WeCom {path} errcode {errcode}: {errmsg}")
        self.errcode = errcode
        self.errmsg = errmsg
        self.path = path

    @property
    def retryable(self) -> bool:
        return self.errcode in BACK_OFF or self.errcode in TOKEN_INVALID


class WeComConfigError(WeComError):
    """A configuration problem (trusted IP, permissions): retrying cannot help, a person must act."""


class WeComUnavailable(Exception):
    """No answer we could use (HTTP 5xx, timeouts) after the client's retries."""

    retryable = True
