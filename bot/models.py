from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class InboxStatus(StrEnum):
    PENDING = "pending"
    PROCESSING = "processing"
    DONE = "done"
    DEAD = "dead"


class InboxEvent(Model):
    """A decrypted callback, stored before the ack, so that a crash loses nothing.

    A failed handling is retried at `not_before`; after the last attempt the row is a
    dead letter, listed and replayable through the HQ API.
    """

    id = fields.IntField(primary_key=True)
    dedup_key = fields.CharField(max_length=80, unique=True)
    kind = fields.CharField(max_length=64)
    payload = fields.TextField()
    status = fields.CharEnumField(InboxStatus, max_length=16, default=InboxStatus.PENDING, db_index=True)
    received_at = fields.DatetimeField()
    claimed_at = fields.DatetimeField(null=True)
    processed_at = fields.DatetimeField(null=True)
    not_before = fields.DatetimeField(null=True)
    attempts = fields.IntField(default=0)
    error = fields.TextField(default="")


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    HELD = "held"  # the push budget holds every member: their copies wait as pushes.DeferredPush rows


class OutboxMessage(Model):
    """A call to WeCom that must happen once, written before it is sent."""

    id = fields.IntField(primary_key=True)
    key = fields.CharField(max_length=160, unique=True)
    api = fields.CharField(max_length=64)
    payload = fields.JSONField()
    status = fields.CharEnumField(OutboxStatus, max_length=16, default=OutboxStatus.PENDING)
    attempts = fields.IntField(default=0)
    last_error = fields.TextField(default="")
    not_before = fields.DatetimeField()
    created_at = fields.DatetimeField()
    claimed_at = fields.DatetimeField(null=True)
    sent_at = fields.DatetimeField(null=True)

    class Meta:
        indexes = (("status", "not_before"),)
