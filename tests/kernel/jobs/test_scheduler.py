"""Each slot of a job runs once across processes, late within its grace, skipped beyond it, finished after a crash."""

import asyncio
from datetime import timedelta

from kernel.clock import SystemClock
from kernel.jobs.runs import JobRuns
from kernel.jobs.scheduler import Scheduler
from kernel.models import JobRun
from tests.kernel.jobs.conftest import GUIDES, shanghai

SLOT = "digest@2026-05-04T01:30:00Z"  # 09:30 in Shanghai


async def settled(*schedulers: Scheduler) -> None:
    for scheduler in schedulers:
        await scheduler.runs.queue.drain()


async def test_a_slot_runs_when_its_time_comes_and_keeps_its_outcome(scheduler_of, digest, clock):
    scheduler = scheduler_of(digest.job())
    clock.set(shanghai(2026, 5, 4, 9, 30, 1))

    await scheduler.catch_up()
    await settled(scheduler)

    run = await JobRun.get(job="digest")
    assert digest.runs == {SLOT: 1}
    assert (run.slot, run.status, run.attempts, run.outcome) == (
        shanghai(2026, 5, 4, 9, 30),
        "done",
        1,
        "pushed 6 digests",
    )
    assert run.started_at is not None and run.processed_at is not None


async def test_a_job_new_to_the_service_records_no_slot_from_before_it_existed(scheduler_of, digest, clock):
    scheduler = scheduler_of(digest.job())
    clock.set(shanghai(2026, 5, 4, 9, 29, 59))

    await scheduler.catch_up()
    await settled(scheduler)

    assert digest.runs == {} and await JobRun.all().count() == 0


async def test_a_slot_runs_once_however_many_passes_look_at_it(scheduler_of, digest, clock):
    scheduler = scheduler_of(digest.job())
    clock.set(shanghai(2026, 5, 4, 9, 30))

    for _ in range(3):
        await scheduler.catch_up()
        clock.advance(minutes=5)
    await settled(scheduler)

    assert digest.runs == {SLOT: 1}


async def test_two_processes_racing_for_each_slot_run_every_slot_once(scheduler_of, digest, clock):
    job = digest.job("every 1 min", grace=timedelta(minutes=1))
    first, second = scheduler_of(job), scheduler_of(job)

    for _ in range(10):
        clock.advance(minutes=1)
        await asyncio.gather(first.catch_up(), second.catch_up(), first.catch_up(), second.catch_up())
    await settled(first, second)

    assert len(digest.runs) == 10 and set(digest.runs.values()) == {1}
    assert await JobRun.filter(status="done").count() == 10


async def test_a_lost_redis_lock_still_lets_a_slot_start_only_once(scheduler_of, digest, clock, redis):
    first, second = scheduler_of(digest.job()), scheduler_of(digest.job())
    digest.hold_after = 3
    clock.set(shanghai(2026, 5, 4, 9, 30))
    await first.catch_up()
    await digest.holding.wait()

    await redis.flushdb()  # the lock is gone while the first process is half-way through
    await second.catch_up()
    run, started = await second.trigger(second.jobs[0], shanghai(2026, 5, 4, 9, 30))
    digest.release.set()
    await settled(first, second)

    assert (started, run.status) == (False, "processing")
    assert digest.runs == {SLOT: 1}
    assert set(digest.pushed.values()) == {1} and len(digest.pushed) == len(GUIDES)


async def test_while_a_live_holders_claim_only_looks_stale_the_lock_keeps_a_second_process_off(
    scheduler_of, digest, clock
):
    first, second = scheduler_of(digest.job()), scheduler_of(digest.job())
    digest.hold_after = 3
    clock.set(shanghai(2026, 5, 4, 9, 30))
    await first.catch_up()
    await digest.holding.wait()

    clock.advance(seconds=7)  # the first process has not renewed its claim: it looks dead
    await second.runs.queue.resume()
    await settled(second)
    run = await JobRun.get(job="digest")
    digest.release.set()
    await settled(first)

    assert digest.runs == {SLOT: 1}
    assert run.status == "pending" and run.error.startswith("SlotBusy")


async def test_a_downtime_across_a_slot_runs_it_once_when_the_service_returns_within_grace(scheduler_of, digest, clock):
    scheduler = scheduler_of(digest.job(grace=timedelta(minutes=30)))
    clock.set(shanghai(2026, 5, 4, 9, 55))

    await scheduler.catch_up()
    await settled(scheduler)

    assert digest.runs == {SLOT: 1}


async def ran_yesterday(scheduler: Scheduler, clock) -> None:
    clock.set(shanghai(2026, 5, 3, 9, 30))
    await scheduler.catch_up()
    await settled(scheduler)


async def test_a_slot_missed_beyond_its_grace_is_recorded_skipped_and_does_not_run(scheduler_of, digest, clock):
    scheduler = scheduler_of(digest.job(grace=timedelta(minutes=30)))
    await ran_yesterday(scheduler, clock)
    clock.set(shanghai(2026, 5, 4, 11, 0))

    await scheduler.catch_up()
    await settled(scheduler)

    run = await JobRun.get(job="digest", slot=shanghai(2026, 5, 4, 9, 30))
    assert list(digest.runs) == ["digest@2026-05-03T01:30:00Z"]
    assert (run.status, run.outcome) == ("skipped", "missed by 1 h 30 min, more than its grace of 30 min")


