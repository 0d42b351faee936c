"""The audit trail: who changed what, before and after; read newest first, filtered, page by page."""

import pytest

from staff.audit import AuditFilter, AuditTrail


@pytest.fixture
def trail(db, clock) -> AuditTrail:
    return AuditTrail(clock)


async def test_an_entry_keeps_who_when_what_before_and_after(trail, clock):
    await trail.record("local:admin", "Change a gift", "/api/v1/rewards/items/1", {"stock": 50}, {"stock": 20})

    [entry] = await trail.entries()
    assert (entry.at, entry.actor, entry.action, entry.target) == (
        clock.now(), "local:admin", "Change a gift", "/api/v1/rewards/items/1",
    )  # fmt: skip
    assert (entry.before, entry.after) == ({"stock": 50}, {"stock": 20})


async def test_entries_filter_by_a_part_of_actor_action_and_target(trail):
    await trail.record("token:pos-sync", "Record a sales line", "/api/v1/sales")
    await trail.record("local:admin", "Create a draft task", "/api/v1/tasks")

    assert [e.actor for e in await trail.entries(AuditFilter(actor="pos"))] == ["token:pos-sync"]
    assert [e.actor for e in await trail.entries(AuditFilter(action="task"))] == ["local:admin"]
    assert [e.actor for e in await trail.entries(AuditFilter(target="/sales"))] == ["token:pos-sync"]


async def test_entries_come_newest_first_a_page_at_a_time(trail):
    for n in range(5):
        await trail.record("local:admin", f"change {n}", "/api/v1/tasks")

    first = await trail.entries(limit=2)
    second = await trail.entries(AuditFilter(before_id=first[-1].id), limit=2)

    assert [e.action for e in first + second] == ["change 4", "change 3", "change 2", "change 1"]


async def test_a_target_longer_than_its_column_is_cut_not_refused(trail):
    entry = await trail.record("local:admin", "Run a job now", "/api/v1/jobs/x/run?slot=" + "9" * 400)

    assert len(entry.target) == 255
