from tortoise import migrations
from tortoise.migrations import operations as ops
from org.models import Role
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('guidebot', '0008_job_runs')]

    initial = False

    operations = [
        ops.CreateModel(
            name='OrgRole',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('userid', fields.CharField(db_index=True, max_length=64)),
                ('role', fields.CharEnumField(description='STORE_MANAGER: store_manager\nBRANCH_LEAD: branch_lead', enum_type=Role, max_length=16)),
                ('store', fields.ForeignKeyField('guidebot.Store', source_field='store_id', null=True, db_constraint=True, to_field='id', related_name='roles', on_delete=OnDelete.CASCADE)),
                ('branch', fields.ForeignKeyField('guidebot.Branch', source_field='branch_id', null=True, db_constraint=True, to_field='id', related_name='roles', on_delete=OnDelete.CASCADE)),
            ],
            options={'table': 'orgrole', 'app': 'guidebot', 'pk_attr': 'id', 'table_description': 'Who manages which store or leads which branch. One person may hold several, and HQ roles may follow.'},
            bases=['Model'],
        ),
        ops.AddIndex(
            model_name='Fan',
            index=Index(fields=['added_at']),
        ),
        ops.AddIndex(
            model_name='Fan',
            index=Index(fields=['lost_at']),
        ),
        ops.AddField(
            model_name='Store',
            name='fan_target_per_guide_daily',
            field=fields.IntField(null=True),
        ),
    ]
