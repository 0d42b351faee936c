"""The background loop: one pass at a time, woken early on demand, stopped between passes (never mid-pass)."""

import asyncio

from kernel.polling import PollingLoop


class NoLease:
    async def keep_fresh(self, stopping: asyncio.Event) -> None:
        await stopping.wait()


async def test_a_wake_runs_the_next_pass_without_waiting_for_the_interval():
    passes = []
    loop = PollingLoop("test", lambda: asyncio.sleep(0, passes.append(1)), NoLease(), interval=3600)
    running = asyncio.create_task(loop.run())
    await asyncio.sleep(0.01)

    loop.wake()
    await asyncio.sleep(0.01)
    loop.stop()
    await asyncio.wait_for(running, 5)

    assert len(passes) == 2  # the first, then the woken one; a stop runs none


async def test_stopping_lets_the_pass_under_way_finish_and_then_returns():
    finished = []

    async def slow_pass():
        await asyncio.sleep(0.05)
        finished.append(1)

    loop = PollingLoop("test", slow_pass, NoLease(), interval=3600)
    running = asyncio.create_task(loop.run())
    await asyncio.sleep(0.01)

    loop.wake()
    loop.stop()
    await asyncio.wait_for(running, 5)

    assert finished == [1]


async def test_a_failing_pass_is_logged_and_the_loop_goes_on(caplog):
    calls = []

    async def failing_pass():
        calls.append(1)
        raise ConnectionError("database went away")

    loop = PollingLoop("test", failing_pass, NoLease(), interval=0.01)
    running = asyncio.create_task(loop.run())
    await asyncio.sleep(0.1)
    loop.stop()
    await asyncio.wait_for(running, 5)

    assert len(calls) > 1
    assert "test pass failed (ConnectionError)" in caplog.text
