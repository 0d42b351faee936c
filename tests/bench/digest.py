"""Digest benchmark: the morning digest to 50,000 guides, on the configuration `make run` ships.

In one process: the whole app (SQLite as `guidebot serve` ships it, embedded Redis, in a
temp dir) on a test server, the fake WeCom API on another local port. Every guide has two
open tasks with their own progress, and some sold yesterday (a rank line). The job is
triggered through the app's scheduler, as `POST /api/v1/jobs/morning-digest/run` does.
Prints, asserts nothing:
- time from the job's start to the digests queued, and to all sent;
- the number of message/send calls, and the bare cost of as many calls (one guide each,
  the same concurrency as the outbox) to the same fake from a plain aiohttp client;
- how many distinct texts there are, so how many calls batching identical texts would need.
Run with `make bench` or `python -m tests.bench.digest [--guides N]`.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import random
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import aiohttp
from aiohttp.test_utils import TestClient

from bot.models import OutboxMessage
from bot.outbox import MAX_USERS_PER_SEND
from config.services import SERVICES, Services
from kernel.jobs.views import SCHEDULER
from tasks.models import TaskAssignment
from tasks.schemas import SaleIn
from tests.bench.shipped import shipped_app
from tests.bench.tasks import big_org
from tests.fakes.wecom_api import FakeWeCom
from tests.support.jobs import SCHEDULED_PUSHES_OFF
from tests.support.tasks import task_in, today

CHUNK = 900  # SQLite caps the parameters of one statement
OUTBOX_CONCURRENCY = 8  # the setting's default


async def open_tasks_with_progress(services: Services, guides: list[str], rng: random.Random) -> None:
    """Two open tasks for everyone, each guide somewhere short of the target (no cards sent: not what is measured)."""
    for kind, metric, target in (("add_fans", "fans", 10), ("share_post", "visitors", 3)):
        draft = await services.publishing.create_draft(
            task_in(kind, metric=metric, audience={"all": True}, target=target)
        )
        await services.publishing.publish(draft.id)
        by_progress: dict[int, list[str]] = {}
        for guide in guides:
            by_progress.setdefault(rng.randrange(target), []).append(guide)
        for progress, members in by_progress.items():
            for start in range(0, len(members), CHUNK):
                await TaskAssignment.filter(task_id=draft.id, guide_userid__in=members[start : start + CHUNK]).update(
                    progress=progress
                )


async def yesterdays_sales(services: Services, guides: list[str], sellers: int, rng: random.Random) -> None:
    yesterday_noon = today() - timedelta(days=1)
    for n, guide in enumerate(rng.sample(guides, sellers)):
        await services.sales.record(
            SaleIn(order_id=f"Y-{n}", guide=guide, amount=Decimal(rng.randrange(100, 5000)), sold_at=yesterday_noon)
        )


def delivered_sends(fake: FakeWeCom) -> int:
    return sum(1 for call in fake.calls_to("message/send") if call.errcode == 0)


async def bare_sends(fake: FakeWeCom, texts: list[tuple[str, str]]) -> float:
    """The same message/send calls from a plain client: no rows, no budget, no bookkeeping."""
    token = next(iter(fake._tokens))
    queue = iter(texts)
    started = time.perf_counter()
    async with aiohttp.ClientSession() as session:

        async def sender() -> None:
            for guide, text in queue:
                async with session.post(
                    f"{fake.base_url}/cgi-bin/message/send",
                    params={"access_token": token},
                    json={"touser": guide, "msgtype": "text", "agentid": 1, "text": {"content": text}},
                ) as response:
                    await response.read()

        await asyncio.gather(*(sender() for _ in range(OUTBOX_CONCURRENCY)))
    return time.perf_counter() - started


async def digest_to_everyone(client: TestClient, fake: FakeWeCom, guides: int, sellers: int) -> None:
    services = client.app[SERVICES]
    rng = random.Random(9)
    started = time.perf_counter()
    await services.org.import_org(big_org(guides))
    userids = [f"g{n:06d}" for n in range(guides)]
    await open_tasks_with_progress(services, userids, rng)
    await yesterdays_sales(services, userids, sellers, rng)
    await services.outbox.drain()
    print(
        f"set up {guides} guides, 2 open tasks each, {sellers} of them sold yesterday: {time.perf_counter() - started:.0f} s"
    )

    scheduler = client.app[SCHEDULER]
    job = next(job for job in scheduler.jobs if job.name == "morning-digest")
    sends_before = delivered_sends(fake)
    started = time.perf_counter()
    await scheduler.trigger(job, datetime.now(UTC).replace(second=0, microsecond=0))
    await scheduler.runs.queue.drain()
    queued = time.perf_counter() - started
    await services.outbox.drain()
    all_sent = time.perf_counter() - started
    sends = delivered_sends(fake) - sends_before

    payloads = await OutboxMessage.filter(key__startswith="digest:").values_list("payload", flat=True)
    texts = [(payload["touser"][0], payload["body"]["text"]["content"]) for payload in payloads]
    by_text = Counter(text for _, text in texts)
    grouped_calls = sum(math.ceil(n / MAX_USERS_PER_SEND) for n in by_text.values())
    without_rank = Counter(text.split("\n昨日")[0] for _, text in texts)
    print(
        f"morning digest to {len(texts)} guides: queued in {queued:.2f} s (composition + {len(texts)} outbox rows), "
        f"all sent after {all_sent:.1f} s: {sends} message/send calls, {sends / all_sent:.0f} calls/s; "
        f"dropped by WeCom: {len(fake.dropped)}"
    )
    bare = await bare_sends(fake, texts)
    print(
        f"bare: the same {len(texts)} calls straight to the fake ({OUTBOX_CONCURRENCY} at a time) in {bare:.1f} s "
        f"(all-sent / bare = {all_sent / bare:.1f}x)"
    )
    print(
        f"batching: {len(by_text)} distinct texts among {len(texts)} digests (the rank line makes a seller's unique); "
        f"one call per distinct text (≤ {MAX_USERS_PER_SEND} guides each) would take {grouped_calls} calls. "
        f"Without the rank line, {len(without_rank)} distinct texts: {len(texts) / len(without_rank):.0f} guides a text"
    )


async def run(guides: int, sellers: int) -> None:
    # The benchmark triggers the digest itself, at whatever hour it runs: the quiet hours (which
    # 09:30 is outside) are off so that it sends; the rest of the push budget gates every digest.
    print(
        "push budget as shipped (caps 4 an hour, 12 a day, the push log), quiet hours off: the bench runs at any hour"
    )
    async with shipped_app(**SCHEDULED_PUSHES_OFF, push_quiet_hours="off") as (client, fake):
        await digest_to_everyone(client, fake, guides, sellers)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--guides", type=int, default=50_000)
    parser.add_argument("--sellers", type=int, default=2_000, help="guides who sold yesterday")
    args = parser.parse_args()
    asyncio.run(run(args.guides, args.sellers))


if __name__ == "__main__":
    main()
