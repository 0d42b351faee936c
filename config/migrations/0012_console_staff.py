from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from staff.models import StaffRole
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('guidebot', '0011_push_budget')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ApiToken',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(unique=True, max_length=64)),
                ('secret_sha256', fields.CharField(unique=True, max_length=64)),
                ('role', fields.CharEnumField(description='HQ_ADMIN: hq_admin\nHQ_OPERATOR: hq_operator\nBRANCH_LEAD: branch_lead\nSTORE_MANAGER: store_manager', enum_type=StaffRole, max_length=16)),
                ('branch_code', fields.CharField(null=True, max_length=32)),
                ('store_code', fields.CharField(null=True, max_length=32)),
                ('created_by', fields.CharField(max_length=96)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'apitoken', 'app': 'guidebot', 'pk_attr': 'id', 'table_description': 'A named HQ API token with a role and a scope. Only the SHA-256 of the secret is kept.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AuditEntry',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('actor', fields.CharField(db_index=True, max_length=96)),
                ('action', fields.CharField(max_length=128)),
                ('target', fields.CharField(max_length=255)),
                ('before', fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('after', fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
            ],
            options={'table': 'auditentry', 'app': 'guidebot', 'pk_attr': 'id', 'table_description': 'One change made through the console or the API: who, when, what, and the state before and after.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='LocalAccount',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('username', fields.CharField(unique=True, max_length=64)),
                ('password_hash', fields.CharField(max_length=255)),
                ('role', fields.CharEnumField(description='HQ_ADMIN: hq_admin\nHQ_OPERATOR: hq_operator\nBRANCH_LEAD: branch_lead\nSTORE_MANAGER: store_manager', enum_type=StaffRole, max_length=16)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'localaccount', 'app': 'guidebot', 'pk_attr': 'id', 'table_description': 'A console account with a password, for the first administrator and deployments without WeCom login.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='StaffGrant',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('userid', fields.CharField(unique=True, max_length=64)),
                ('role', fields.CharEnumField(description='HQ_ADMIN: hq_admin\nHQ_OPERATOR: hq_operator\nBRANCH_LEAD: branch_lead\nSTORE_MANAGER: store_manager', enum_type=StaffRole, max_length=16)),
                ('granted_by', fields.CharField(max_length=96)),
                ('granted_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'staffgrant', 'app': 'guidebot', 'pk_attr': 'id', 'table_description': "An HQ role given to a WeCom member. Branch leads and store managers come from the org's roles instead."},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Guide',
            name='left_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
    ]
