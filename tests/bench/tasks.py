"""Task benchmark: publishing to 50,000 guides, and new friends turned into progress and coins.

In one process: the whole app (SQLite as `guidebot serve` ships it, and embedded Redis, in a
temp dir) on a test server, the fake WeCom API on another. Prints figures; asserts nothing.
Run with `make bench` (after the callback benchmark) or `python -m tests.bench.tasks`.
"""

from __future__ import annotations

import argparse
import asyncio
import time

import aiohttp
from aiohttp.test_utils import TestClient

from config.services import SERVICES
from org.schemas import OrgImport
from tasks.models import TaskAssignment
from tests.bench.shipped import shipped_app
from tests.fakes.wecom_api import FakeWeCom
from tests.support.tasks import task_in, today
from tests.support.wecom import contact_xml, signed_callback

BRANCHES, STORES_PER_BRANCH = 10, 50


def big_org(guides: int) -> OrgImport:
    per_store = max(guides // (BRANCHES * STORES_PER_BRANCH), 1)
    stores = [f"B{b:02d}S{s:03d}" for b in range(BRANCHES) for s in range(STORES_PER_BRANCH)]
    return OrgImport.model_validate(
        {
            "regions": [{"code": "ALL", "name": "全国"}],
            "branches": [{"code": f"B{b:02d}", "name": f"第{b}分公司", "region": "ALL"} for b in range(BRANCHES)],
            "stores": [{"code": code, "name": f"{code}店", "branch": code[:3]} for code in stores],
            "guides": [
                {"userid": f"g{n:06d}", "name": f"导购{n}", "store": stores[n // per_store % len(stores)]}
                for n in range(guides)
            ],
        }
    )


async def publish_to_everyone(client: TestClient, fake: FakeWeCom, guides: int) -> None:
    services = client.app[SERVICES]
    started = time.perf_counter()
    report = await services.org.import_org(big_org(guides))
    print(f"imported {report.guides.created} guides in {time.perf_counter() - started:.1f} s")

    draft = await services.publishing.create_draft(task_in(audience={"all": True}, target=3, bonus_per_unit=5))
    started = time.perf_counter()
    await services.publishing.publish(draft.id)
    published = time.perf_counter() - started
    await services.outbox.drain()
    all_sent = time.perf_counter() - started
    calls = fake.calls_to("message/send")
    delivered = sum(len(call.json["touser"].split("|")) for call in calls)
    print(
        f"publish to {guides} guides: assignments + outbox rows in {published:.2f} s, all sent after {all_sent:.2f} s; "
        f"{len(calls)} message/send calls (target <= 50) carrying {delivered} cards; dropped by WeCom: {len(fake.dropped)}"
    )

    bare_started = time.perf_counter()
    async with aiohttp.ClientSession() as session:
        users = [f"g{n:06d}" for n in range(guides)]
        for start in range(0, guides, 1000):
            async with session.post(
                f"{fake.base_url}/cgi-bin/message/send",
                params={"access_token": next(iter(fake._tokens))},
                json={"touser": "|".join(users[start : start + 1000]), "msgtype": "text", "text": {"content": "x"}},
            ) as response:
                await response.read()
    bare = time.perf_counter() - bare_started
    print(
        f"bare: the same {len(calls)} calls straight to the fake in {bare:.2f} s (all-sent / bare = {all_sent / bare:.1f}x)"
    )


async def friends_to_coins(client: TestClient, friends: int) -> None:
    services = client.app[SERVICES]
    now = int(today().timestamp())
    payloads = [
        signed_callback(
            contact_xml(
                "add_external_contact", f"g{n % 500:06d}", f"wmBENCH{n:06d}", create_time=now, WelcomeCode=f"CODE-{n}"
            )  # fmt: skip
        )
        for n in range(friends)
    ]
    started = time.perf_counter()
    for start in range(0, friends, 50):
        await asyncio.gather(*(client.post(f"/wecom/callback?{q}", data=b) for q, b in payloads[start : start + 50]))
        await services.inbox.drain()
    elapsed = time.perf_counter() - started
    counted = sum(
        await TaskAssignment.filter(guide_userid__in=[f"g{n:06d}" for n in range(500)]).values_list(
            "progress", flat=True
        )
    )
    paid = sum(
        await TaskAssignment.filter(guide_userid__in=[f"g{n:06d}" for n in range(500)]).values_list(
            "coins_paid", flat=True
        )
    )
    print(f"{friends} new friends of 500 guides → {counted} progress units and {paid} coins in {elapsed:.1f} s: "
          f"{friends / elapsed:.0f} friends/s (invite + fan record + progress + award each)")  # fmt: skip


async def run(guides: int, friends: int) -> None:
    async with shipped_app() as (client, fake):
        await publish_to_everyone(client, fake, guides)
        await friends_to_coins(client, friends)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--guides", type=int, default=50_000)
    parser.add_argument("--friends", type=int, default=2_000)
    args = parser.parse_args()
    asyncio.run(run(args.guides, args.friends))


if __name__ == "__main__":
    main()
