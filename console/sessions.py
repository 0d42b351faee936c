"""Who is signed in: an encrypted, HttpOnly, SameSite cookie (aiohttp-session with Fernet) that ends when idle.

The cookie holds only who signed in, when they were last seen, and the session's id. Their
role and scope are looked up again on every request, so a role taken away or a store manager
moved applies at once, without waiting for the session to end. The id names a Redis key that
lives while the session is in use: signing out deletes it, so a copy of the cookie taken
before is worth nothing after, though the cookie itself still decrypts.
"""

from __future__ import annotations

import secrets

from aiohttp import web
from aiohttp_session import Session, get_session, new_session

from console.pages import PRINCIPAL, services
from staff.access import Principal
from staff.models import LocalAccount

WHO = "who"  # "wecom:<userid>" or "local:<username>"
NAME = "name"
SEEN = "seen"  # unix seconds of the last request
EXPIRED = "expired"  # set on the fresh session that replaces an idle one, for the login page to say so
SESSION_ID = "sid"


async def start_session(request: web.Request, who: str, name: str) -> None:
    """A new session (a new cookie), so one planted before signing in is worth nothing after."""
    session_id = secrets.token_urlsafe(24)
    await services(request).redis.set(_live_key(session_id), who, ex=_idle_limit(request))
    session = await new_session(request)
    session.update({WHO: who, NAME: name, SEEN: _now(request), SESSION_ID: session_id})


async def end_session(request: web.Request) -> None:
    session = await get_session(request)
    if SESSION_ID in session:
        await services(request).redis.delete(_live_key(session[SESSION_ID]))
    session.invalidate()


async def signed_in(request: web.Request) -> Principal | None:
    """The person behind the cookie, or None when there is nobody, or the session has been idle too long."""
    session = await get_session(request)
    who = session.get(WHO)
    if who is None:
        return None
    if _now(request) - session.get(SEEN, 0) > _idle_limit(request):
        session.clear()
        session[EXPIRED] = True
        return None
    if not await services(request).redis.expire(_live_key(session.get(SESSION_ID, "")), _idle_limit(request)):
        session.clear()  # signed out (this cookie is a copy), or the session outlived its key
        return None
    session[SEEN] = _now(request)
    person = await _principal(request, who, session.get(NAME, ""))
    if person is None:
        session.clear()
    else:
        request[PRINCIPAL] = person
    return person


async def _principal(request: web.Request, who: str, name: str) -> Principal | None:
    kind, _, ident = who.partition(":")
    directory = services(request).staff
    if kind == "wecom":
        return await directory.for_member(ident, name)
    account = await LocalAccount.get_or_none(username=ident)
    return directory.for_account(account) if account is not None else None


def _live_key(session_id: str) -> str:
    return f"console:session:{session_id}"


def _idle_limit(request: web.Request) -> int:
    return services(request).settings.console_idle_minutes * 60


def _now(request: web.Request) -> int:
    return int(services(request).clock.now().timestamp())


async def was_expired(request: web.Request) -> bool:
    session: Session = await get_session(request)
    return bool(session.pop(EXPIRED, False))
