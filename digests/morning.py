"""The morning digest: each guide with an open task hears, in one message, where they stand today."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from contests.book import ContestBook
from contests.standings import ALL, ContestStandings
from digests.ports import Notice, NoticeSender
from digests.wording import digest_text, pk_line, task_line
from leaderboards.metrics import Metric, Scope
from leaderboards.periods import Period
from leaderboards.ranking import Standing
from leaderboards.service import Leaderboards
from org.models import Guide
from tasks.models import Task, TaskAssignment, TaskStatus


class MorningDigests:
    """Composes and queues the digests of one morning, for every guide at once.

    A guide's digest lists their open tasks of the day with progress and the gap, their
    rank on yesterday's sales board if they were on it, and their team's place in a
    running PK; a guide who left gets none. A guide with no open task gets nothing: the rank and the PK alone are not
    worth a push. The reads are one query for the assignments, one board read, and one
    roster and board read per running contest, whatever the number of guides.
    """

    def __init__(
        self, notices: NoticeSender, leaderboards: Leaderboards, contests: ContestBook, standings: ContestStandings
    ) -> None:
        self._notices = notices
        self._leaderboards = leaderboards
        self._contests = contests
        self._standings = standings

    async def compose(self, day: date) -> dict[str, str]:
        """Every digest of `day`, by guide."""
        open_lines = await self._open_task_lines(day)
        if not open_lines:
            return {}
        yesterday = Period.day(day - timedelta(days=1))
        ranks: dict[str, Standing] = {
            s.member: s for s in await self._leaderboards.top(Metric.SALES, Scope.GUIDE, yesterday, n=ALL)
        }
        pk = await self._pk_lines(day)
        return {userid: digest_text(lines, ranks.get(userid), pk.get(userid)) for userid, lines in open_lines.items()}

    async def send(self, day: date, slot_key: str) -> int:
        """Queue the digests of `day`, each keyed by the slot and the guide; returns how many guides get one."""
        digests = await self.compose(day)
        await self._notices.notify_many(
            Notice(userid, text, f"digest:{slot_key}:{userid}") for userid, text in sorted(digests.items())
        )
        return len(digests)

    async def _open_task_lines(self, day: date) -> dict[str, list[str]]:
        tasks = {
            task.id: task
            for task in await Task.filter(status=TaskStatus.PUBLISHED, start_date__lte=day, end_date__gte=day)
        }
        lines: dict[str, list[str]] = defaultdict(list)
        if not tasks:
            return lines
        assignments = (
            await TaskAssignment.filter(
                task_id__in=list(tasks), completed_at__isnull=True, guide_userid__not_in=Guide.left_userids()
            )
            .order_by("guide_userid", "task_id")
            .values_list("guide_userid", "task_id", "progress")
        )
        for userid, task_id, progress in assignments:
            task = tasks[task_id]
            if progress < task.target:
                lines[userid].append(task_line(task, progress))
        return lines

    async def _pk_lines(self, day: date) -> dict[str, str]:
        """One line per guide playing in a running contest (the first contest they play in)."""
        lines: dict[str, str] = {}
        for running in await self._contests.running_on(day):
            so_far = await self._standings.of_contest(running)
            for userid, guide in so_far.heads.guides.items():
                lines.setdefault(userid, pk_line(running, so_far.teams, guide.team))
        return lines
