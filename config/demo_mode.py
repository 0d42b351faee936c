"""Demo mode: with no WeCom credential set, the service still accepts callbacks, signed with credentials of its own.

A newcomer has no WeCom corp, yet should see the bot take new friends and chat. So `guidebot
serve` makes up a CallbackToken, an EncodingAESKey and a CorpID once, keeps them in
`var/demo-callback.json` (mode 0600) and accepts callbacks signed with them; `guidebot
demo-traffic` reads the same file to sign what it posts. The file also holds an HQ API token,
used only while HQ_API_TOKEN is unset, so the demo can post sales. A restart reuses the file,
so a demo-traffic run survives it. Secrets stay in the file: logs name the file, never its content.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import secrets
import tempfile
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

from config.settings import ENCODING_AES_KEY, Settings

log = logging.getLogger(__name__)

FILE_NAME = "demo-callback.json"
DEMO_CORP_ID = "ww-guidebot-demo"


class DemoCredentialsError(Exception):
    """The demo credentials file is missing or damaged, in one line for the person at the terminal."""


class DemoCredentials(BaseModel):
    """What demo mode signs callbacks with; SecretStr keeps the secrets out of any repr or log line."""

    model_config = ConfigDict(frozen=True)

    corp_id: str = Field(min_length=1, max_length=64)
    callback_token: SecretStr = Field(min_length=1)
    encoding_aes_key: SecretStr
    hq_api_token: SecretStr = Field(min_length=1)

    @field_validator("encoding_aes_key")
    @classmethod
    def _aes_key_is_43_chars(cls, value: SecretStr) -> SecretStr:
        if not ENCODING_AES_KEY.fullmatch(value.get_secret_value()):
            raise ValueError("must be a 43-character EncodingAESKey")
        return value

    @classmethod
    def generate(cls) -> DemoCredentials:
        return cls(
            corp_id=DEMO_CORP_ID,
            callback_token=SecretStr(secrets.token_urlsafe(24)),
            encoding_aes_key=SecretStr(base64.b64encode(secrets.token_bytes(32)).decode().rstrip("=")),
            hq_api_token=SecretStr(secrets.token_urlsafe(32)),
        )

    def as_json(self) -> str:
        values = {name: value.get_secret_value() if isinstance(value, SecretStr) else value for name, value in self}
        return json.dumps(values, indent=2) + "\n"


def credentials_path(var_dir: Path) -> Path:
    return var_dir / FILE_NAME


def read_demo_credentials(var_dir: Path) -> DemoCredentials:
    """The saved demo credentials; DemoCredentialsError when the service never made them here."""
    path = credentials_path(var_dir)
    try:
        return DemoCredentials.model_validate_json(path.read_bytes())
    except FileNotFoundError:
        raise DemoCredentialsError(
            f"{path} does not exist: start the service in demo mode first (make run), with the same VAR_DIR"
        ) from None
    except ValidationError:
        raise DemoCredentialsError(f"{path} is damaged: delete it, then start the service again") from None


def demo_credentials(var_dir: Path) -> tuple[DemoCredentials, bool]:
    """The saved demo credentials, made and saved first if there are none; True when made now.

    The file appears whole or not at all (written aside, then hard-linked into place), so two
    processes starting at once agree on one set.
    """
    path = credentials_path(var_dir)
    if path.exists():
        return read_demo_credentials(var_dir), False
    var_dir.mkdir(parents=True, exist_ok=True)
    made = DemoCredentials.generate()
    descriptor, draft = tempfile.mkstemp(dir=var_dir, prefix=f".{FILE_NAME}.")  # mkstemp creates it 0600
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(made.as_json())
        try:
            os.link(draft, path)
        except FileExistsError:
            return read_demo_credentials(var_dir), False
    finally:
        os.unlink(draft)
    return made, True


def with_demo_credentials(settings: Settings, credentials: DemoCredentials) -> Settings:
    """Settings that accept callbacks signed with `credentials`, and their HQ token unless HQ_API_TOKEN is set."""
    update: dict[str, object] = {
        "wecom_corp_id": credentials.corp_id,
        "wecom_callback_token": credentials.callback_token,
        "wecom_encoding_aes_key": credentials.encoding_aes_key,
    }
    if not settings.hq_api_token.get_secret_value():
        update["hq_api_token"] = credentials.hq_api_token
    return settings.model_copy(update=update)


def enter_demo_mode(settings: Settings) -> Settings:
    """For `guidebot serve`: with no WeCom credential set, the settings with the demo credentials (saying so once).

    With any WeCom credential set, the settings as they are: a real corp's service never takes demo callbacks.
    """
    if settings.wecom_configured:
        return settings
    credentials, made = demo_credentials(settings.var_dir)
    hq = "" if settings.hq_api_token.get_secret_value() else " and the HQ API takes its token (HQ_API_TOKEN is unset)"
    log.info(
        "demo mode: /wecom/callback accepts callbacks signed with the %s demo token and key in %s%s; "
        "run `guidebot demo-traffic` in another terminal to see the service at work",
        "new" if made else "saved",
        credentials_path(settings.var_dir),
        hq,
    )
    return with_demo_credentials(settings, credentials)
