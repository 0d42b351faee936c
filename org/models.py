from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.expressions import Subquery
from tortoise.models import Model
from tortoise.queryset import QuerySet


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
    # None: FAN_TARGET_PER_GUIDE_DAILY applies
    fan_target_per_guide_daily = fields.IntField(null=True)


class Guide(Model):
    """导购: a WeCom member, known by their UserID."""

    id = fields.IntField(primary_key=True)
    userid = fields.CharField(max_length=64, unique=True)
    name = fields.CharField(max_length=64)
    store = fields.ForeignKeyField("guidebot.Store", related_name="guides", on_delete=fields.RESTRICT)
    # set when an HR roster no longer lists them: they keep their history but get no tasks or pushes
    left_at = fields.DatetimeField(null=True)

    @classmethod
    def on_roster(cls) -> QuerySet[Guide]:
        """The guides who have not left: the only ones tasks and pushes reach."""
        return cls.filter(left_at__isnull=True)

    @classmethod
    def left_userids(cls) -> Subquery:
        """The UserIDs of the guides who left, for `guide_userid__not_in=` over rows that name a guide by UserID."""
        return Subquery(cls.filter(left_at__isnull=False).values("userid"))


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


class Role(StrEnum):
    STORE_MANAGER = "store_manager"  # 店长
    BRANCH_LEAD = "branch_lead"  # 分公司负责人


class OrgRole(Model):
    """Who manages which store or leads which branch. One person may hold several, and HQ roles may follow.

    The org import writes the whole list, so someone no longer listed loses the role.
    """

    id = fields.IntField(primary_key=True)
    userid = fields.CharField(max_length=64, db_index=True)
    role = fields.CharEnumField(Role, max_length=16)
    store = fields.ForeignKeyField("guidebot.Store", related_name="roles", null=True, on_delete=fields.CASCADE)
    branch = fields.ForeignKeyField("guidebot.Branch", related_name="roles", null=True, on_delete=fields.CASCADE)
