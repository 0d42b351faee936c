import functools
from json import dumps, loads

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from bot.models import InboxStatus, OutboxStatus
from fans.models import FanVerdict, LossSource


class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name="Customer",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("external_userid", fields.CharField(unique=True, max_length=64)),
                ("contact_type", fields.SmallIntField(null=True)),
                ("first_seen_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "customer",
                "app": "guidebot",
                "pk_attr": "id",
                "table_description": "One row per external user: the row that serialises concurrent adds of the same customer.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Fan",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("event_key", fields.CharField(unique=True, max_length=80)),
                ("guide_userid", fields.CharField(db_index=True, max_length=64)),
                (
                    "customer",
                    fields.ForeignKeyField(
                        "guidebot.Customer",
                        source_field="customer_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="fans",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("state", fields.CharField(default="", max_length=64)),
                ("added_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                (
                    "verdict",
                    fields.CharEnumField(
                        description="NEW: new\nDUPLICATE: duplicate\nREADDED: readded\nCOLLEAGUE: colleague",
                        enum_type=FanVerdict,
                        max_length=16,
                    ),
                ),
                ("lost_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                (
                    "loss_source",
                    fields.CharEnumField(
                        null=True,
                        description="CUSTOMER_DELETED_GUIDE: customer_deleted_guide\nGUIDE_DELETED_CUSTOMER: guide_deleted_customer\nTRANSFERRED: transferred",
                        enum_type=LossSource,
                        max_length=32,
                    ),
                ),
            ],
            options={
                "table": "fan",
                "app": "guidebot",
                "indexes": [Index(fields=["guide_userid", "added_at"])],
                "pk_attr": "id",
                "table_description": "One add of a customer by a guide (a re-add after a loss is a new row).",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="InboxEvent",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("dedup_key", fields.CharField(unique=True, max_length=80)),
                ("kind", fields.CharField(max_length=64)),
                ("payload", fields.TextField(unique=False)),
                (
                    "status",
                    fields.CharEnumField(
                        default=InboxStatus.PENDING,
                        db_index=True,
                        description="PENDING: pending\nPROCESSING: processing\nDONE: done",
                        enum_type=InboxStatus,
                        max_length=16,
                    ),
                ),
                ("received_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("claimed_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("processed_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("error", fields.TextField(default="", unique=False)),
            ],
            options={
                "table": "inboxevent",
                "app": "guidebot",
                "pk_attr": "id",
                "table_description": "A decrypted callback, stored before the ack, so that a crash loses nothing.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="OutboxMessage",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("key", fields.CharField(unique=True, max_length=160)),
                ("api", fields.CharField(max_length=64)),
                ("payload", fields.JSONField(encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads)),
                (
                    "status",
                    fields.CharEnumField(
                        default=OutboxStatus.PENDING,
                        description="PENDING: pending\nSENDING: sending\nSENT: sent\nFAILED: failed",
                        enum_type=OutboxStatus,
                        max_length=16,
                    ),
                ),
                ("attempts", fields.IntField(default=0)),
                ("last_error", fields.TextField(default="", unique=False)),
                ("not_before", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("claimed_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("sent_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "outboxmessage",
                "app": "guidebot",
                "indexes": [Index(fields=["status", "not_before"])],
                "pk_attr": "id",
                "table_description": "A call to WeCom that must happen once, written before it is sent.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Region",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("code", fields.CharField(unique=True, max_length=32)),
                ("name", fields.CharField(max_length=64)),
            ],
            options={"table": "region", "app": "guidebot", "pk_attr": "id", "table_description": "大区."},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Branch",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("code", fields.CharField(unique=True, max_length=32)),
                ("name", fields.CharField(max_length=64)),
                (
                    "region",
                    fields.ForeignKeyField(
                        "guidebot.Region",
                        source_field="region_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="branches",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
            ],
            options={
                "table": "branch",
                "app": "guidebot",
                "pk_attr": "id",
                "table_description": "分公司: the usual PK squad.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Store",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("code", fields.CharField(unique=True, max_length=32)),
                ("name", fields.CharField(max_length=64)),
                (
                    "branch",
                    fields.ForeignKeyField(
                        "guidebot.Branch",
                        source_field="branch_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="stores",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
            ],
            options={"table": "store", "app": "guidebot", "pk_attr": "id", "table_description": "门店."},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Guide",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("userid", fields.CharField(unique=True, max_length=64)),
                ("name", fields.CharField(max_length=64)),
                (
                    "store",
                    fields.ForeignKeyField(
                        "guidebot.Store",
                        source_field="store_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="guides",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
            ],
            options={
                "table": "guide",
                "app": "guidebot",
                "pk_attr": "id",
                "table_description": "导购: a WeCom member, known by their UserID.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Team",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("code", fields.CharField(unique=True, max_length=32)),
                ("name", fields.CharField(max_length=64)),
            ],
            options={
                "table": "team",
                "app": "guidebot",
                "pk_attr": "id",
                "table_description": "战队: a PK squad of guides (a branch, a store or an ad-hoc group).",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="TeamMember",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "team",
                    fields.ForeignKeyField(
                        "guidebot.Team",
                        source_field="team_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="members",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "guide",
                    fields.ForeignKeyField(
                        "guidebot.Guide",
                        source_field="guide_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="teams",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
            ],
            options={
                "table": "teammember",
                "app": "guidebot",
                "unique_together": (("team", "guide"),),
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
    ]
