from tortoise import fields
from tortoise.models import Model


class BenchmarkPick(Model):
    """A day's title and who earned it (nobody on a quiet day): one row per day and title, so it is chosen once.

    `figure` is in the title's units (orders, or fen of sales). The winner's tip (心得) is
    kept as typed, the page escapes it.
    """

    id = fields.IntField(primary_key=True)
    day = fields.DateField()
    title = fields.CharField(max_length=24)
    title_name = fields.CharField(max_length=16)
    measure = fields.CharField(max_length=8)
    guide_userid = fields.CharField(max_length=64, null=True)
    guide_name = fields.CharField(max_length=64, default="")
    store_name = fields.CharField(max_length=64, default="")
    figure = fields.BigIntField(default=0)
    reached_at = fields.DatetimeField(null=True)
    coins = fields.IntField(default=0)
    tip = fields.CharField(max_length=200, default="")
    tip_at = fields.DatetimeField(null=True)
    selected_at = fields.DatetimeField()

    class Meta:
        unique_together = (("day", "title"),)
