"""Settings from the environment and `.env`, validated once at start-up."""

from __future__ import annotations

import re
import string
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    AliasChoices,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from benchmarks.titles import DEFAULT_TITLES, BenchmarkTitle
from kernel.jobs.schedules import parse_schedule
from pushes.policy import QuietHours

ENCODING_AES_KEY = re.compile(r"[A-Za-z0-9+/]{43}")  # WeCom's EncodingAESKey: 32 bytes in base64, no "="
INVITE_URL_FIELDS = {"guide", "store", "state"}
INVITE_TEXT_FIELDS = {"guide_name"}

DEFAULT_INVITE_TEXT = "您好，我是{guide_name}，很高兴为您服务！点击下方链接注册会员，领取新人礼券和专属优惠～"


def _is_schedule(text: str) -> str:
    parse_schedule(text, ZoneInfo("UTC"))  # only the spelling is checked here; jobs run in BUSINESS_TIMEZONE
    return text


def _is_quiet_hours(text: str) -> str:
    QuietHours.parse(text)
    return text


# `22:00-08:00` in BUSINESS_TIMEZONE; `off`: no quiet hours.
QuietHoursText = Annotated[str, AfterValidator(_is_quiet_hours)]

# A job's times, as kernel.jobs.schedules spells them: `09:30`, `mon 09:30`, `1st 08:00`, `every 5 min`.
JobSchedule = Annotated[str, AfterValidator(_is_schedule)]


def _template_fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


