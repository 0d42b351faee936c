from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from rewards.models import RedemptionStatus
from enum import StrEnum
from tasks.models import TaskStatus
from tortoise.fields.base import OnDelete
from tortoise import fields


# Frozen here: the kinds and metrics as they were. Since 0004 they are names from tasks.kinds.
class TaskKind(StrEnum):
    ADD_FANS = "add_fans"
    SHARE_POST = "share_post"
    SALES_TARGET = "sales_target"


class TaskMetric(StrEnum):
    FANS = "fans"
    SHARES = "shares"
    VISITORS = "visitors"
    AMOUNT = "amount"
    ORDERS = "orders"


class Migration(migrations.Migration):
    dependencies = [("guidebot", "0001_initial")]

    initial = False

    operations = [
        ops.CreateModel(
            name="Badge",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("guide_userid", fields.CharField(max_length=64)),
                ("code", fields.CharField(max_length=32)),
                ("awarded_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "badge",
                "app": "guidebot",
                "unique_together": (("guide_userid", "code"),),
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="CoinEntry",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("guide_userid", fields.CharField(db_index=True, max_length=64)),
                ("amount", fields.IntField()),
                ("reason", fields.CharField(max_length=200)),
                ("source_type", fields.CharField(max_length=32)),
                ("source_id", fields.CharField(max_length=128)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "coinentry",
                "app": "guidebot",
                "unique_together": (("guide_userid", "source_type", "source_id"),),
                "pk_attr": "id",
                "table_description": "One line of the append-only coin ledger. Corrections are new lines, never edits.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="RewardItem",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("name", fields.CharField(max_length=64)),
                ("picture_url", fields.CharField(default="", max_length=500)),
                ("price", fields.IntField()),
                ("stock", fields.IntField()),
                ("active_from", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("active_until", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "rewarditem",
                "app": "guidebot",
                "pk_attr": "id",
                "table_description": "A gift in the rewards shop.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Redemption",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("request_key", fields.CharField(unique=True, max_length=128)),
                ("guide_userid", fields.CharField(db_index=True, max_length=64)),
                (
                    "item",
                    fields.ForeignKeyField(
                        "guidebot.RewardItem",
                        source_field="item_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="redemptions",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("price", fields.IntField()),
                (
                    "status",
                    fields.CharEnumField(
                        default=RedemptionStatus.PENDING,
                        description="PENDING: pending\nSHIPPED: shipped\nDELIVERED: delivered\nCANCELLED: cancelled",
                        enum_type=RedemptionStatus,
                        max_length=16,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("updated_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={"table": "redemption", "app": "guidebot", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Sale",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("order_id", fields.CharField(unique=True, max_length=64)),
                ("guide_userid", fields.CharField(db_index=True, max_length=64)),
                ("store_code", fields.CharField(default="", max_length=32)),
                ("amount_fen", fields.BigIntField()),
                ("orders", fields.IntField()),
                ("channel", fields.CharField(default="", max_length=32)),
                ("sold_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("self_reported", fields.BooleanField(default=False)),
                ("refund_of", fields.CharField(null=True, max_length=64)),
                ("fingerprint", fields.CharField(max_length=64)),
                ("received_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "sale",
                "app": "guidebot",
                "pk_attr": "id",
                "table_description": "A sales line from a store system or a guide's chat report (a refund is a negative line).",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Task",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "kind",
                    fields.CharEnumField(
                        description="ADD_FANS: add_fans\nSHARE_POST: share_post\nSALES_TARGET: sales_target",
                        enum_type=TaskKind,
                        max_length=16,
                    ),
                ),
                (
                    "metric",
                    fields.CharEnumField(
                        description="FANS: fans\nSHARES: shares\nVISITORS: visitors\nAMOUNT: amount\nORDERS: orders",
                        enum_type=TaskMetric,
                        max_length=16,
                    ),
                ),
                ("title", fields.CharField(max_length=64)),
                ("description", fields.TextField(default="", unique=False)),
                ("material_text", fields.TextField(default="", unique=False)),
                ("material_link", fields.CharField(default="", max_length=500)),
                ("material_image", fields.CharField(default="", max_length=500)),
                ("audience", fields.JSONField(encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads)),
                ("start_date", fields.DateField()),
                ("end_date", fields.DateField()),
                ("target", fields.BigIntField()),
                ("reward_coins", fields.IntField()),
                ("bonus_per_unit", fields.IntField(default=0)),
                ("bonus_cap", fields.IntField(null=True)),
                ("count_self_reported", fields.BooleanField(default=False)),
                (
                    "status",
                    fields.CharEnumField(
                        default=TaskStatus.DRAFT,
                        description="DRAFT: draft\nPUBLISHED: published\nCANCELLED: cancelled",
                        enum_type=TaskStatus,
                        max_length=16,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("published_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("cancelled_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={"table": "task", "app": "guidebot", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="ShareLink",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("code", fields.CharField(unique=True, max_length=16)),
                (
                    "task",
                    fields.ForeignKeyField(
                        "guidebot.Task",
                        source_field="task_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="share_links",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("guide_userid", fields.CharField(max_length=64)),
            ],
            options={
                "table": "sharelink",
                "app": "guidebot",
                "unique_together": (("task", "guide_userid"),),
                "pk_attr": "id",
                "table_description": "The guide's tracked link to a share task's material: /s/{code}.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="ShareVisit",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "link",
                    fields.ForeignKeyField(
                        "guidebot.ShareLink",
                        source_field="link_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="visits",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("day", fields.DateField()),
                ("visitor", fields.CharField(max_length=64)),
            ],
            options={
                "table": "sharevisit",
                "app": "guidebot",
                "unique_together": (("link", "day", "visitor"),),
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="TaskAssignment",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "task",
                    fields.ForeignKeyField(
                        "guidebot.Task",
                        source_field="task_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="assignments",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("guide_userid", fields.CharField(db_index=True, max_length=64)),
                ("progress", fields.BigIntField(default=0)),
                ("coins_paid", fields.IntField(default=0)),
                ("completed_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("shared_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("visitors", fields.IntField(default=0)),
            ],
            options={
                "table": "taskassignment",
                "app": "guidebot",
                "unique_together": (("task", "guide_userid"),),
                "pk_attr": "id",
                "table_description": "One guide's share of a published task, with progress and coins paid so far.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="ProgressEvent",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "assignment",
                    fields.ForeignKeyField(
                        "guidebot.TaskAssignment",
                        source_field="assignment_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="events",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("source_key", fields.CharField(max_length=128)),
                ("units", fields.BigIntField()),
                ("business_day", fields.DateField()),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "progressevent",
                "app": "guidebot",
                "unique_together": (("assignment", "source_key"),),
                "pk_attr": "id",
                "table_description": "One counted real event: the unique source key makes each count once.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Wallet",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("guide_userid", fields.CharField(unique=True, max_length=64)),
                ("balance", fields.IntField(default=0)),
            ],
            options={
                "table": "wallet",
                "app": "guidebot",
                "pk_attr": "id",
                "table_description": "The cached balance: changed in the same transaction as each entry, so it equals their sum.",
            },
            bases=["Model"],
        ),
    ]
