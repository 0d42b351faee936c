from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('guidebot', '0007_contests_and_benchmarks')]

    initial = False

    operations = [
        ops.CreateModel(
            name='JobRun',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('job', fields.CharField(max_length=64)),
                ('slot', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('trigger', fields.CharField(max_length=16)),
                ('status', fields.CharField(db_index=True, max_length=16)),
                ('claimed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('not_before', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('started_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('processed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('attempts', fields.IntField(default=0)),
                ('runner', fields.CharField(default='', max_length=64)),
                ('outcome', fields.TextField(default='', unique=False)),
                ('error', fields.TextField(default='', unique=False)),
            ],
            options={'table': 'jobrun', 'app': 'guidebot', 'unique_together': (('job', 'slot'),), 'pk_attr': 'id', 'table_description': 'One slot of a scheduled job: the unique (job, slot) key lets it start once, however many processes wake for it.'},
            bases=['Model'],
        ),
    ]
