"""HQ API over the scheduled jobs: what runs when and how it went, each job's slots, and a run now that runs once."""

from datetime import UTC, datetime, timedelta

from kernel.models import JobRun
from tests.support.jobs import a_past_minute_off_the_hour, after_start_up_runs, settled


async def test_every_job_is_listed_with_its_schedule_next_run_and_last_run(client, hq_headers):
    await after_start_up_runs(client)

    response = await client.get("/api/v1/jobs", headers=hq_headers)

    jobs = {job["name"]: job for job in await response.json()}
    recovery = jobs["recovery"]
    assert response.status == 200
    assert sorted(jobs) == [
        "daily-settlement", "evening-results", "expire-undeliverable", "fan-report-daily", "fan-report-monthly",
        "fan-report-weekly", "morning-digest", "recovery", "release-pushes", "task-reminders",
    ]  # fmt: skip
    assert (recovery["schedule"], recovery["timezone"], recovery["grace_seconds"]) == (
        "every 1 min",
        "Asia/Shanghai",
        60,
    )
    assert datetime.fromisoformat(recovery["next_run"]) > datetime.now(UTC)
    assert recovery["last_run"]["status"] == "done" and recovery["last_run"]["outcome"].startswith(
        "resumed 0 callbacks"
    )
    assert recovery["description"].startswith("Take back inbox, event and outbox rows")


async def test_running_a_job_now_twice_for_one_slot_runs_it_once(client, hq_headers):
    slot = a_past_minute_off_the_hour().isoformat()

    first = await client.post("/api/v1/jobs/expire-undeliverable/run", params={"slot": slot}, headers=hq_headers)
    again = await client.post("/api/v1/jobs/expire-undeliverable/run", params={"slot": slot}, headers=hq_headers)
    await settled(client)

    started, repeated = await first.json(), await again.json()
    assert (first.status, again.status) == (200, 200)
    assert (started["started"], repeated["started"]) == (True, False)
    assert started["run"]["id"] == repeated["run"]["id"] and started["run"]["trigger"] == "hq"
    assert await JobRun.filter(job="expire-undeliverable", slot=datetime.fromisoformat(slot)).count() == 1
    assert (await JobRun.get(id=started["run"]["id"])).outcome == "expired 0 outbox rows"


async def test_running_a_job_now_without_a_slot_takes_the_current_minute(client, hq_headers):
    before = datetime.now(UTC).replace(second=0, microsecond=0)

    first = await (await client.post("/api/v1/jobs/expire-undeliverable/run", headers=hq_headers)).json()
    again = await (await client.post("/api/v1/jobs/expire-undeliverable/run", headers=hq_headers)).json()
    after = datetime.now(UTC).replace(second=0, microsecond=0)
    await settled(client)

    assert before <= datetime.fromisoformat(first["run"]["slot"]) <= after
    assert again["started"] is False or before != after  # a minute turning between the calls is another slot


async def test_a_slot_in_the_future_is_refused(client, hq_headers):
    later = (datetime.now(UTC) + timedelta(hours=1)).isoformat()

    response = await client.post("/api/v1/jobs/recovery/run", params={"slot": later}, headers=hq_headers)

    assert response.status == 422
    assert (await response.json())["error"]["fields"] == [
        {"field": "slot", "message": "must be an instant no later than now"}
    ]


async def test_a_job_that_is_not_declared_is_not_found(client, hq_headers):
    response = await client.post("/api/v1/jobs/digest/run", headers=hq_headers)

    assert response.status == 404


async def test_a_jobs_runs_show_skipped_slots_with_the_reason(client, hq_headers):
    await settled(client)
    await JobRun.create(
        job="expire-undeliverable", slot=datetime(2026, 5, 4, 1, tzinfo=UTC), trigger="schedule", status="skipped",
        outcome="missed by 3 h 0 min, more than its grace of 60 min",
    )  # fmt: skip

    response = await client.get("/api/v1/jobs/expire-undeliverable/runs", headers=hq_headers)

    skipped = [run for run in await response.json() if run["status"] == "skipped"]
    assert response.status == 200
    assert [(run["slot"], run["outcome"]) for run in skipped] == [
        ("2026-05-04T01:00:00Z", "missed by 3 h 0 min, more than its grace of 60 min")
    ]
