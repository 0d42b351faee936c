from tortoise import fields
from tortoise.models import Model


class Contest(Model):
    """A team PK over a span of business days, its terms fixed once created.

    Targets are in the metric's board units (fen for sales). `final_settled` is the final
    ranking as paid when the last day was settled, `final_current` the same after
    corrections, so what was paid plus the corrections' differences is what is owed.
    """

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=64)
    metric = fields.CharField(max_length=16)
    start_date = fields.DateField()
    end_date = fields.DateField()
    ranking = fields.CharField(max_length=16)
    daily_team_target = fields.BigIntField(default=0)
    personal_daily_target = fields.BigIntField(default=0)
    winning_team_prize = fields.IntField(default=0)
    personal_target_prize = fields.IntField(default=0)
    final_team_prizes = fields.JSONField(default=list)
    final_guide_prizes = fields.JSONField(default=list)
    individual = fields.BooleanField(default=False)
    private = fields.BooleanField(default=False)
    created_at = fields.DatetimeField()
    final_settled = fields.JSONField(null=True)
    final_current = fields.JSONField(null=True)


class ContestTeam(Model):
    """A contest's team: a branch, or a squad of stores and named guides (a named guide counts here first)."""

    id = fields.IntField(primary_key=True)
    contest = fields.ForeignKeyField("guidebot.Contest", related_name="teams", on_delete=fields.CASCADE)
    code = fields.CharField(max_length=32)
    name = fields.CharField(max_length=64)
    branch_code = fields.CharField(max_length=32, default="")
    store_codes = fields.JSONField(default=list)
    guide_userids = fields.JSONField(default=list)

    class Meta:
        unique_together = (("contest", "code"),)


class ContestDay(Model):
    """A settled day: one row per contest and day, so a day is settled (and paid) once.

    `settled` is the outcome as settled and paid, `current` the same after corrections.
    """

    id = fields.IntField(primary_key=True)
    contest = fields.ForeignKeyField("guidebot.Contest", related_name="days", on_delete=fields.CASCADE)
    day = fields.DateField()
    settled = fields.JSONField()
    current = fields.JSONField()
    settled_at = fields.DatetimeField()

    class Meta:
        unique_together = (("contest", "day"),)


class ContestCorrection(Model):
    """A fact that arrived after its day was settled: what it changed, before → after, and the coins that moved."""

    id = fields.IntField(primary_key=True)
    contest = fields.ForeignKeyField("guidebot.Contest", related_name="corrections", on_delete=fields.CASCADE)
    day = fields.DateField()
    source = fields.CharField(max_length=128)
    summary = fields.TextField()
    changes = fields.JSONField()
    created_at = fields.DatetimeField()

    class Meta:
        unique_together = (("contest", "day", "source"),)


class Cheer(Model):
    """A guide's 加油 for their team, kept as typed (the page escapes it)."""

    id = fields.IntField(primary_key=True)
    contest = fields.ForeignKeyField("guidebot.Contest", related_name="cheers", on_delete=fields.CASCADE)
    team_code = fields.CharField(max_length=32)
    guide_userid = fields.CharField(max_length=64)
    guide_name = fields.CharField(max_length=64)
    text = fields.CharField(max_length=100)
    source = fields.CharField(max_length=128)
    created_at = fields.DatetimeField(db_index=True)

    class Meta:
        unique_together = (("contest", "source"),)
