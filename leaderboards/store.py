"""Boards in Redis: one sorted set per (metric, scope, period), with when each member reached its score.

The Lua scripts beside this module make an update exactly-once (a marker per source) and
a read one round trip.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from redis.asyncio import Redis

from leaderboards.metrics import Metric, Scope
from leaderboards.periods import Period
from leaderboards.ranking import BoardRow

LIVE_CHANNEL = "guidebot:boards"
PREFIX = "lb"
REBUILD_PREFIX = "lb-rebuild"
APPLIED_TTL_SECONDS = 90 * 24 * 3600  # longer than any redelivery or replay of a dead letter
_LUA = Path(__file__).with_name("lua")


class BoardKey(NamedTuple):
    metric: Metric
    scope: Scope
    period: Period

    def redis_key(self, prefix: str = PREFIX) -> str:
        return f"{prefix}:{self.metric}:{self.scope}:{self.period}"


@dataclass(frozen=True)
class Contribution:
    """Part of one source's effect: `delta` to `member` of `board`, reached at `at_ms`."""

    board: BoardKey
    member: str
    name: str
    delta: int
    at_ms: int


def reached_key(board_key: str) -> str:
    return f"{board_key}:at"


def names_key(scope: Scope, prefix: str = PREFIX) -> str:
    return f"{prefix}:names:{scope}"


class RedisBoardStore:
    def __init__(self, redis: Redis, *, channel: str = LIVE_CHANNEL) -> None:
        self._redis = redis
        self._channel = channel
        self._apply = redis.register_script((_LUA / "apply.lua").read_text())
        reads_prelude = (_LUA / "hmget_all.lua").read_text()
        self._top = redis.register_script(reads_prelude + (_LUA / "top.lua").read_text())
        self._around = redis.register_script(reads_prelude + (_LUA / "around.lua").read_text())

    async def apply(self, source: str, contributions: list[Contribution], live_message: dict) -> bool:
        """Add the contributions unless `source` was applied before; then tell the live pages."""
        keys, args = [f"{PREFIX}:applied:{source}"], [APPLIED_TTL_SECONDS, self._channel, json.dumps(live_message)]
        for c in contributions:
            board = c.board.redis_key()
            keys += [board, reached_key(board), names_key(c.board.scope)]
            args += [c.member, c.delta, c.at_ms, c.name]
        return bool(await self._apply(keys=keys, args=args))

    async def top(self, board: BoardKey, n: int) -> list[BoardRow]:
        return _rows(*json.loads(await self._top(keys=_read_keys(board), args=[n])))

    async def around(self, board: BoardKey, member: str, span: int) -> list[tuple[BoardRow, int]]:
        return self._around_rows(json.loads(await self._around(keys=_read_keys(board), args=[member, span])))

    @staticmethod
    def _around_rows(found: list) -> list[tuple[BoardRow, int]]:
        if not found:
            return []
        members, scores, reached, names, above = found
        return list(zip(_rows(members, scores, reached, names), (int(count) for count in above), strict=True))

    async def top_and_around(
        self, board: BoardKey, n: int, member: str, span: int
    ) -> tuple[list[BoardRow], list[tuple[BoardRow, int]]]:
        """`top` and `around` in one round trip (what a page showing a guide's own row needs)."""
        async with self._redis.pipeline(transaction=False) as pipe:
            await self._top(keys=_read_keys(board), args=[n], client=pipe)
            await self._around(keys=_read_keys(board), args=[member, span], client=pipe)
            top, around = await pipe.execute()
        return _rows(*json.loads(top)), self._around_rows(json.loads(around))

    async def replace_all(self, boards: dict[BoardKey, dict[str, list[int]]], names: dict[Scope, dict]) -> None:
        """Make the boards exactly `boards` ({board: {member: [score, reached-at ms]}}) and drop every other board.

        Each board is written under a temporary key and renamed over the live one, so a
        reader sees the old board or the new one, never half of it.
        """
        fresh = {board.redis_key() for board in boards}
        for board, members in boards.items():
            staged = board.redis_key(REBUILD_PREFIX)
            async with self._redis.pipeline(transaction=False) as pipe:
                pipe.delete(staged, reached_key(staged))
                for chunk in _chunks(list(members.items()), 5000):
                    pipe.zadd(staged, {member: score for member, (score, _) in chunk})
                    pipe.hset(reached_key(staged), mapping={member: at for member, (_, at) in chunk})
                pipe.rename(staged, board.redis_key())
                pipe.rename(reached_key(staged), reached_key(board.redis_key()))
                await pipe.execute()
        for scope, scope_names in names.items():
            if scope_names:
                await self._redis.hset(names_key(scope), mapping=scope_names)
        stale = [key async for key in self._board_keys() if key not in fresh]
        for chunk in _chunks(stale, 500):
            await self._redis.unlink(*chunk, *(reached_key(key) for key in chunk))

    async def _board_keys(self) -> AsyncIterator[str]:
        async for raw in self._redis.scan_iter(match=f"{PREFIX}:*", count=1000):
            key = raw.decode() if isinstance(raw, bytes) else raw
            kind = key.split(":")[1]
            if kind not in ("applied", "names") and not key.endswith(":at"):
                yield key


def _read_keys(board: BoardKey) -> list[str]:
    key = board.redis_key()
    return [key, reached_key(key), names_key(board.scope)]


def _rows(members: list, scores: list, reached: list, names: list) -> list[BoardRow]:
    return [
        BoardRow(member, float(score), int(at or 0), name or member)
        for member, score, at, name in zip(members, scores, reached, names, strict=True)
    ]


def _chunks(items: list, size: int) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
