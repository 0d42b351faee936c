"""Task form benchmark: the new-task page for a chain of 50,000 guides in 2,000 stores, as HQ opens it.

In one process: the whole app as `guidebot serve` ships it (SQLite and embedded Redis in a
temp dir) on a test server, the fake WeCom API for signing in. Prints the page's size and
its render time (median of a few loads), and what opening one store's guides costs, each also
as a multiple of the sign-in page served in the same run (the bare baseline); asserts nothing.
Run with `make bench` or `python -m tests.bench.task_form [--guides N]`.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

from config.services import SERVICES
from org.schemas import OrgImport
from staff.models import StaffRole
from tests.bench.shipped import shipped_app
from tests.support.console import sign_in_with_wecom

REGIONS, BRANCHES, STORES = 4, 40, 2000
LOADS = 5


def chain(guides: int) -> OrgImport:
    stores = [f"B{n % BRANCHES:02d}S{n:04d}" for n in range(STORES)]
    return OrgImport.model_validate(
        {
            "regions": [{"code": f"R{r}", "name": f"第{r}大区"} for r in range(REGIONS)],
            "branches": [
                {"code": f"B{b:02d}", "name": f"第{b}分公司", "region": f"R{b % REGIONS}"} for b in range(BRANCHES)
            ],
            "stores": [{"code": code, "name": f"{code}店", "branch": code[:3]} for code in stores],
            "guides": [{"userid": f"g{n:06d}", "name": f"导购{n}", "store": stores[n % STORES]} for n in range(guides)],
        }
    )


async def timed_get(client, path: str) -> tuple[int, float]:
    """(bytes, median seconds) of LOADS loads of `path`; (status, 0) if it does not answer 200."""
    sizes, times = [], []
    for _ in range(LOADS):
        started = time.perf_counter()
        answer = await client.get(path)
        body = await answer.read()
        times.append(time.perf_counter() - started)
        if answer.status != 200:
            return answer.status, 0.0
        sizes.append(len(body))
    return max(sizes), statistics.median(times)


async def main(guides: int) -> None:
    async with shipped_app() as (client, fake):
        services = client.app[SERVICES]
        started = time.perf_counter()
        await services.org.import_org(chain(guides))
        print(f"imported {guides} guides in {STORES} stores in {time.perf_counter() - started:.1f} s")
        await services.accounts.grant("yunying", StaffRole.HQ_OPERATOR, by="bench")
        await sign_in_with_wecom(client, fake, "yunying")

        _, bare = await timed_get(client, "/console/login")
        print(f"baseline, the sign-in page (no data): {bare * 1000:.1f} ms (median of {LOADS})")
        for label, path in (
            ("/console/tasks/new", "/console/tasks/new"),
            ("one store's guides", "/console/tasks/audience/stores/B00S0000"),
        ):
            size, seconds = await timed_get(client, path)
            print(
                f"{label}: {size:,} bytes, {seconds * 1000:.0f} ms (median of {LOADS}), {seconds / bare:.0f}x the baseline"
            )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--guides", type=int, default=50_000)
    asyncio.run(main(parser.parse_args().guides))
