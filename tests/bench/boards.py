"""Boards benchmark: 100,000 guides, 500 stores, 50 teams, on the configuration `make run` ships.

In one process: the whole app (SQLite and embedded Redis under a temp dir) on a test server.
Prints, asserts nothing:
- a board update per sale (every scope × day/week/month), p50/p99, and the whole sale
  (sales line, task counting, boards) as the API would record it;
- top-50 + my rank (with my neighbours) p99, next to a bare ZREVRANGE + ZREVRANK round trip
  to the same Redis in the same run (target ≤ 2×);
- the leaderboard page's render time, public and a guide's own (signed link);
- `guidebot rebuild-boards` of every board from the database (its own process, as it ships);
- the serving process's RSS (target < 200 MB) and the embedded Redis's.
The org import and the sales history are written by a child process first, so the serving
process's memory is what serving costs. Run with `make bench` or
`python -m tests.bench.boards [--guides N]`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import psutil
from aiohttp.test_utils import TestClient, TestServer

from config.app import create_app
from config.db import close_database, open_database
from config.services import SERVICES
from config.settings import Settings
from leaderboards.metrics import Metric, Scope
from leaderboards.periods import Period
from leaderboards.service import Leaderboards
from leaderboards.store import BoardKey
from org.schemas import OrgImport
from org.service import OrgService
from tasks.models import Sale
from tasks.schemas import SaleIn
from tests.fakes.wecom_api import FakeWeCom
from tests.support import wecom

BRANCHES, STORES, TEAMS = 10, 500, 50
HISTORY_DAYS = 30


def chain(guides: int) -> OrgImport:
    stores = [f"B{n % BRANCHES:02d}S{n:03d}" for n in range(STORES)]
    userids = [f"g{n:06d}" for n in range(guides)]
    return OrgImport.model_validate(
        {
            "regions": [{"code": f"R{r}", "name": f"第{r}大区"} for r in range(2)],
            "branches": [{"code": f"B{b:02d}", "name": f"第{b}分公司", "region": f"R{b % 2}"} for b in range(BRANCHES)],
            "stores": [{"code": code, "name": f"{code}店", "branch": code[:3]} for code in stores],
            "guides": [{"userid": u, "name": f"导购{n}", "store": stores[n % STORES]} for n, u in enumerate(userids)],
            "teams": [{"code": f"T{t:02d}", "name": f"战队{t}", "members": userids[t::TEAMS]} for t in range(TEAMS)],
        }
    )


def percentile(samples: list[float], p: float) -> float:
    return statistics.quantiles(samples, n=100)[p - 1] if len(samples) > 1 else samples[0]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


async def history(guides: int) -> int:
    """One sale a guide on the day before today, and sales spread over the 30 days before: stored directly."""
    now = datetime.now(UTC)
    rows = [
        Sale(
            order_id=f"H{n}",
            guide_userid=f"g{n % guides:06d}",
            amount_fen=random.randrange(100, 500_000),
            orders=1,
            sold_at=now - timedelta(days=1 + (n // guides) * random.randrange(1, HISTORY_DAYS)),
            fingerprint="bench",
            received_at=now,
        )
        for n in range(guides * 3 // 2)
    ]
    for start in range(0, len(rows), 5000):
        await Sale.bulk_create(rows[start : start + 5000])
    return len(rows)


board_updates: list[float] = []


def time_board_updates() -> None:
    """Wrap the subscriber before the app subscribes it, so every board update the bus makes is timed."""
    record_event = Leaderboards.record_event

    async def timed(self, event) -> None:
        t0 = time.perf_counter()
        await record_event(self, event)
        board_updates.append(time.perf_counter() - t0)

    Leaderboards.record_event = timed


async def run(guides: int, sales: int, queries: int, renders: int) -> None:
    random.seed(7)
    time_board_updates()
    fake = FakeWeCom(wecom.CORP_ID, wecom.SECRET)
    async with TestServer(fake.app()) as fake_server:
        fake.base_url = str(fake_server.make_url("")).rstrip("/")
        with tempfile.TemporaryDirectory() as var_dir:
            settings = wecom.app_settings(fake.base_url, var_dir=Path(var_dir), database_url="", demo_data=False)
            async with TestClient(TestServer(create_app(settings))) as client:
                services = client.app[SERVICES]
                # tortoise-orm wrote TIMEZONE=UTC into this process's environment; the children must not inherit it
                inherited = {name: value for name, value in os.environ.items() if name != "TIMEZONE"}
                env = {**inherited, "VAR_DIR": var_dir, "DEMO_DATA": "false"}
                subprocess.run(
                    [sys.executable, "-m", "tests.bench.boards", "--setup", str(guides)], env=env, check=True
                )
                started = time.perf_counter()
                rebuilt = subprocess.run(
                    [str(Path(sys.executable).with_name("guidebot")), "rebuild-boards"],
                    env=env, check=True, capture_output=True, text=True,
                )  # fmt: skip
                peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
                print(
                    f"guidebot rebuild-boards: {rebuilt.stdout.strip()} "
                    f"({time.perf_counter() - started:.1f} s with start-up; peak RSS of the set-up and rebuild "
                    f"processes {peak:.0f} MB)"
                )

                board_updates.clear()
                whole: list[float] = []
                today = services.clock.now()
                for n in range(sales):
                    sale = SaleIn(
                        order_id=f"LIVE{n}",
                        guide=f"g{random.randrange(guides):06d}",
                        amount=Decimal(random.randrange(100, 300_000)) / 100,
                        sold_at=today,
                    )
                    t0 = time.perf_counter()
                    await services.sales.record(sale)
                    whole.append(time.perf_counter() - t0)
                print(
                    f"board update per sale ({len(board_updates)} sales, 4 scopes + team × day/week/month): "
                    f"p50 {ms(statistics.median(board_updates))}, p99 {ms(percentile(board_updates, 99))}; "
                    f"whole sale (line + tasks + boards) p50 {ms(statistics.median(whole))}, "
                    f"p99 {ms(percentile(whole, 99))}"
                )

                yesterday = Period.day(services.clock.today() - timedelta(days=1))
                board = BoardKey(Metric.SALES, Scope.GUIDE, yesterday)
                size = await services.redis.zcard(board.redis_key())
                ours, bare = [], []
                key = board.redis_key()
                for _ in range(queries):
                    me = f"g{random.randrange(guides):06d}"
                    t0 = time.perf_counter()
                    await services.leaderboards.top_with(Metric.SALES, Scope.GUIDE, yesterday, me, 50, 2)
                    ours.append(time.perf_counter() - t0)
                    t0 = time.perf_counter()
                    async with services.redis.pipeline(transaction=False) as pipe:
                        pipe.zrevrange(key, 0, 49, withscores=True)
                        pipe.zrevrank(key, me)
                        await pipe.execute()
                    bare.append(time.perf_counter() - t0)
                ours_p99, bare_p99 = percentile(ours, 99), percentile(bare, 99)
                print(
                    f"top-50 + my rank ±2 on a {size}-guide board, {queries} queries: p50 {ms(statistics.median(ours))}, "
                    f"p99 {ms(ours_p99)}; bare ZREVRANGE + ZREVRANK round trip p50 {ms(statistics.median(bare))}, "
                    f"p99 {ms(bare_p99)} (ratio {ours_p99 / bare_p99:.1f}×, target ≤ 2×)"
                )

                public, mine = [], []
                for _ in range(renders):
                    me = f"g{random.randrange(guides):06d}"
                    guide_page = services.page_links.for_guide(me).split("/leaderboard", 1)[1]
                    t0 = time.perf_counter()
                    async with client.get(f"/leaderboard?period={yesterday}") as response:
                        await response.read()
                    public.append(time.perf_counter() - t0)
                    t0 = time.perf_counter()
                    async with client.get(f"/leaderboard{guide_page}&period={yesterday}") as response:
                        await response.read()
                    mine.append(time.perf_counter() - t0)
                print(
                    f"page render (GET /leaderboard, top 50 of {size}, {renders} each): public p50 "
                    f"{ms(statistics.median(public))}, p99 {ms(percentile(public, 99))}; a guide's own page p50 "
                    f"{ms(statistics.median(mine))}, p99 {ms(percentile(mine, 99))}"
                )

                redis_pid = int((await services.redis.info("server"))["process_id"])
                rss = psutil.Process().memory_info().rss / 2**20
                redis_rss = psutil.Process(redis_pid).memory_info().rss / 2**20
                print(f"RSS: this process {rss:.0f} MB (target < 200 MB), embedded Redis {redis_rss:.0f} MB")


async def set_up(guides: int) -> None:
    """The child: the org and the sales history into the database the serving process uses."""
    settings = Settings()
    await open_database(settings.resolved_database_url)
    try:
        started = time.perf_counter()
        await OrgService().import_org(chain(guides))
        print(f"imported {guides} guides, {STORES} stores, {TEAMS} teams in {time.perf_counter() - started:.1f} s")
        print(f"stored {await history(guides)} sales lines of the past {HISTORY_DAYS} days")
    finally:
        await close_database()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--setup", type=int, metavar="GUIDES", help=argparse.SUPPRESS)
    parser.add_argument("--guides", type=int, default=100_000)
    parser.add_argument("--sales", type=int, default=2_000)
    parser.add_argument("--queries", type=int, default=2_000)
    parser.add_argument("--renders", type=int, default=500)
    args = parser.parse_args()
    if args.setup:
        asyncio.run(set_up(args.setup))
        return
    asyncio.run(run(args.guides, args.sales, args.queries, args.renders))


if __name__ == "__main__":
    main()
