from tortoise import fields
from tortoise.models import Model


class Region(Model):
    """大区."""

    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=32, unique=True)
    name = fields.CharField(max_length=64)


class Branch(Model):
    """分公司: the usual PK squad."""

    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=32, unique=True)
    name = fields.CharField(max_length=64)
    region = fields.ForeignKeyField("guidebot.Region", related_name="branches", on_delete=fields.RESTRICT)


class Store(Model):
    """门店."""

    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=32, unique=True)
    name = fields.CharField(max_length=64)
    branch = fields.ForeignKeyField("guidebot.Branch", related_name="stores", on_delete=fields.RESTRICT)


class Guide(Model):
    """导购: a WeCom member, known by their UserID."""

    id = fields.IntField(primary_key=True)
    userid = fields.CharField(max_length=64, unique=True)
    name = fields.CharField(max_length=64)
    store = fields.ForeignKeyField("guidebot.Store", related_name="guides", on_delete=fields.RESTRICT)


class Team(Model):
    """战队: a PK squad of guides (a branch, a store or an ad-hoc group)."""

    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=32, unique=True)
    name = fields.CharField(max_length=64)


class TeamMember(Model):
    id = fields.IntField(primary_key=True)
    team = fields.ForeignKeyField("guidebot.Team", related_name="members", on_delete=fields.CASCADE)
    guide = fields.ForeignKeyField("guidebot.Guide", related_name="teams", on_delete=fields.CASCADE)

    class Meta:
        unique_together = (("team", "guide"),)
