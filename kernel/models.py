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
