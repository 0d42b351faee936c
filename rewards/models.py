from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class CoinEntry(Model):
    """One line of the append-only coin ledger. Corrections are new lines, never edits."""

    id = fields.IntField(primary_key=True)
    guide_userid = fields.CharField(max_length=64, db_index=True)
    amount = fields.IntField()
    reason = fields.CharField(max_length=200)
    source_type = fields.CharField(max_length=32)
    source_id = fields.CharField(max_length=128)
    created_at = fields.DatetimeField()

    class Meta:
        unique_together = (("guide_userid", "source_type", "source_id"),)


class Wallet(Model):
    """The cached balance: changed in the same transaction as each entry, so it equals their sum."""

    id = fields.IntField(primary_key=True)
    guide_userid = fields.CharField(max_length=64, unique=True)
    balance = fields.IntField(default=0)


class RewardItem(Model):
    """A gift in the rewards shop."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=64)
    picture_url = fields.CharField(max_length=500, default="")
    price = fields.IntField()
    stock = fields.IntField()
    active_from = fields.DatetimeField(null=True)
    active_until = fields.DatetimeField(null=True)


class RedemptionStatus(StrEnum):
    PENDING = "pending"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"


class Redemption(Model):
    id = fields.IntField(primary_key=True)
    request_key = fields.CharField(max_length=128, unique=True)
    guide_userid = fields.CharField(max_length=64, db_index=True)
    item = fields.ForeignKeyField("guidebot.RewardItem", related_name="redemptions", on_delete=fields.RESTRICT)
    price = fields.IntField()
    status = fields.CharEnumField(RedemptionStatus, max_length=16, default=RedemptionStatus.PENDING)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()


class Badge(Model):
    id = fields.IntField(primary_key=True)
    guide_userid = fields.CharField(max_length=64)
    code = fields.CharField(max_length=32)
    awarded_at = fields.DatetimeField()

    class Meta:
        unique_together = (("guide_userid", "code"),)
