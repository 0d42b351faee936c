from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('guidebot', '0004_task_kind_and_metric_as_names')]

    initial = False

    operations = [
        ops.CreateModel(
            name='EventRecord',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(max_length=64)),
                ('payload', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('occurred_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('status', fields.CharField(default='processing', db_index=True, max_length=16)),
                ('claimed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('not_before', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('processed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('attempts', fields.IntField(default=1)),
                ('error', fields.TextField(default='', unique=False)),
            ],
            options={'table': 'eventrecord', 'app': 'guidebot', 'pk_attr': 'id', 'table_description': 'A domain event, written in the transaction that made it true, then dispatched to subscribers.'},
            bases=['Model'],
        ),
    ]
