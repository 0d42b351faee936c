from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('guidebot', '0005_domain_events')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Placement',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('guide_userid', fields.CharField(max_length=64)),
                ('day', fields.DateField()),
                ('guide_name', fields.CharField(max_length=64)),
                ('store_code', fields.CharField(max_length=32)),
                ('store_name', fields.CharField(max_length=64)),
                ('branch_code', fields.CharField(max_length=32)),
                ('branch_name', fields.CharField(max_length=64)),
                ('region_code', fields.CharField(max_length=32)),
                ('region_name', fields.CharField(max_length=64)),
                ('teams', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
            ],
            options={'table': 'placement', 'app': 'guidebot', 'unique_together': (('guide_userid', 'day'),), 'pk_attr': 'id', 'table_description': 'Where a guide stood on a business day (store, branch, region, teams, with their names then).'},
            bases=['Model'],
        ),
    ]