class Settings(BaseSettings):
    """Every knob of the service; the names are the environment variables (upper case)."""

    # An empty value (`WECOM_AGENT_ID=` as in .env.example) means the default, as the example file says.
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore", env_ignore_empty=True)

    var_dir: Path = Path("var")
    database_url: str = ""
    redis_url: str = ""

    wecom_corp_id: str = ""
    wecom_agent_id: int | None = None
    wecom_secret: SecretStr = SecretStr("")
    wecom_callback_token: SecretStr = SecretStr("")
    wecom_encoding_aes_key: SecretStr = SecretStr("")
    wecom_api_base: str = "https://qyapi.weixin.qq.com"
    wecom_login_base: str = "https://login.work.weixin.qq.com"  # the console's 企业微信登录 page

    hq_api_token: SecretStr = SecretStr("")
    page_link_secret: SecretStr = SecretStr("")  # unset: see config/keys.py
    console_secret: SecretStr = SecretStr("")  # encrypts console sessions; unset: see config/keys.py
    console_idle_minutes: int = Field(30, ge=1, le=24 * 60)  # a console session ends after this long unused
    console_login_attempts: int = Field(5, ge=1, le=1000)  # wrong passwords per name and address per 15 minutes
    branch_leads_may_post: bool = False  # branch leads may post tasks and contests for their own branch
    host: str = "0.0.0.0"
    port: int = Field(8080, ge=1, le=65535)
    # tortoise-orm writes TIMEZONE=UTC into os.environ when it opens the database, so the
    # setting is BUSINESS_TIMEZONE; TIMEZONE is still read, as settings load before the database opens.
    business_timezone: str = Field("Asia/Shanghai", validation_alias=AliasChoices("BUSINESS_TIMEZONE", "TIMEZONE"))

    public_url: str = ""  # unset: http://HOST:PORT (0.0.0.0 shown as 127.0.0.1); see _public_url_default
    invite_url: str = "https://member.example.com/register?guide={guide}&store={store}&state={state}"
    invite_text: str = DEFAULT_INVITE_TEXT

    demo_data: bool = True
    fan_retention_days: int = Field(7, ge=0, le=365)
    outbox_concurrency: int = Field(8, ge=1, le=64)
    benchmark_titles: tuple[BenchmarkTitle, ...] = DEFAULT_TITLES  # JSON, see .env.example
    outbox_max_age_hours: int = Field(24, ge=1, le=24 * 30)
    fan_target_per_guide_daily: int = Field(3, ge=0, le=1000)  # 拉新目标; a store may set its own (org import)
    fan_report_warn_share: float = Field(0.6, ge=0, le=1)  # a store below this share of target is warned about

    # The push budget (pushes/): caps per guide (0: none), quiet hours, how long 免打扰 lasts.
    push_cap_per_hour: int = Field(4, ge=0, le=1000)
    push_cap_per_day: int = Field(12, ge=0, le=10000)
    push_quiet_hours: QuietHoursText = "22:00-08:00"
    push_mute_hours: int = Field(24, ge=1, le=24 * 30)

    # Scheduled jobs (config/jobs.py), in BUSINESS_TIMEZONE.
    recovery_schedule: JobSchedule = "every 1 min"
    expire_undeliverable_schedule: JobSchedule = "every 1 h"
    release_pushes_schedule: JobSchedule = "every 1 min"
    morning_digest_schedule: JobSchedule = "09:30"
    task_reminders_schedule: JobSchedule = "every 15 min"
    evening_results_schedule: JobSchedule = "21:30"
    daily_settlement_schedule: JobSchedule = "00:05"
    fan_report_daily_schedule: JobSchedule = "09:00"
    fan_report_weekly_schedule: JobSchedule = "mon 09:00"
    fan_report_monthly_schedule: JobSchedule = "1st 09:00"

    @field_validator("wecom_encoding_aes_key")
    @classmethod
    def _aes_key_is_43_chars(cls, value: SecretStr) -> SecretStr:
        key = value.get_secret_value()
        if key and not ENCODING_AES_KEY.fullmatch(key):
            raise ValueError("must be the 43-character EncodingAESKey from the WeCom console")
        return value

    @field_validator("page_link_secret", "console_secret")
    @classmethod
    def _secret_is_long(cls, value: SecretStr) -> SecretStr:
        if value.get_secret_value() and len(value.get_secret_value()) < 32:
            raise ValueError("must be at least 32 characters (e.g. `openssl rand -hex 32`)")
        return value

    @field_validator("wecom_api_base", "wecom_login_base", "invite_url", "public_url")
    @classmethod
    def _is_http_url(cls, value: str, info: ValidationInfo) -> str:
        if info.field_name == "public_url" and not value:
            return value
        if not re.match(r"https?://[^\s/]+", value):
            raise ValueError("must start with http:// or https://")
        return value

    @field_validator("invite_url")
    @classmethod
    def _invite_url_fields(cls, value: str) -> str:
        unknown = _template_fields(value) - INVITE_URL_FIELDS
        if unknown:
            raise ValueError(f"unknown placeholder {sorted(unknown)}; use {{guide}}, {{store}}, {{state}}")
        return value

    @field_validator("invite_text")
    @classmethod
    def _invite_text_fields(cls, value: str) -> str:
        unknown = _template_fields(value) - INVITE_TEXT_FIELDS
        if unknown:
            raise ValueError(f"unknown placeholder {sorted(unknown)}; only {{guide_name}} is known")
        return value

    @field_validator("benchmark_titles")
    @classmethod
    def _title_codes_differ(cls, value: tuple[BenchmarkTitle, ...]) -> tuple[BenchmarkTitle, ...]:
        codes = [title.code for title in value]
        if len(set(codes)) != len(codes):
            raise ValueError(f"each title needs its own code, not {codes}")
        return value

    @field_validator("business_timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("is not a known IANA time zone such as Asia/Shanghai") from None
        return value

    @field_validator("database_url")
    @classmethod
    def _supported_database(cls, value: str) -> str:
        if value and not value.startswith(("sqlite://", "postgres://", "postgresql://")):
            raise ValueError("must be a sqlite:// or postgres:// URL")
        return value

    @model_validator(mode="after")
    def _public_url_default(self) -> Settings:
        """Unset PUBLIC_URL follows HOST and PORT (`local_url`), so share links name the port the service listens on."""
        if not self.public_url:
            self.public_url = self.local_url
        return self

    @model_validator(mode="after")
    def _wecom_groups_complete(self) -> Settings:
        groups = [
            {"WECOM_SECRET": self.wecom_secret.get_secret_value(), "WECOM_AGENT_ID": self.wecom_agent_id},
            {
                "WECOM_CALLBACK_TOKEN": self.wecom_callback_token.get_secret_value(),
                "WECOM_ENCODING_AES_KEY": self.wecom_encoding_aes_key.get_secret_value(),
            },
        ]
        for group in groups:
            given = [name for name, value in group.items() if value]
            if given:
                missing = [name for name, value in {**group, "WECOM_CORP_ID": self.wecom_corp_id}.items() if not value]
                if missing:
                    raise ValueError(f"{missing[0]}: is required when {given[0]} is set")
        return self

    @property
    def local_url(self) -> str:
        """Where this machine reaches the service: a wildcard HOST (0.0.0.0, ::) is no address to visit; 127.0.0.1 is."""
        host = "127.0.0.1" if self.host in ("", "0.0.0.0", "::") else self.host
        return f"http://{f'[{host}]' if ':' in host else host}:{self.port}"

    @property
    def wecom_configured(self) -> bool:
        """Any WeCom credential is set: the service belongs to a real corp, so it is not in demo mode."""
        return any(
            (
                self.wecom_corp_id,
                self.wecom_secret.get_secret_value(),
                self.wecom_callback_token.get_secret_value(),
                self.wecom_encoding_aes_key.get_secret_value(),
            )
        )

    @property
    def sending_enabled(self) -> bool:
        return bool(self.wecom_secret.get_secret_value())

    @property
    def callback_enabled(self) -> bool:
        return bool(self.wecom_callback_token.get_secret_value())

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite://{self.var_dir / 'guidebot.sqlite3'}"


class SettingsError(Exception):
    """A settings problem, worded as one line that names the variable."""


def load_settings(**overrides: object) -> Settings:
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = ".".join(str(part) for part in error["loc"]).upper()
        message = error["msg"].removeprefix("Value error, ")
        raise SettingsError(f"{field}: {message}" if field else message) from None
