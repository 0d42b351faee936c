"""Callback benchmark: the full path against a bare verify+decrypt handler, and welcome-invite latency.

Each server runs in its own process on loopback: the bare handler, the whole guidebot app
(SQLite + embedded Redis under a temp dir) and the fake WeCom API. This process only sends.
Run with `make bench`; it prints figures, it asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import statistics
import tempfile
import time
from pathlib import Path

import aiohttp
from aiohttp import web

from bot.crypto import CallbackCrypto
from tests.fakes.wecom_api import FakeWeCom
from tests.support import wecom
from tests.support.wecom import contact_xml, event_xml, signed_callback

BARE_PORT, FULL_PORT, FAKE_PORT = 18081, 18082, 18083
WELCOME = "externalcontact/send_welcome_msg"


def serve_bare() -> None:
    crypto = CallbackCrypto(wecom.TOKEN, wecom.AES_KEY, wecom.CORP_ID)

    async def receive(request: web.Request) -> web.Response:
        q = request.query
        crypto.decrypt_callback(await request.read(), q["msg_signature"], q["timestamp"], q["nonce"])
        return web.Response(text="")

    app = web.Application()
    app.router.add_post("/wecom/callback", receive)
    web.run_app(app, host="127.0.0.1", port=BARE_PORT, print=None, access_log=None)


def serve_full(var_dir: str, database_url: str, redis_url: str) -> None:
    from config.app import create_app

    settings = wecom.app_settings(
        f"http://127.0.0.1:{FAKE_PORT}",
        var_dir=Path(var_dir),
        database_url=database_url,  # empty: what `guidebot serve` uses, SQLite under var_dir
        redis_url=redis_url,
    )
    web.run_app(create_app(settings), host="127.0.0.1", port=FULL_PORT, print=None, access_log=None)


def serve_fake() -> None:
    fake = FakeWeCom(wecom.CORP_ID, wecom.SECRET, accept_unissued_codes=True)

    async def welcomes(request: web.Request) -> web.Response:
        return web.json_response({call.json["welcome_code"]: call.at for call in fake.calls_to(WELCOME)})

    app = fake.app()
    app.router.add_get("/_bench/welcomes", welcomes)
    web.run_app(app, host="127.0.0.1", port=FAKE_PORT, print=None, access_log=None)


async def wait_until_up(session: aiohttp.ClientSession, url: str) -> None:
    for _ in range(300):
        try:
            async with session.get(url):
                return
        except aiohttp.ClientError:
            await asyncio.sleep(0.1)
    raise SystemExit(f"server at {url} did not start")


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * pct / 100))]


async def fire(session: aiohttp.ClientSession, url: str, payloads: list[tuple[str, bytes]], rate: float | None):
    """POST every payload, paced at `rate` per second (None: as fast as 64 connections go)."""
    latencies: list[float] = []
    failures = 0
    limit = asyncio.Semaphore(64)

    async def one(query: str, body: bytes, due: float) -> None:
        nonlocal failures
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        async with limit:
            started = time.perf_counter()
            async with session.post(f"{url}?{query}", data=body) as response:
                await response.read()
                if response.status != 200:
                    failures += 1
            latencies.append(time.perf_counter() - started)

    start = time.perf_counter()
    await asyncio.gather(*(one(q, b, start + (i / rate if rate else 0)) for i, (q, b) in enumerate(payloads)))
    return latencies, time.perf_counter() - start, failures


def enter_agent_payloads(count: int, tag: str) -> list[tuple[str, bytes]]:
    """Guides opening the app: stored, acked and handled, with no reply to send."""
    return [
        signed_callback(event_xml(f"bench{n % 300}", "enter_agent", create_time=1700000000 + n, EventKey=f"{tag}-{n}"))
        for n in range(count)
    ]


async def run(seconds: float, rates: list[int]) -> None:
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        for port in (BARE_PORT, FULL_PORT, FAKE_PORT):
            await wait_until_up(session, f"http://127.0.0.1:{port}/healthz")
        bare, full = (f"http://127.0.0.1:{p}/wecom/callback" for p in (BARE_PORT, FULL_PORT))

        print(f"{'path':<6} {'offered/s':>9} {'done/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6}")
        for name, url in (("bare", bare), ("full", full)):  # warm-up, not measured
            await fire(session, url, enter_agent_payloads(500, f"{name}-warm"), rate=None)
        saturation: dict[str, list[float]] = {"bare": [], "full": []}
        for round_ in range(3):  # interleaved, so that machine noise hits both alike
            for name, url in (("bare", bare), ("full", full)):
                payloads = enter_agent_payloads(3000, f"{name}-max-{round_}")
                latencies, elapsed, errors = await fire(session, url, payloads, rate=None)
                saturation[name].append(len(latencies) / elapsed)
                print(f"{name:<6} {'max':>9} {saturation[name][-1]:>8.0f} {percentile(latencies, 50) * 1000:>8.1f} "
                      f"{percentile(latencies, 99) * 1000:>8.1f} {errors:>6}")  # fmt: skip
        for rate in rates:
            for name, url in (("bare", bare), ("full", full)):
                payloads = enter_agent_payloads(int(rate * seconds), f"{name}-{rate}")
                latencies, elapsed, errors = await fire(session, url, payloads, rate=rate)
                print(f"{name:<6} {rate:>9} {len(latencies) / elapsed:>8.0f} {percentile(latencies, 50) * 1000:>8.1f} "
                      f"{percentile(latencies, 99) * 1000:>8.1f} {errors:>6}")  # fmt: skip
        ratio = statistics.median(saturation["full"]) / statistics.median(saturation["bare"])
        print(f"\nfull / bare saturated throughput (medians of 3): {ratio:.0%}")

        await asyncio.sleep(2)  # let the chat replies above drain before measuring invites
        await invite_burst(session, full, 200)


async def invite_burst(session: aiohttp.ClientSession, url: str, friends: int) -> None:
    """`friends` customers add guides at once; latency from posting the callback to WeCom's receipt."""
    codes = [f"BENCH-CODE-{n}" for n in range(friends)]
    payloads = [
        signed_callback(contact_xml("add_external_contact", f"bench{n % 300}", f"wmBENCH{n:05d}", WelcomeCode=code))
        for n, code in enumerate(codes)
    ]
    sent_at = {}

    async def post(code: str, query: str, body: bytes) -> None:
        sent_at[code] = time.monotonic()
        async with session.post(f"{url}?{query}", data=body) as response:
            await response.read()

    await asyncio.gather(*(post(code, q, b) for code, (q, b) in zip(codes, payloads, strict=True)))
    received: dict[str, float] = {}
    for _ in range(100):
        async with session.get(f"http://127.0.0.1:{FAKE_PORT}/_bench/welcomes") as response:
            received = await response.json()
        if all(code in received for code in codes):
            break
        await asyncio.sleep(0.1)
    latencies = [received[code] - sent_at[code] for code in codes if code in received]
    print(f"\nwelcome invites: {len(latencies)}/{friends} delivered; callback → send_welcome_msg "
          f"p50 {percentile(latencies, 50) * 1000:.0f} ms, p99 {percentile(latencies, 99) * 1000:.0f} ms, "
          f"max {max(latencies) * 1000:.0f} ms, mean {statistics.mean(latencies) * 1000:.0f} ms")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=5.0, help="duration of each fixed-rate step")
    parser.add_argument("--rates", default="100,200,300,500", help="offered callbacks per second")
    parser.add_argument("--database-url", default="", help="default: SQLite in a temp dir, as guidebot serve ships it")
    parser.add_argument("--redis-url", default="", help="default: embedded Redis in a temp dir")
    args = parser.parse_args()
    context = multiprocessing.get_context("spawn")
    with tempfile.TemporaryDirectory() as var_dir:
        servers = [
            context.Process(target=serve_bare, daemon=True),
            context.Process(target=serve_fake, daemon=True),
            context.Process(target=serve_full, args=(var_dir, args.database_url, args.redis_url), daemon=True),
        ]
        for server in servers:
            server.start()
        try:
            asyncio.run(run(args.seconds, [int(r) for r in args.rates.split(",")]))
        finally:
            for server in reversed(servers):
                server.terminate()
                server.join(10)


if __name__ == "__main__":
    main()
