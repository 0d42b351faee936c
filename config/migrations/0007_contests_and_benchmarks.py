from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('guidebot', '0006_board_placements')]

    initial = False

    operations = [
        ops.CreateModel(
            name='BenchmarkPick',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('day', fields.DateField()),
                ('title', fields.CharField(max_length=24)),
                ('title_name', fields.CharField(max_length=16)),
                ('measure', fields.CharField(max_length=8)),
                ('guide_userid', fields.CharField(null=True, max_length=64)),
                ('guide_name', fields.CharField(default='', max_length=64)),
                ('store_name', fields.CharField(default='', max_length=64)),
                ('figure', fields.BigIntField(default=0)),
                ('reached_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('coins', fields.IntField(default=0)),
                ('tip', fields.CharField(default='', max_length=200)),
                ('tip_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('selected_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'benchmarkpick', 'app': 'guidebot', 'unique_together': (('day', 'title'),), 'pk_attr': 'id', 'table_description': "A day's title and who earned it (nobody on a quiet day): one row per day and title, so it is chosen once."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Contest',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(max_length=64)),
                ('metric', fields.CharField(max_length=16)),
                ('start_date', fields.DateField()),
                ('end_date', fields.DateField()),
                ('ranking', fields.CharField(max_length=16)),
                ('daily_team_target', fields.BigIntField(default=0)),
                ('personal_daily_target', fields.BigIntField(default=0)),
                ('winning_team_prize', fields.IntField(default=0)),
                ('personal_target_prize', fields.IntField(default=0)),
                ('final_team_prizes', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('final_guide_prizes', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('individual', fields.BooleanField(default=False)),
                ('private', fields.BooleanField(default=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('final_settled', fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('final_current', fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
            ],
            options={'table': 'contest', 'app': 'guidebot', 'pk_attr': 'id', 'table_description': 'A team PK over a span of business days, its terms fixed once created.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Cheer',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('contest', fields.ForeignKeyField('guidebot.Contest', source_field='contest_id', db_constraint=True, to_field='id', related_name='cheers', on_delete=OnDelete.CASCADE)),
                ('team_code', fields.CharField(max_length=32)),
                ('guide_userid', fields.CharField(max_length=64)),
                ('guide_name', fields.CharField(max_length=64)),
                ('text', fields.CharField(max_length=100)),
                ('source', fields.CharField(max_length=128)),
                ('created_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'cheer', 'app': 'guidebot', 'unique_together': (('contest', 'source'),), 'pk_attr': 'id', 'table_description': "A guide's 加油 for their team, kept as typed (the page escapes it)."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ContestCorrection',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('contest', fields.ForeignKeyField('guidebot.Contest', source_field='contest_id', db_constraint=True, to_field='id', related_name='corrections', on_delete=OnDelete.CASCADE)),
                ('day', fields.DateField()),
                ('source', fields.CharField(max_length=128)),
                ('summary', fields.TextField(unique=False)),
                ('changes', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'contestcorrection', 'app': 'guidebot', 'unique_together': (('contest', 'day', 'source'),), 'pk_attr': 'id', 'table_description': 'A fact that arrived after its day was settled: what it changed, before → after, and the coins that moved.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ContestDay',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('contest', fields.ForeignKeyField('guidebot.Contest', source_field='contest_id', db_constraint=True, to_field='id', related_name='days', on_delete=OnDelete.CASCADE)),
                ('day', fields.DateField()),
                ('settled', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('current', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('settled_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'contestday', 'app': 'guidebot', 'unique_together': (('contest', 'day'),), 'pk_attr': 'id', 'table_description': 'A settled day: one row per contest and day, so a day is settled (and paid) once.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ContestTeam',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('contest', fields.ForeignKeyField('guidebot.Contest', source_field='contest_id', db_constraint=True, to_field='id', related_name='teams', on_delete=OnDelete.CASCADE)),
                ('code', fields.CharField(max_length=32)),
                ('name', fields.CharField(max_length=64)),
                ('branch_code', fields.CharField(default='', max_length=32)),
                ('store_codes', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('guide_userids', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
            ],
            options={'table': 'contestteam', 'app': 'guidebot', 'unique_together': (('contest', 'code'),), 'pk_attr': 'id', 'table_description': "A contest's team: a branch, or a squad of stores and named guides (a named guide counts here first)."},
            bases=['Model'],
        ),
    ]
