from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class StaffRole(StrEnum):
    HQ_ADMIN = "hq_admin"  # 总部管理员: everything, people and settings included
    HQ_OPERATOR = "hq_operator"  # 总部运营: tasks, contests, shop, coins, reports
    BRANCH_LEAD = "branch_lead"  # 分公司负责人: their branch
    STORE_MANAGER = "store_manager"  # 店长: their store


class LocalAccount(Model):
    """A console account with a password, for the first administrator and deployments without WeCom login."""

    id = fields.IntField(primary_key=True)
    username = fields.CharField(max_length=64, unique=True)
    password_hash = fields.CharField(max_length=255)
    role = fields.CharEnumField(StaffRole, max_length=16)
    created_at = fields.DatetimeField()


class StaffGrant(Model):
    """An HQ role given to a WeCom member. Branch leads and store managers come from the org's roles instead."""

    id = fields.IntField(primary_key=True)
    userid = fields.CharField(max_length=64, unique=True)
    role = fields.CharEnumField(StaffRole, max_length=16)
    granted_by = fields.CharField(max_length=96)
    granted_at = fields.DatetimeField()


class ApiToken(Model):
    """A named HQ API token with a role and a scope. Only the SHA-256 of the secret is kept."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=64, unique=True)
    secret_sha256 = fields.CharField(max_length=64, unique=True)
    role = fields.CharEnumField(StaffRole, max_length=16)
    branch_code = fields.CharField(max_length=32, null=True)
    store_code = fields.CharField(max_length=32, null=True)
    created_by = fields.CharField(max_length=96)
    created_at = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)


class AuditEntry(Model):
    """One change made through the console or the API: who, when, what, and the state before and after."""

    id = fields.IntField(primary_key=True)
    at = fields.DatetimeField(db_index=True)
    actor = fields.CharField(max_length=96, db_index=True)
    action = fields.CharField(max_length=128)
    target = fields.CharField(max_length=255)
    before = fields.JSONField(null=True)
    after = fields.JSONField(null=True)
