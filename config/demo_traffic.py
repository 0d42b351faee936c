"""`guidebot demo-traffic`: drive a running service through its real front doors with the demo chain's day.

Callbacks are encrypted and signed with the bot's own crypto and posted to /wecom/callback as
WeCom posts them; sales go to POST /api/v1/sales with the HQ bearer token. So whatever the
service shows (fans, sales, progress, the leaderboard) moves the way production traffic moves
it. What to send is `config/demo_day.py`'s; this module sends it at a steady rate and keeps
the tally. It sits in config/ beside the other entry points because it needs the demo
credentials, the bot's crypto and the HQ API at once, and no domain package may touch aiohttp.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import secrets
import signal
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import TextIO
from zoneinfo import ZoneInfo

import aiohttp

from bot.crypto import CallbackCrypto, parse_xml_fields
from config.demo_day import AGENT_ID, LABELS, Callback, DemoDay, DemoGuide, Kind, OpenTask, SaleLine
from config.demo_mode import DemoCredentialsError, read_demo_credentials, with_demo_credentials
from config.settings import Settings
from kernel.clock import Clock, SystemClock

REPORT_EVERY_SECONDS = 5
MAX_IN_FLIGHT = 50  # a service that answers slowly is not buried under requests
MAX_TAPPED_TASKS = 5
REQUEST_TIMEOUT = aiohttp.ClientTimeout(total=10)

REFUSED = (
    "已设置真实的企业微信凭据（WECOM_*）：demo-traffic 不向真实企业的服务发送虚构的客户和业绩。确需发送，加 --force。\n"
    "Real WeCom credentials are set (WECOM_*): demo-traffic does not post made-up customers and sales to a real "
    "corp's service. Add --force if you mean it."
)
NOT_RUNNING = (
    "连不上 {url}：请先在另一个终端运行 make run（或 .venv/bin/guidebot serve）。\n"
    "Cannot reach {url}: start the service first with `make run` (or .venv/bin/guidebot serve) in another terminal."
)
NO_TASKS = (
    "点卡片：今天没有进行中的任务，不发（用 POST /api/v1/tasks 发布一个就有了）。\n"
    "Card taps skipped: no task is open today (publish one through POST /api/v1/tasks)."
)


class DemoTrafficError(Exception):
    """Why demo-traffic cannot go on, for the person at the terminal."""


def refusal(settings: Settings, *, force: bool) -> str | None:
    """Why demo-traffic will not run against these settings, or None: real WeCom credentials need --force."""
    if settings.wecom_configured and not force:
        return REFUSED
    return None


def signing_settings(settings: Settings) -> Settings:
    """The settings demo-traffic signs and authenticates with: demo mode's saved credentials, else the configured."""
    if not settings.wecom_configured:
        return with_demo_credentials(settings, read_demo_credentials(settings.var_dir))
    if not settings.callback_enabled:
        raise DemoTrafficError("WECOM_CALLBACK_TOKEN is not set: there is nothing to sign callbacks with")
    if not settings.hq_api_token.get_secret_value():
        raise DemoTrafficError("HQ_API_TOKEN is not set: sales cannot be posted")
    return settings


