from tortoise import fields
from tortoise.models import Model


class EventRecord(Model):
    """A domain event, written in the transaction that made it true, then dispatched to subscribers.

    Dispatch is a kernel.retry_queue: a failed subscriber is retried with back-off, and after
    the last attempt the row is a dead letter.
    """

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=64)
    payload = fields.JSONField()
    occurred_at = fields.DatetimeField()
    status = fields.CharField(max_length=16, default="processing", db_index=True)
    claimed_at = fields.DatetimeField(null=True)
    not_before = fields.DatetimeField(null=True)
    processed_at = fields.DatetimeField(null=True)
    attempts = fields.IntField(default=1)
    error = fields.TextField(default="")


class JobRun(Model):
    """One slot of a scheduled job: the unique (job, slot) key lets it start once, however many processes wake for it.

    A run is a kernel.retry_queue row: claimed while a process works on it, taken back when
    that process dies, retried with back-off, a dead letter after the last attempt. A slot
    missed beyond its job's grace is recorded `skipped` and never runs by itself.
    """

    id = fields.IntField(primary_key=True)
    job = fields.CharField(max_length=64)
    slot = fields.DatetimeField()
    trigger = fields.CharField(max_length=16)  # schedule, or hq: started through the HQ API
    status = fields.CharField(max_length=16, db_index=True)
    claimed_at = fields.DatetimeField(null=True)
    not_before = fields.DatetimeField(null=True)
    started_at = fields.DatetimeField(null=True)
    processed_at = fields.DatetimeField(null=True)
    attempts = fields.IntField(default=0)
    runner = fields.CharField(max_length=64, default="")  # host:pid of the process that worked on it last
    outcome = fields.TextField(default="")
    error = fields.TextField(default="")

    class Meta:
        unique_together = (("job", "slot"),)
