"""The key that signs guides' leaderboard links (leaderboards/links.py).

Every replica must sign with the same key, or a link made by one is refused by another.
So: PAGE_LINK_SECRET when set; else a key derived from the WeCom app secret, which every
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

from config.settings import Settings

KEY_FILE = "page-link.key"
DERIVATION_LABEL = b"guidebot leaderboard links"


def page_link_key(settings: Settings) -> bytes:
    if secret := settings.page_link_secret.get_secret_value():
        return hashlib.sha256(secret.encode()).digest()
    if secret := settings.wecom_secret.get_secret_value():
        return hmac.new(secret.encode(), DERIVATION_LABEL, hashlib.sha256).digest()
    return _kept_key(settings.var_dir / KEY_FILE)


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