def drive_demo_traffic(settings: Settings, *, url: str, rate: float, minutes: float | None, force: bool) -> int:
    """The command: 0 when every request was answered 2xx, 1 when some were not or it could not run, 2 refused."""
    if reason := refusal(settings, force=force):
        print(reason, file=sys.stderr)
        return 2
    try:
        return asyncio.run(run(settings, url=url.rstrip("/"), rate=rate, minutes=minutes, out=sys.stdout))
    except (DemoTrafficError, DemoCredentialsError) as exc:
        print(f"guidebot demo-traffic: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # Ctrl-C before the first send: nothing to sum up
        return 130


async def run(settings: Settings, *, url: str, rate: float, minutes: float | None, out: TextIO) -> int:
    settings = signing_settings(settings)
    clock = SystemClock(ZoneInfo(settings.business_timezone))
    async with aiohttp.ClientSession(timeout=REQUEST_TIMEOUT) as session:
        doors = FrontDoors(session, url, settings, clock)
        try:
            guides = await doors.guides()
            tasks = await doors.open_tasks(clock.today())
        except (aiohttp.ClientConnectionError, TimeoutError):
            raise DemoTrafficError(NOT_RUNNING.format(url=url)) from None
        day = DemoDay(guides, tasks, clock, corp_id=settings.wecom_corp_id, agent_id=settings.wecom_agent_id)
        until = "until Ctrl-C" if minutes is None else f"for {minutes:g} min"
        print(f"demo-traffic → {url}: {rate:g} events/s for {len(guides)} guides, {until}", file=out)
        print(f"打开 open {url}/leaderboard 看它动起来 to watch it move", file=out)
        if not tasks:
            print(NO_TASKS, file=out)
        traffic = Traffic(doors, day, Tally(day.kinds), out)
        elapsed = await traffic.drive(rate=rate, seconds=None if minutes is None else minutes * 60)
        if traffic.lost_service:
            print(NOT_RUNNING.format(url=url), file=out)
        print(traffic.tally.summary(elapsed), file=out, flush=True)
    return 0 if traffic.tally.errors == 0 else 1


class FrontDoors:
    """The service's doors demo traffic uses: the WeCom callback, and the HQ API for guides, tasks and sales."""

    def __init__(self, session: aiohttp.ClientSession, url: str, settings: Settings, clock: Clock) -> None:
        self._session = session
        self._url = url
        self._clock = clock
        self._corp_id = settings.wecom_corp_id
        self._agent_id = settings.wecom_agent_id or AGENT_ID
        self._crypto = CallbackCrypto(
            settings.wecom_callback_token.get_secret_value(),
            settings.wecom_encoding_aes_key.get_secret_value(),
            settings.wecom_corp_id,
        )
        self._bearer = {"Authorization": f"Bearer {settings.hq_api_token.get_secret_value()}"}

    async def send(self, item: Callback | SaleLine) -> int:
        """Post one item; the HTTP status it was answered with."""
        if isinstance(item, SaleLine):
            async with self._session.post(f"{self._url}/api/v1/sales", json=item.line, headers=self._bearer) as answer:
                await answer.read()
                return answer.status
        timestamp, nonce = str(int(self._clock.now().timestamp())), str(secrets.randbelow(10**10))
        envelope = parse_xml_fields(self._crypto.encrypt(item.xml, nonce, timestamp))
        body = (
            f"<xml><ToUserName><![CDATA[{self._corp_id}]]></ToUserName><AgentID><![CDATA[{self._agent_id}]]></AgentID>"
            f"<Encrypt><![CDATA[{envelope['Encrypt']}]]></Encrypt></xml>"
        )
        query = {"msg_signature": envelope["MsgSignature"], "timestamp": timestamp, "nonce": nonce}
        async with self._session.post(
            f"{self._url}/wecom/callback", params=query, data=body.encode(), headers={"Content-Type": "text/xml"}
        ) as answer:
            await answer.read()
            return answer.status

    async def guides(self) -> list[DemoGuide]:
        rows = await self._get("/api/v1/guides")
        if not rows:
            raise DemoTrafficError("the organisation has no guides: load the demo chain with `guidebot seed-demo`")
        return [DemoGuide(userid=row["userid"], store=row["store"]) for row in rows]

    async def open_tasks(self, today: date) -> list[OpenTask]:
        """Published tasks running today (the newest few) with the guides holding their cards; none if unreadable."""
        try:
            tasks = [
                task
                for task in await self._get("/api/v1/tasks")
                if task["status"] == "published" and task["start_date"] <= today.isoformat() <= task["end_date"]
            ]
            open_tasks = []
            for task in sorted(tasks, key=lambda task: -task["id"])[:MAX_TAPPED_TASKS]:
                progress = await self._get(f"/api/v1/tasks/{task['id']}/progress")
                open_tasks.append(OpenTask(task["id"], task["kind"], tuple(row["guide"] for row in progress)))
            return open_tasks
        except DemoTrafficError:
            return []

    async def _get(self, path: str) -> list[dict]:
        async with self._session.get(f"{self._url}{path}", headers=self._bearer) as answer:
            if answer.status == 401:
                raise DemoTrafficError(
                    f"the service refused the HQ token on {path} (401): it runs with another HQ_API_TOKEN or VAR_DIR"
                )
            if answer.status != 200:
                raise DemoTrafficError(f"GET {path} answered {answer.status}: {(await answer.text())[:200]}")
            return await answer.json()


@dataclass
class KindTally:
    sent: int = 0
    answered: int = 0
    errors: Counter[str] = field(default_factory=Counter)  # by HTTP status, or why there was no answer


class Tally:
    """Sent / answered (2xx) / errors, per kind: what the running line and the summary print."""

    def __init__(self, kinds: list[Kind]) -> None:
        self.kinds = {kind: KindTally() for kind in kinds}

    @property
    def sent(self) -> int:
        return sum(tally.sent for tally in self.kinds.values())

    @property
    def answered(self) -> int:
        return sum(tally.answered for tally in self.kinds.values())

    @property
    def errors(self) -> int:
        return sum(tally.errors.total() for tally in self.kinds.values())

    def line(self, elapsed: float) -> str:
        kinds = " ".join(f"{LABELS[kind].split()[0]} {tally.sent}" for kind, tally in self.kinds.items())
        return f"[{elapsed:5.0f} s] sent {self.sent} · answered {self.answered} · errors {self.errors} | {kinds}"

    def summary(self, elapsed: float) -> str:
        lines = [
            f"demo-traffic 结束 done after {elapsed:.0f} s: sent {self.sent}, answered {self.answered}, "
            f"errors {self.errors}",
            f"  {_pad('kind', 22)} {'sent':>6} {'answered':>9} {'errors':>7}",
        ]
        for kind, tally in self.kinds.items():
            why = ", ".join(f"{reason} ×{n}" for reason, n in tally.errors.most_common())
            lines.append(
                f"  {_pad(LABELS[kind], 22)} {tally.sent:>6} {tally.answered:>9} {tally.errors.total():>7}"
                + (f"  ({why})" if why else "")
            )
        return "\n".join(lines)


def _pad(text: str, width: int) -> str:
    """Left-align in a terminal, where a Chinese character takes two columns."""
    columns = sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)
    return text + " " * max(0, width - columns)


