"""加油: a guide cheers their team in chat; the contest page shows the latest cheers.

Cheers are kept as typed (whitespace tidied, length capped); the page escapes them. A guide
may cheer once a minute: a team's wall should show its people, not one guide's flood.
"""

from __future__ import annotations

from dataclasses import dataclass

from redis.asyncio import Redis
from tortoise.exceptions import IntegrityError

from contests.boards import team_of
from contests.book import ContestBook
from contests.models import Cheer
from kernel.clock import Clock
from leaderboards.placements import Placements

MAX_CHEER_CHARS = 50
PACE_SECONDS = 60


@dataclass(frozen=True)
class CheerOutcome:
    """What became of a cheer: the teams it went to, or why none (`wait_seconds` when it came too soon)."""

    teams: list[str]
    wait_seconds: int = 0


class Cheers:
    def __init__(self, book: ContestBook, redis: Redis, clock: Clock, placements: Placements | None = None) -> None:
        self._book = book
        self._redis = redis
        self._clock = clock
        self._placements = placements or Placements()

    async def cheer(self, guide_userid: str, text: str, *, source: str) -> CheerOutcome:
        """Store the cheer for the guide's team in every contest running today; once per `source` (the message)."""
        today = self._clock.today()
        placement = await self._placements.of(guide_userid, today)
        teams = [(r, team) for r in await self._book.running_on(today) if (team := team_of(r, placement))]
        if not teams:
            return CheerOutcome([])
        names = [running.lineup.teams[team].name for running, team in teams]
        if await Cheer.exists(contest_id=teams[0][0].id, source=source):
            return CheerOutcome(names)  # the same message again (a retried callback)
        if not await self._redis.set(f"cheer-pace:{guide_userid}", 1, nx=True, ex=PACE_SECONDS):
            return CheerOutcome([], wait_seconds=max(await self._redis.ttl(f"cheer-pace:{guide_userid}"), 1))
        for running, team in teams:
            try:
                await Cheer.create(
                    contest_id=running.id,
                    team_code=team,
                    guide_userid=guide_userid,
                    guide_name=placement.guide_name,
                    text=tidy(text)[:MAX_CHEER_CHARS],
                    source=source,
                    created_at=self._clock.now(),
                )
            except IntegrityError:
                pass
        return CheerOutcome(names)

    async def latest(self, contest_id: int, limit: int = 20) -> list[Cheer]:
        """The newest cheers first, for the contest page."""
        return await Cheer.filter(contest_id=contest_id).order_by("-created_at", "-id").limit(limit)


def tidy(text: str) -> str:
    """One line, single spaces: a cheer is a shout, not a letter."""
    return " ".join(text.split())