async def test_after_a_downtime_across_many_ticks_the_job_runs_once_and_the_missed_ticks_are_skipped(
    scheduler_of, digest, clock
):
    scheduler = scheduler_of(digest.job("every 1 min", grace=timedelta(minutes=5)))
    clock.set(shanghai(2026, 5, 4, 10, 0, 10))
    await scheduler.catch_up()
    await settled(scheduler)

    clock.set(shanghai(2026, 5, 4, 10, 10, 30))  # down from 10:00:20 to 10:10:30
    await scheduler.catch_up()
    await settled(scheduler)

    runs = await JobRun.filter(job="digest").order_by("slot")
    assert list(digest.runs) == ["digest@2026-05-04T02:00:00Z", "digest@2026-05-04T02:10:00Z"]
    assert [run.status for run in runs] == ["done"] + ["skipped"] * 9 + ["done"]
    assert runs[9].outcome == "the 2026-05-04T02:10:00Z slot ran instead"
    assert runs[1].outcome == "missed by 9 min, more than its grace of 5 min"


async def test_a_run_cut_off_mid_job_is_taken_back_and_finished_with_every_push_once(scheduler_of, digest, clock):
    died = scheduler_of(digest.job())
    digest.hold_after = 3
    clock.set(shanghai(2026, 5, 4, 9, 30))
    await died.catch_up()
    await digest.holding.wait()
    await died.runs.finish(patience=0.05)  # cut off after 3 of 6 pushes; its claim is left behind
    cut_off = await JobRun.get(job="digest")
    digest.release.set()

    clock.advance(seconds=7)  # the claim goes stale
    restarted = scheduler_of(digest.job())
    await restarted.runs.queue.resume()
    await settled(restarted)

    run = await JobRun.get(job="digest")
    assert cut_off.status == "processing"
    assert (run.status, run.attempts, run.outcome) == ("done", 2, "pushed 3 digests")
    assert digest.runs == {SLOT: 2}
    assert sorted(digest.pushed) == sorted(f"digest:{SLOT}:{guide}" for guide in GUIDES)
    assert set(digest.pushed.values()) == {1}


async def test_a_failing_run_is_retried_with_back_off_then_dead_with_its_error(scheduler_of, digest, clock):
    scheduler = scheduler_of(digest.job(), max_attempts=2, retry_base=timedelta(seconds=10))
    digest.failure = ConnectionError("WeCom is down")
    clock.set(shanghai(2026, 5, 4, 9, 30))
    await scheduler.catch_up()
    await settled(scheduler)
    retrying = await JobRun.get(job="digest")

    clock.advance(seconds=10)
    await scheduler.runs.queue.resume()
    await settled(scheduler)

    dead = await JobRun.get(job="digest")
    assert (retrying.status, retrying.attempts) == ("pending", 1)
    assert (dead.status, dead.attempts, dead.error) == ("dead", 2, "ConnectionError: WeCom is down")


async def test_triggering_a_slot_twice_runs_it_once(scheduler_of, digest, clock):
    scheduler = scheduler_of(digest.job())
    clock.set(shanghai(2026, 5, 4, 14, 0))
    at = shanghai(2026, 5, 4, 14, 0)

    first, started = await scheduler.trigger(scheduler.jobs[0], at)
    second, started_again = await scheduler.trigger(scheduler.jobs[0], at)
    await settled(scheduler)

    assert (started, started_again, first.id, first.trigger) == (True, False, second.id, "hq")
    assert digest.runs == {"digest@2026-05-04T06:00:00Z": 1}


async def test_triggering_a_skipped_slot_runs_it_once(scheduler_of, digest, clock):
    scheduler = scheduler_of(digest.job())
    await ran_yesterday(scheduler, clock)
    clock.set(shanghai(2026, 5, 4, 11, 0))
    await scheduler.catch_up()
    skipped = await JobRun.get(job="digest", slot=shanghai(2026, 5, 4, 9, 30))

    _, started = await scheduler.trigger(scheduler.jobs[0], shanghai(2026, 5, 4, 9, 30))
    await scheduler.runs.queue.resume()
    await settled(scheduler)
    _, started_again = await scheduler.trigger(scheduler.jobs[0], shanghai(2026, 5, 4, 9, 30))

    assert skipped.status == "skipped"
    assert (started, started_again) == (True, False)
    assert digest.runs[SLOT] == 1
    assert (await JobRun.get(id=skipped.id)).status == "done"


async def test_stopping_gives_a_run_that_will_not_end_a_moment_and_then_leaves_it_to_be_taken_back(
    scheduler_of, digest, clock
):
    scheduler = scheduler_of(digest.job())
    digest.hold_after = 0
    clock.set(shanghai(2026, 5, 4, 9, 30))
    await scheduler.start()
    await asyncio.wait_for(digest.holding.wait(), 5)

    await asyncio.wait_for(scheduler.stop(patience=0.1), 5)

    assert (await JobRun.get(job="digest")).status == "processing"


async def test_apscheduler_wakes_the_scheduler_at_every_slot(db, redis, digest):
    clock = SystemClock()
    scheduler = Scheduler(JobRuns([digest.job("every 1 s", grace=timedelta(seconds=5))], redis, clock), clock)

    await scheduler.start()
    await asyncio.sleep(2.5)
    await scheduler.stop()

    assert len(digest.runs) >= 2 and set(digest.runs.values()) == {1}
