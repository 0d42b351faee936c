from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class HoldReason(StrEnum):
    QUIET_HOURS = "quiet-hours"
    MUTED = "muted"
    HOURLY_CAP = "hourly-cap"
    DAILY_CAP = "daily-cap"


HOLD_REASON_LABELS = {
    HoldReason.QUIET_HOURS: "夜间免打扰时段",
    HoldReason.MUTED: "导购设置了免打扰",
    HoldReason.HOURLY_CAP: "本小时推送已达上限",
    HoldReason.DAILY_CAP: "今日推送已达上限",
}


class PushOutcome(StrEnum):
    SENT = "sent"
    DEFERRED = "deferred"
    MERGED = "merged"
    FAILED = "failed"


class PushMute(Model):
    """A guide said 免打扰: non-urgent pushes wait until `until`."""

    id = fields.IntField(primary_key=True)
    userid = fields.CharField(max_length=64, unique=True)
    until = fields.DatetimeField()


class DeferredPush(Model):
    """One guide's copy of a push that may not go yet, unique per (push, guide): a retried send keeps one copy."""

    id = fields.IntField(primary_key=True)
    source_key = fields.CharField(max_length=160)
    userid = fields.CharField(max_length=64)
    body = fields.JSONField()
    reason = fields.CharEnumField(HoldReason, max_length=16)
    release_at = fields.DatetimeField()
    created_at = fields.DatetimeField()
    released_into = fields.CharField(max_length=160, null=True)

    class Meta:
        unique_together = (("source_key", "userid"),)
        indexes = (("released_into", "release_at"),)


class PushLogEntry(Model):
    """What happened to one push for one guide: sent, deferred (and why, until when), merged, failed."""

    id = fields.IntField(primary_key=True)
    userid = fields.CharField(max_length=64)
    key = fields.CharField(max_length=160)
    outcome = fields.CharEnumField(PushOutcome, max_length=16)
    reason = fields.CharField(max_length=32, default="")
    detail = fields.CharField(max_length=200, default="")
    at = fields.DatetimeField()

    class Meta:
        unique_together = (("userid", "key", "outcome"),)
        indexes = (("userid", "at"),)
