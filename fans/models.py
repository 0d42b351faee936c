from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class FanVerdict(StrEnum):
    """Whether an add counts as a new fan, and if not, why."""

    NEW = "new"
    DUPLICATE = "duplicate"  # 重粉: another guide already holds this customer
    READDED = "readded"  # deleted and re-added within the retention window
    COLLEAGUE = "colleague"  # a WeCom user (type 2): a colleague or another corp's staff


class LossSource(StrEnum):
    CUSTOMER_DELETED_GUIDE = "customer_deleted_guide"  # del_follow_user: 删粉
    GUIDE_DELETED_CUSTOMER = "guide_deleted_customer"  # del_external_contact
    TRANSFERRED = "transferred"  # DELETE_BY_TRANSFER: not churn


class Customer(Model):
    """One row per external user: the row that serialises concurrent adds of the same customer."""

    id = fields.IntField(primary_key=True)
    external_userid = fields.CharField(max_length=64, unique=True)
    contact_type = fields.SmallIntField(null=True)
    first_seen_at = fields.DatetimeField()


class Fan(Model):
    """One add of a customer by a guide (a re-add after a loss is a new row)."""

    id = fields.IntField(primary_key=True)
    event_key = fields.CharField(max_length=80, unique=True)
    guide_userid = fields.CharField(max_length=64, db_index=True)
    customer = fields.ForeignKeyField("guidebot.Customer", related_name="fans", on_delete=fields.RESTRICT)
    state = fields.CharField(max_length=64, default="")
    added_at = fields.DatetimeField()
    verdict = fields.CharEnumField(FanVerdict, max_length=16)
    lost_at = fields.DatetimeField(null=True)
    loss_source = fields.CharEnumField(LossSource, max_length=32, null=True)

    class Meta:
        # the fan reports count a period's adds and losses
        indexes = (("guide_userid", "added_at"), ("added_at",), ("lost_at",))

    @property
    def counts_as_new(self) -> bool:
        return self.verdict is FanVerdict.NEW
