"""The key that signs page links: the same on every replica, and kept across restarts in demo mode."""

import stat

import pytest

from config.keys import page_link_key
from config.settings import Settings, SettingsError, load_settings


def test_page_link_secret_is_the_key_when_set(tmp_path):
    one = Settings(var_dir=tmp_path, page_link_secret="s" * 32)
    other = Settings(
        var_dir=tmp_path / "elsewhere",
        page_link_secret="s" * 32,
        wecom_corp_id="ww",
        wecom_secret="x",
        wecom_agent_id=1,
    )

    assert page_link_key(one) == page_link_key(other)
    assert not (tmp_path / "page-link.key").exists()


def test_replicas_sharing_a_wecom_secret_share_the_key_without_revealing_the_secret(tmp_path):
    def replica(var_dir):
        return Settings(var_dir=var_dir, wecom_corp_id="ww", wecom_secret="app-secret", wecom_agent_id=1)

    key = page_link_key(replica(tmp_path / "a"))

    assert key == page_link_key(replica(tmp_path / "b"))
    assert b"app-secret" not in key


def test_demo_mode_keeps_a_random_key_under_var_readable_only_by_its_owner(tmp_path):
    settings = Settings(var_dir=tmp_path)

    key = page_link_key(settings)

    assert key == page_link_key(settings)
    assert len(key) == 32
    assert stat.S_IMODE((tmp_path / "page-link.key").stat().st_mode) == 0o600
    assert page_link_key(Settings(var_dir=tmp_path / "another-machine")) != key


def test_a_short_page_link_secret_is_a_configuration_error(tmp_path):
    with pytest.raises(SettingsError) as error:
        load_settings(var_dir=tmp_path, page_link_secret="short")

    assert str(error.value).startswith("PAGE_LINK_SECRET: must be at least 32 characters")
