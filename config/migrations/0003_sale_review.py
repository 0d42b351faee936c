from tortoise import migrations
from tortoise.migrations import operations as ops
from tasks.models import SaleReview
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('guidebot', '0002_tasks_and_rewards')]

    initial = False

    operations = [
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
