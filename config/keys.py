"""The keys every replica must share: the one that signs guides' leaderboard links (leaderboards/links.py)
and the one that encrypts console sessions.

A link or a session made by one replica must be taken by another. So: the key's own
setting (PAGE_LINK_SECRET, CONSOLE_SECRET) when set; else a key derived from the WeCom app secret, which every
replica of a real deployment already shares (the derivation reveals nothing of it); else,
in demo mode, a random key made once and kept in var/, so links outlive a restart and
`make console` and `make run` agree.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
from pathlib import Path

from pydantic import SecretStr

from config.settings import Settings

KEY_FILE = "page-link.key"
DERIVATION_LABEL = b"guidebot leaderboard links"
CONSOLE_KEY_FILE = "console-session.key"
CONSOLE_DERIVATION_LABEL = b"guidebot console sessions"


def page_link_key(settings: Settings) -> bytes:
    return _shared_key(settings, settings.page_link_secret, DERIVATION_LABEL, KEY_FILE)


def console_session_key(settings: Settings) -> bytes:
    return _shared_key(settings, settings.console_secret, CONSOLE_DERIVATION_LABEL, CONSOLE_KEY_FILE)


def _shared_key(settings: Settings, own: SecretStr, label: bytes, key_file: str) -> bytes:
    if secret := own.get_secret_value():
        return hashlib.sha256(secret.encode()).digest()
    if secret := settings.wecom_secret.get_secret_value():
        return hmac.new(secret.encode(), label, hashlib.sha256).digest()
    return _kept_key(settings.var_dir / key_file)


def _kept_key(path: Path) -> bytes:
    """The key in `path`, made there first if missing; two processes starting together keep the same one."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        draft.write_text(secrets.token_hex(32))
        draft.chmod(0o600)
        with contextlib.suppress(FileExistsError):
            os.link(draft, path)  # atomic: the first process's key wins, whole
        draft.unlink()
    return bytes.fromhex(path.read_text().strip())
