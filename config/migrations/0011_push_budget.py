from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from bot.models import OutboxStatus
from json import dumps, loads
from pushes.models import HoldReason, PushOutcome
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('guidebot', '0010_task_reminders')]

    initial = False

    operations = [
        ops.CreateModel(
            name='DeferredPush',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('source_key', fields.CharField(max_length=160)),
                ('userid', fields.CharField(max_length=64)),
                ('body', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('reason', fields.CharEnumField(description='QUIET_HOURS: quiet-hours\nMUTED: muted\nHOURLY_CAP: hourly-cap\nDAILY_CAP: daily-cap', enum_type=HoldReason, max_length=16)),
                ('release_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('released_into', fields.CharField(null=True, max_length=160)),
            ],
            options={'table': 'deferredpush', 'app': 'guidebot', 'unique_together': (('source_key', 'userid'),), 'indexes': [Index(fields=['released_into', 'release_at'])], 'pk_attr': 'id', 'table_description': "One guide's copy of a push that may not go yet, unique per (push, guide): a retried send keeps one copy."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PushLogEntry',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('userid', fields.CharField(max_length=64)),
                ('key', fields.CharField(max_length=160)),
                ('outcome', fields.CharEnumField(description='SENT: sent\nDEFERRED: deferred\nMERGED: merged\nFAILED: failed', enum_type=PushOutcome, max_length=16)),
                ('reason', fields.CharField(default='', max_length=32)),
                ('detail', fields.CharField(default='', max_length=200)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'pushlogentry', 'app': 'guidebot', 'unique_together': (('userid', 'key', 'outcome'),), 'indexes': [Index(fields=['userid', 'at'])], 'pk_attr': 'id', 'table_description': 'What happened to one push for one guide: sent, deferred (and why, until when), merged, failed.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PushMute',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('userid', fields.CharField(unique=True, max_length=64)),
                ('until', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'pushmute', 'app': 'guidebot', 'pk_attr': 'id', 'table_description': 'A guide said 免打扰: non-urgent pushes wait until `until`.'},
            bases=['Model'],
        ),
        ops.AlterField(
            model_name='OutboxMessage',
            name='status',
            field=fields.CharEnumField(default=OutboxStatus.PENDING, description='PENDING: pending\nSENDING: sending\nSENT: sent\nFAILED: failed\nHELD: held', enum_type=OutboxStatus, max_length=16),
        ),
    ]
