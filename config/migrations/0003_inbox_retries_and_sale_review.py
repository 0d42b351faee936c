from tortoise import migrations
from tortoise.migrations import operations as ops
from bot.models import InboxStatus
from tasks.models import SaleReview
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('guidebot', '0002_tasks_and_rewards')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='InboxEvent',
            name='status',
            field=fields.CharEnumField(default=InboxStatus.PENDING, db_index=True, description='PENDING: pending\nPROCESSING: processing\nDONE: done\nDEAD: dead', enum_type=InboxStatus, max_length=16),
        ),
        ops.AddField(
            model_name='InboxEvent',
            name='attempts',
            field=fields.IntField(default=0),
        ),
        ops.AddField(
            model_name='InboxEvent',
            name='not_before',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Sale',
            name='review',
            field=fields.CharEnumField(default=SaleReview.NONE, db_index=True, description='NONE: none\nPENDING: pending\nCONFIRMED: confirmed\nREJECTED: rejected', enum_type=SaleReview, max_length=16),
        ),
        ops.AddField(
            model_name='Sale',
            name='reviewed_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
    ]
