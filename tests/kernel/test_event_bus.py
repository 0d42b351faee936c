"""Domain events: stored with the change, dispatched after the outermost commit, retried, dead-lettered."""

import pytest

from kernel.event_bus import DomainEvent, EventBus
from kernel.models import EventRecord
from tests.support.clock import FakeClock


class Waved(DomainEvent):
    guide_userid: str


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def bus(db, clock) -> EventBus:
    return EventBus(clock)


@pytest.fixture
def heard(bus) -> list[str]:
    heard: list[str] = []

    async def listen(event: Waved) -> None:
        heard.append(event.guide_userid)

    bus.subscribe(Waved, listen)
    return heard


async def test_an_event_reaches_its_subscriber_once_the_transaction_commits(bus, heard):
    async with bus.transaction():
        await bus.record(Waved(guide_userid="zhangsan"))
        assert heard == []

    assert heard == ["zhangsan"]
    assert (await EventRecord.get()).status == "done"


async def test_an_event_of_a_rolled_back_transaction_is_neither_stored_nor_heard(bus, heard):
    with pytest.raises(RuntimeError):
        async with bus.transaction():
            await bus.record(Waved(guide_userid="zhangsan"))
            raise RuntimeError("the change failed")

    assert heard == []
    assert await EventRecord.all().count() == 0


async def test_nested_transactions_dispatch_once_after_the_outermost_commits(bus, heard):
    async with bus.transaction():
        async with bus.transaction():
            await bus.record(Waved(guide_userid="zhangsan"))
        assert heard == []

    assert heard == ["zhangsan"]


async def test_an_event_nobody_subscribes_to_is_not_stored(bus):
    class Unheard(DomainEvent):
        note: str

    async with bus.transaction():
        await bus.record(Unheard(note="the rows it describes are the record"))

    assert await EventRecord.all().count() == 0


async def test_recording_outside_a_transaction_is_a_programming_error(bus):
    with pytest.raises(RuntimeError, match="outside EventBus.transaction"):
        await bus.record(Waved(guide_userid="zhangsan"))


async def test_a_failing_subscriber_is_retried_then_dead_lettered_then_replayed(bus, clock):
    failures = {"left": 100}
    heard = []

    async def flaky(event: Waved) -> None:
        if failures["left"]:
            failures["left"] -= 1
            raise ConnectionError("the outbox's database went away")
        heard.append(event.guide_userid)

    bus.subscribe(Waved, flaky)
    async with bus.transaction():
        await bus.record(Waved(guide_userid="zhangsan"))
    for _ in range(bus.queue.max_attempts):
        clock.advance(minutes=10)
        await bus.queue.resume()
        await bus.queue.drain()
    dead = await EventRecord.get()

    failures["left"] = 0
    replayed = await bus.queue.replay(dead.id)
    await bus.queue.resume()
    await bus.queue.drain()

    assert (dead.status, dead.attempts) == ("dead", bus.queue.max_attempts)
    assert replayed
    assert heard == ["zhangsan"]
    assert (await EventRecord.get()).status == "done"


async def test_an_event_a_dead_process_was_dispatching_is_taken_back_and_heard_once(bus, heard, clock, monkeypatch):
    async def the_process_dies_after_the_commit(claimed) -> None:
        return None

    monkeypatch.setattr(bus.queue, "attempt_now", the_process_dies_after_the_commit)
    async with bus.transaction():
        await bus.record(Waved(guide_userid="zhangsan"))
    monkeypatch.undo()

    await bus.queue.resume()  # the claim is fresh: its holder may still be alive
    clock.advance(seconds=10)
    await bus.queue.resume()
    await bus.queue.drain()
    await bus.queue.resume()
    await bus.queue.drain()

    assert heard == ["zhangsan"]


async def test_an_in_transaction_subscriber_hears_the_event_as_it_is_recorded_and_nothing_is_stored(bus):
    heard = []

    async def project(event: Waved) -> None:
        heard.append(event.guide_userid)

    bus.subscribe(Waved, project, in_transaction=True)
    async with bus.transaction():
        await bus.record(Waved(guide_userid="zhangsan"))
        assert heard == ["zhangsan"]

    assert await EventRecord.all().count() == 0


async def test_an_in_transaction_subscriber_that_fails_rolls_the_fact_back(bus, heard):
    async def broken(event: Waved) -> None:
        raise ConnectionError("the projection's table is locked")

    bus.subscribe(Waved, broken, in_transaction=True)
    with pytest.raises(ConnectionError):
        async with bus.transaction():
            await bus.record(Waved(guide_userid="zhangsan"))

    assert heard == []
    assert await EventRecord.all().count() == 0


async def test_events_an_in_transaction_subscriber_records_are_dispatched_after_the_same_commit(bus, heard):
    class Clapped(DomainEvent):
        guide_userid: str

    async def clap_back(event: Clapped) -> None:
        await bus.record(Waved(guide_userid=event.guide_userid))

    bus.subscribe(Clapped, clap_back, in_transaction=True)
    async with bus.transaction():
        await bus.record(Clapped(guide_userid="zhangsan"))
        assert heard == []

    assert heard == ["zhangsan"]
