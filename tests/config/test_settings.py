"""Start-up configuration: one clear line naming the variable, never a traceback or a secret."""

import shutil
from pathlib import Path

import pytest

from config.cli import main
from config.settings import SettingsError, load_settings


@pytest.fixture(autouse=True)
def no_env_file(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"PORT": "eighty"}, "PORT: "),
        ({"PORT": "70000"}, "PORT: "),
        ({"BUSINESS_TIMEZONE": "Mars/Olympus"}, "BUSINESS_TIMEZONE: is not a known IANA time zone"),
        ({"DATABASE_URL": "mysql://x"}, "DATABASE_URL: must be a sqlite:// or postgres:// URL"),
        ({"WECOM_API_BASE": "qyapi.weixin.qq.com"}, "WECOM_API_BASE: must start with http"),
        ({"INVITE_URL": "https://m.example.com/r?g={guide}&x={secret}"}, "INVITE_URL: unknown placeholder"),
        ({"INVITE_TEXT": "你好{name}"}, "INVITE_TEXT: unknown placeholder"),
        ({"PUSH_QUIET_HOURS": "22-8"}, "PUSH_QUIET_HOURS: must be HH:MM-HH:MM"),
        ({"PUSH_CAP_PER_HOUR": "-1"}, "PUSH_CAP_PER_HOUR: "),
        ({"RECOVERY_SCHEDULE": "hourly"}, "RECOVERY_SCHEDULE: 'hourly' is no schedule: say `09:30` (daily)"),
        ({"WECOM_SECRET": "s3cr3t-value"}, "WECOM_AGENT_ID: is required when WECOM_SECRET is set"),
        (
            {"WECOM_CALLBACK_TOKEN": "t", "WECOM_CORP_ID": "ww1", "WECOM_ENCODING_AES_KEY": "too-short"},
            "WECOM_ENCODING_AES_KEY: must be the 43-character EncodingAESKey",
        ),
    ],
)
def test_a_bad_value_is_one_line_naming_the_variable(monkeypatch, env, message):
    for name, value in env.items():
        monkeypatch.setenv(name, value)

    with pytest.raises(SettingsError) as error:
        load_settings()

    assert str(error.value).startswith(message)
    assert "\n" not in str(error.value)
    assert "s3cr3t-value" not in str(error.value)


def test_without_wecom_credentials_the_service_runs_in_demo_mode():
    settings = load_settings()

    assert not settings.sending_enabled
    assert settings.resolved_database_url.startswith("sqlite://")
    assert settings.redis_url == ""
    assert settings.business_timezone == "Asia/Shanghai"


def test_the_cli_stops_with_one_line_and_exit_code_2(monkeypatch, capsys):
    monkeypatch.setenv("PORT", "eighty")

    assert main(["migrate"]) == 2

    err = capsys.readouterr().err
    assert err.startswith("guidebot: configuration error: PORT:")
    assert "Traceback" not in err


def test_a_receive_only_setup_needs_no_secret(monkeypatch):
    for name, value in {
        "WECOM_CORP_ID": "ww1",
        "WECOM_CALLBACK_TOKEN": "t",
        "WECOM_ENCODING_AES_KEY": "a" * 43,
    }.items():
        monkeypatch.setenv(name, value)

    settings = load_settings()

    assert settings.callback_enabled and not settings.sending_enabled


@pytest.fixture
def no_public_url(monkeypatch):
    for name in ("PUBLIC_URL", "HOST", "PORT"):
        monkeypatch.delenv(name, raising=False)


def test_share_links_follow_the_port_when_public_url_is_unset(monkeypatch, no_public_url):
    monkeypatch.setenv("PORT", "8181")

    assert load_settings().public_url == "http://127.0.0.1:8181"


def test_share_links_use_a_host_that_is_an_address(monkeypatch, no_public_url):
    monkeypatch.setenv("HOST", "10.1.2.3")

    assert load_settings().public_url == "http://10.1.2.3:8080"


def test_public_url_when_set_is_used_as_given(monkeypatch, no_public_url):
    monkeypatch.setenv("PUBLIC_URL", "https://guide.example.com")
    monkeypatch.setenv("PORT", "8181")

    assert load_settings().public_url == "https://guide.example.com"


def test_a_fresh_copy_of_env_example_starts_with_the_defaults(tmp_path, no_public_url):
    shutil.copy(Path(__file__).parents[2] / ".env.example", tmp_path / ".env")

    settings = load_settings()

    assert (settings.wecom_agent_id, settings.database_url, settings.public_url) == (None, "", "http://127.0.0.1:8080")
    assert not settings.sending_enabled


def test_the_business_time_zone_is_read_from_business_timezone(monkeypatch):
    monkeypatch.setenv("BUSINESS_TIMEZONE", "Asia/Urumqi")

    assert load_settings().business_timezone == "Asia/Urumqi"


def test_the_old_name_timezone_is_still_read(monkeypatch):
    monkeypatch.setenv("TIMEZONE", "Asia/Hong_Kong")

    assert load_settings().business_timezone == "Asia/Hong_Kong"


def test_business_timezone_wins_over_the_timezone_tortoise_writes_into_the_environment(monkeypatch):
    monkeypatch.setenv("BUSINESS_TIMEZONE", "Asia/Shanghai")
    monkeypatch.setenv("TIMEZONE", "UTC")

    assert load_settings().business_timezone == "Asia/Shanghai"
