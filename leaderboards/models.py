from tortoise import fields
from tortoise.models import Model


class Placement(Model):
    """Where a guide stood on a business day (store, branch, region, teams, with their names then).

    Written the first time a fact of that day reaches the boards and never changed, so a
    guide who moves store or team keeps what they earned where they earned it, and a
    rebuild ranks each day as it was.
    """

    id = fields.IntField(primary_key=True)
    guide_userid = fields.CharField(max_length=64)
    day = fields.DateField()
    guide_name = fields.CharField(max_length=64)
    store_code = fields.CharField(max_length=32)
    store_name = fields.CharField(max_length=64)
    branch_code = fields.CharField(max_length=32)
    branch_name = fields.CharField(max_length=64)
    region_code = fields.CharField(max_length=32)
    region_name = fields.CharField(max_length=64)
    teams = fields.JSONField(default=list)  # [[code, name], …]

    class Meta:
        unique_together = (("guide_userid", "day"),)