class Traffic:
    """Sends the day's items at a steady rate until the time is up, Ctrl-C, or the service goes away."""

    def __init__(self, doors: FrontDoors, day: DemoDay, tally: Tally, out: TextIO) -> None:
        self.doors = doors
        self.day = day
        self.tally = tally
        self.out = out
        self.lost_service = False
        self._stop = asyncio.Event()

    async def drive(self, *, rate: float, seconds: float | None) -> float:
        """Send until done; the seconds it took. Answers still on their way are awaited."""
        loop = asyncio.get_running_loop()
        stop_signals = _on_signals(loop, self._stop.set)
        started = loop.time()
        next_report = started + REPORT_EVERY_SECONDS
        in_flight: set[asyncio.Task] = set()
        try:
            for n in itertools.count():
                due = started + n / rate  # a steady pace: a late send does not shift the ones after it
                if seconds is not None and due - started >= seconds:
                    break
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stop.wait(), max(0.0, due - loop.time()))
                if self._stop.is_set():
                    break
                if len(in_flight) >= MAX_IN_FLIGHT:
                    await asyncio.wait(in_flight, return_when=asyncio.FIRST_COMPLETED)
                sending = asyncio.create_task(self._send(self.day.next()))
                in_flight.add(sending)
                sending.add_done_callback(in_flight.discard)
                if loop.time() >= next_report:
                    print(self.tally.line(loop.time() - started), file=self.out, flush=True)
                    next_report += REPORT_EVERY_SECONDS
            await asyncio.gather(*in_flight)
        finally:
            for signum in stop_signals:
                loop.remove_signal_handler(signum)
        return loop.time() - started

    async def _send(self, item: Callback | SaleLine) -> None:
        kind = self.tally.kinds[item.kind]
        kind.sent += 1
        try:
            status = await self.doors.send(item)
        except aiohttp.ClientConnectorError:
            kind.errors["connection refused"] += 1
            self.lost_service = True
            self._stop.set()
            return
        except (aiohttp.ClientError, TimeoutError):
            kind.errors["no answer"] += 1
            return
        if 200 <= status < 300:
            kind.answered += 1
        else:
            kind.errors[str(status)] += 1


def _on_signals(loop: asyncio.AbstractEventLoop, stop) -> list[int]:
    """Ctrl-C (and SIGTERM) end the run with its summary instead of a traceback."""
    handled = []
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):  # not on this platform or thread
            loop.add_signal_handler(signum, stop)
            handled.append(signum)
    return handled
