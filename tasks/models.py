from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class TaskStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


class SaleReview(StrEnum):
    """A self-reported sale that no task counted waits for HQ: pending, then confirmed or rejected."""

    NONE = "none"
    PENDING = "pending"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


class Task(Model):
    """A task HQ sets for guides. Its kind and metric are names from the registry in tasks.kinds."""

    id = fields.IntField(primary_key=True)
    kind = fields.CharField(max_length=32)
    metric = fields.CharField(max_length=32)
    title = fields.CharField(max_length=64)
    description = fields.TextField(default="")
    material_text = fields.TextField(default="")
    material_link = fields.CharField(max_length=500, default="")
    material_image = fields.CharField(max_length=500, default="")
    audience = fields.JSONField()
    start_date = fields.DateField()
    end_date = fields.DateField()
    target = fields.BigIntField()
    reward_coins = fields.IntField()
    bonus_per_unit = fields.IntField(default=0)
    bonus_cap = fields.IntField(null=True)
    count_self_reported = fields.BooleanField(default=False)
    reminder_hours = fields.JSONField(null=True)  # hours before the end to remind; null: the default (24, 2)
    status = fields.CharEnumField(TaskStatus, max_length=16, default=TaskStatus.DRAFT)
    created_at = fields.DatetimeField()
    published_at = fields.DatetimeField(null=True)
    cancelled_at = fields.DatetimeField(null=True)


class TaskAssignment(Model):
    """One guide's share of a published task, with progress and coins paid so far."""

    id = fields.IntField(primary_key=True)
    task = fields.ForeignKeyField("guidebot.Task", related_name="assignments", on_delete=fields.CASCADE)
    guide_userid = fields.CharField(max_length=64, db_index=True)
    progress = fields.BigIntField(default=0)
    coins_paid = fields.IntField(default=0)
    completed_at = fields.DatetimeField(null=True)
    shared_at = fields.DatetimeField(null=True)
    visitors = fields.IntField(default=0)

    class Meta:
        unique_together = (("task", "guide_userid"),)


class ProgressEvent(Model):
    """One counted real event: the unique source key makes each count once."""

    id = fields.IntField(primary_key=True)
    assignment = fields.ForeignKeyField("guidebot.TaskAssignment", related_name="events", on_delete=fields.CASCADE)
    source_key = fields.CharField(max_length=128)
    units = fields.BigIntField()
    business_day = fields.DateField()
    created_at = fields.DatetimeField()

    class Meta:
        unique_together = (("assignment", "source_key"),)


class Sale(Model):
    """A sales line from a store system or a guide's chat report (a refund is a negative line)."""

    id = fields.IntField(primary_key=True)
    order_id = fields.CharField(max_length=64, unique=True)
    guide_userid = fields.CharField(max_length=64, db_index=True)
    store_code = fields.CharField(max_length=32, default="")
    amount_fen = fields.BigIntField()
    orders = fields.IntField()
    channel = fields.CharField(max_length=32, default="")
    sold_at = fields.DatetimeField()
    self_reported = fields.BooleanField(default=False)
    refund_of = fields.CharField(max_length=64, null=True)
    fingerprint = fields.CharField(max_length=64)
    received_at = fields.DatetimeField()
    review = fields.CharEnumField(SaleReview, max_length=16, default=SaleReview.NONE, db_index=True)
    reviewed_at = fields.DatetimeField(null=True)


class ShareLink(Model):
    """The guide's tracked link to a share task's material: /s/{code}."""

    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=16, unique=True)
    task = fields.ForeignKeyField("guidebot.Task", related_name="share_links", on_delete=fields.CASCADE)
    guide_userid = fields.CharField(max_length=64)

    class Meta:
        unique_together = (("task", "guide_userid"),)


class ShareVisit(Model):
    id = fields.IntField(primary_key=True)
    link = fields.ForeignKeyField("guidebot.ShareLink", related_name="visits", on_delete=fields.CASCADE)
    day = fields.DateField()
    visitor = fields.CharField(max_length=64)

    class Meta:
        unique_together = (("link", "day", "visitor"),)
