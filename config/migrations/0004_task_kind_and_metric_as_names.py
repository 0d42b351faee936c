from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('guidebot', '0003_inbox_retries_and_sale_review')]

    initial = False

    operations = [
        ops.AlterModelOptions(
            name='Task',
            options={'table': 'task', 'app': 'guidebot', 'pk_attr': 'id', 'table_description': 'A task HQ sets for guides. Its kind and metric are names from the registry in tasks.kinds.'},
        ),
        ops.AlterField(
            model_name='Task',
            name='kind',
            field=fields.CharField(max_length=32),
        ),
        ops.AlterField(
            model_name='Task',
            name='metric',
            field=fields.CharField(max_length=32),
        ),
    ]
